// undici is loaded on the first request, not when the package is imported or a client created: a process whose
// stored token is valid never sends an OAuth request and must not pay undici's start-up (docs/benchmarks.md,
// benchmark 2). Module loads are recorded in a child process by a loader hook.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createHttpClient, HttpError } from '../src/index.js';
import { type LocalServer, startServer } from './helpers/local-server.js';

const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.LOADED_LOG, url + '\\n');
  return next(url, context);
}`;

/**
 * Runs `body` (module code that sees `createHttpClient` and `mark(label)`) in a child process and returns the
 * module URLs it loaded, with the `mark` labels in between.
 */
async function loadedDuring(body: string, env: Record<string, string> = {}): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-http-lazy-'));
  try {
    const log = join(dir, 'loaded.txt');
    const script = [
      "import { register } from 'node:module';",
      "import { appendFileSync } from 'node:fs';",
      `register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`,
      "const mark = (label) => appendFileSync(process.env.LOADED_LOG, 'mark:' + label + '\\n');",
      `const { createHttpClient } = await import(${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)});`,
      "mark('imported');",
      body,
    ].join('\n');
    // The child inherits NODE_OPTIONS (the TypeScript loader and the source condition of the test runner).
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, ...env, LOADED_LOG: log },
    });
    return (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const isUndici = (url: string) => url.includes('/node_modules/undici/');

describe('undici is loaded on the first request', () => {
  let server: LocalServer;

  before(async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });

  after(async () => {
    await server.close();
  });

  it('importing the package, creating and closing a client load no undici module; the first request does', async () => {
    const loaded = await loadedDuring(
      [
        'const http = createHttpClient({ timeouts: { totalMs: 5000 } });',
        'await http.close();',
        "mark('created and closed');",
        'const again = createHttpClient();',
        "const { json } = await again.getJson(process.env.ORIGIN + '/doc');",
        "if (json.ok !== true) throw new Error('unexpected body');",
        "mark('requested');",
        'await again.close();',
      ].join('\n'),
      { ORIGIN: server.origin },
    );
    const created = loaded.indexOf('mark:created and closed');
    const requested = loaded.indexOf('mark:requested');
    assert.ok(
      loaded.some((url) => url.endsWith('/src/client.ts')),
      'the hook saw the package load',
    );
    assert.ok(created > 0 && requested > created, 'the child reached every step');
    assert.deepEqual(loaded.slice(0, created).filter(isUndici), [], 'no undici module before a request');
    assert.ok(
      loaded.slice(created, requested).some(isUndici),
      'undici is loaded by the first request (and the hook would have seen it earlier)',
    );
  });

  it('requests sent at once before undici is loaded all succeed, on one agent', async () => {
    const http = createHttpClient();
    try {
      const responses = await Promise.all([1, 2, 3].map((n) => http.getJson(`${server.origin}/doc/${n}`)));
      assert.deepEqual(
        responses.map((r) => r.json),
        [{ ok: true }, { ok: true }, { ok: true }],
      );
    } finally {
      await http.close();
    }
  });

  it('a request after close() fails with network, whether or not the client had sent one', async () => {
    const unused = createHttpClient();
    await unused.close();
    const used = createHttpClient();
    await used.getJson(`${server.origin}/doc`);
    await used.close();
    for (const http of [unused, used]) {
      await assert.rejects(http.getJson(`${server.origin}/doc`), (error: unknown) => {
        assert.ok(error instanceof HttpError);
        assert.equal(error.code, 'network');
        return true;
      });
    }
  });
});
