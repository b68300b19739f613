import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));

function run(args: string[]) {
  return spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

test('pnpm testbed --json: starts the world, prints live URLs, stops cleanly on SIGINT', async () => {
  const child = run(['--json', '--access-token-ttl', '30']);
  let out = '';
  child.stdout.setEncoding('utf8');
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
  });
  const urls = JSON.parse(line) as Record<string, string>;
  assert.match(urls.strictMcp ?? '', /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  const prm = await fetch(`${new URL(urls.strictMcp ?? '').origin}/.well-known/oauth-protected-resource/mcp`);
  assert.equal(((await prm.json()) as { resource: string }).resource, urls.strictMcp);
  const md = await fetch(`${urls.googleAs}/.well-known/openid-configuration`);
  assert.equal(((await md.json()) as { issuer: string }).issuer, urls.googleAs);
  assert.equal(urls.googleClientSecretEnvVar, 'TESTBED_GOOGLE_CLIENT_SECRET');
  child.kill('SIGINT');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});

test('pnpm testbed prints a ready-to-paste config for mcp-oauth and for Codex', async () => {
  const child = run([]);
  let out = '';
  child.stdout.setEncoding('utf8');
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('Press Ctrl-C')) resolve();
    });
  });
  child.kill('SIGTERM');
  await once(child, 'exit');
  assert.match(out, /\[mcp_servers\.testbed\]\nurl = "http:\/\/127\.0\.0\.1:\d+\/mcp"/);
  assert.match(
    out,
    /\[mcp_servers\.testbed-google\.oauth\]\nclient_id = "testbed-desktop\.apps\.googleusercontent\.test"\nclient_secret_env_var = "TESTBED_GOOGLE_CLIENT_SECRET"\nprovider = "google"/,
  );
  assert.match(out, /config for Codex/);
});

test('a bad option value is a usage error (exit 2) with a clear message', async () => {
  const child = run(['--access-token-ttl', 'soon']);
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => {
    err += c;
  });
  const [code] = await once(child, 'exit');
  assert.equal(code, 2);
  assert.match(err, /--access-token-ttl must be a positive whole number of seconds, got "soon"/);
});
