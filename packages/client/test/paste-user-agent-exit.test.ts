import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./fixtures/paste-user-agent.ts', import.meta.url));

/**
 * Runs the fixture with a stdin pipe this test keeps open, writes `pasted`, and waits for it to exit. A stdin left
 * referenced keeps it alive for ever (the pipe is never ended), so the 60 s guard only bounds a failure; it is no
 * speed threshold (5 s was one, and a loaded machine starting tsx crossed it).
 */
async function run(mode: 'paste' | 'abort', pasted: string): Promise<{ exited: boolean; stdout: string }> {
  const child = spawn(process.execPath, [fixture, mode], { stdio: ['pipe', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stdin.write(pasted);
  const exited = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 60_000);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  if (!exited) child.kill();
  child.stdin.destroy();
  return { exited, stdout };
}

test('paste agent on a piped stdin: after the pasted callback ends the login, the process exits by itself', async () => {
  const { exited, stdout } = await run('paste', 'http://127.0.0.1:4567/callback/abc?code=c&state=s\n');
  assert.equal(exited, true, 'stdin left referenced keeps the embedder alive');
  assert.match(stdout, /"delivered":"http:\/\/127\.0\.0\.1:4567\/callback\/abc\?code=c&state=s"/);
});

test('paste agent on a piped stdin: a login that ends otherwise (after a bad paste) lets the process exit', async () => {
  const { exited, stdout } = await run('abort', 'not a url\n');
  assert.equal(exited, true, 'stdin left referenced keeps the embedder alive');
  assert.match(stdout, /That is not a URL/);
  assert.match(stdout, /"delivered":""/);
});
