import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const fixture = fileURLToPath(new URL('../fixtures/failing-user-agent.ts', import.meta.url));

test('a user agent that fails: login rejects with its error, the listener closes, the process can exit', async () => {
  // The login waits up to 600 s for its callback: if the failure left that wait (or the listener) running, the
  // child would not exit and execFile would be killed at its 60 s timeout.
  const { stdout } = await promisify(execFile)(process.execPath, [fixture], { timeout: 60_000 });
  const result = JSON.parse(stdout.trim()) as { outcome: string; code?: string; redirectUri: string };
  assert.equal(result.outcome, 'failed');
  assert.equal(result.code, 'browser_failed', "the user agent's own error, not a timeout or a cancellation");
  assert.match(result.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/callback\//);
  const refused = await new Promise<string>((resolve) => {
    request(result.redirectUri, (res) => resolve(`answered ${res.statusCode}`))
      .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
      .end();
  });
  assert.equal(refused, 'ECONNREFUSED');
});
