// `mcp-oauth demo` from the built binary: every step holds (exit 0), the throwaway home is gone afterwards, and
// no token shows in its output even with debug logging on.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { e2eFile } from './support/e2e-file.js';

const e2e = e2eFile();

test('demo: both failures reproduced and fixed, 8 checks, exit 0, throwaway home removed', async () => {
  const home = await e2e.home();
  const result = await home.run(['demo']);
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  assert.equal(result.stdout.match(/^ {5}✓ /gm)?.length, 8, result.stdout);
  assert.doesNotMatch(result.stdout, /✗/);
  assert.match(result.stdout, /^Failure B: /m);
  assert.match(result.stdout, /^Failure A: /m);
  assert.match(result.stdout, /^✓ All 8 checks behaved as stated, in [\d.]+ s\./m);
  const throwaway = result.stdout.match(/throwaway home, (\S*mcp-oauth-demo-\S+)\.$/m)?.[1] ?? '';
  assert.notEqual(throwaway, '', result.stdout);
  assert.equal(existsSync(throwaway), false, 'the throwaway home is removed');
  assert.match(result.stderr, /^mcp-oauth: debug: /m, 'debug logging was on');
  // The demo's tokens live in its own process; what a token looks like is enough to find a leak: JWT access
  // tokens (eyJ…), bearer headers, token parameters.
  const output = `${result.stdout}\n${result.stderr}`;
  assert.doesNotMatch(output, /eyJ[\w-]{10,}\./);
  assert.doesNotMatch(output, /Bearer (?!\[redacted\])\S{8,}/);
  assert.doesNotMatch(
    output,
    /(?:code|refresh_token|access_token|client_secret)=(?!\[redacted\])[^&\s"]{8,}/,
  );
  assert.ok(!output.includes('testbed-google-client-secret'), 'the Google-like client secret');
});
