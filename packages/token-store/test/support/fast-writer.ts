import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

// The writer the SIGKILL loop starts a hundred times. It runs the package's own sources, transpiled once by
// TypeScript into plain JavaScript, because starting a child through the tsx loader costs 4× more and the
// loop would take half a minute. It prints "ready", waits for "go <n>", then stores n, n+1, … and prints
// "committed <n>" after each write has resolved.
const WRITER = `
import { createInterface } from 'node:readline';
import { FileStore } from './src/file-store.js';
const [home, keyJson] = process.argv.slice(2);
const key = JSON.parse(keyJson);
const store = new FileStore({ home });
const record = (n) => ({
  version: 1, server_name: key.serverName, server_url: key.serverUrl, issuer: key.issuer, resource: null,
  access_token: 'fake-access-' + n, token_type: 'Bearer', expires_at: null, refresh_token: null, scopes: [],
  client: { client_id: 'c', registration: 'pre_registered', client_secret: null, client_secret_expires_at: null },
  needs_login: null, updated_at: n,
});
console.log('ready');
const line = await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve));
for (let n = Number(line.split(' ')[1]); ; n++) {
  await store.set(key, record(n));
  console.log('committed ' + n);
}
`;

let built: Promise<string> | undefined;

/** Transpiles src/ into a temporary directory (once per process) and returns the writer script's path. */
export function fastFileWriter(): Promise<string> {
  built ??= build();
  return built;
}

async function build(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-writer-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'src'));
  for (const name of await readdir(SRC)) {
    if (!name.endsWith('.ts')) continue;
    const out = ts.transpileModule(await readFile(join(SRC, name), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    await writeFile(join(dir, 'src', name.replace(/\.ts$/, '.js')), out.outputText);
  }
  await writeFile(join(dir, 'package.json'), '{"type":"module"}\n');
  await writeFile(join(dir, 'writer.mjs'), WRITER);
  return join(dir, 'writer.mjs');
}
