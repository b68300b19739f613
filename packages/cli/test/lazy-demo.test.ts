// The demo's modules are loaded only when `mcp-oauth demo` runs: loading the command table (what every command
// pays at start) must not load them. Checked in a child process whose module loads are recorded by a loader hook.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.LOADED_LOG, url + '\\n');
  return next(url, context);
}`;

/** The module URLs a child process loads while importing `specifier` (resolved from this test file). */
async function modulesLoadedBy(specifier: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-lazy-'));
  try {
    const log = join(dir, 'loaded.txt');
    const target = new URL(specifier, import.meta.url).href;
    const script = [
      "import { register } from 'node:module';",
      `register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`,
      `await import(${JSON.stringify(target)});`,
    ].join('\n');
    // The child inherits NODE_OPTIONS (the TypeScript loader and the source condition of the test runner).
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, LOADED_LOG: log },
    });
    return (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('loading the command table does not load the demo', async () => {
  const loaded = await modulesLoadedBy('../src/registry.ts');
  assert.ok(
    loaded.some((url) => url.endsWith('/src/commands/demo.ts')),
    'the hook saw the command table load (the demo command itself is in it)',
  );
  assert.deepEqual(
    loaded.filter((url) => url.includes('/src/demo/')),
    [],
    'no module of src/demo/ is loaded before the demo runs',
  );
});
