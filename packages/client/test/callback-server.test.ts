import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { startCallbackServer } from '@mcp-oauth/client';

test('binds 127.0.0.1 on an OS-chosen port with path /callback/<id>; one-shot', async () => {
  const cb = await startCallbackServer({ id: 'abc' });
  assert.match(cb.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/callback\/abc$/);
  const waiting = cb.wait({ timeoutMs: 5_000 });
  const res = await fetch(`${cb.redirectUri}?code=c1&state=s1`);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /Signed in/);
  const url = await waiting;
  assert.equal(url.searchParams.get('code'), 'c1');
  assert.equal(url.href, `${cb.redirectUri}?code=c1&state=s1`);
  await assert.rejects(fetch(`${cb.redirectUri}?code=again`), 'closed after the first callback');
});

test('other paths get 404 and do not complete the login', async () => {
  const cb = await startCallbackServer({ id: 'x' });
  const waiting = cb.wait({ timeoutMs: 5_000 });
  const other = await fetch(cb.redirectUri.replace('/callback/x', '/callback/y?code=evil'));
  assert.equal(other.status, 404);
  await fetch(`${cb.redirectUri}?code=good`);
  assert.equal((await waiting).searchParams.get('code'), 'good');
});

test('an error response gets the failure page, with no text from the request', async () => {
  const cb = await startCallbackServer();
  const waiting = cb.wait({ timeoutMs: 5_000 });
  const res = await fetch(`${cb.redirectUri}?error=${encodeURIComponent('<script>alert(1)</script>')}`);
  const html = await res.text();
  assert.equal(res.status, 400);
  assert.match(html, /Sign-in failed \u2014 return to the terminal/);
  assert.doesNotMatch(html, /script|alert/);
  await waiting;
});

test('check: a stray request (another state) gets the failure page and does not end the wait', async () => {
  const cb = await startCallbackServer();
  const strays: string[] = [];
  const waiting = cb.wait({
    timeoutMs: 5_000,
    check: (url) =>
      url.searchParams.get('state') !== 's1' ? 'stray' : url.searchParams.has('code') ? 'ok' : 'failed',
    onStray: (url) => strays.push(url.search),
  });
  const stray = await fetch(`${cb.redirectUri}?code=evil&state=other`);
  assert.equal(stray.status, 400);
  assert.match(await stray.text(), /does not belong to the sign-in the terminal is waiting for/);
  assert.deepEqual(strays, ['?code=evil&state=other']);
  const own = await fetch(`${cb.redirectUri}?code=good&state=s1`);
  assert.equal(own.status, 200);
  assert.match(await own.text(), /Signed in/);
  assert.equal((await waiting).searchParams.get('code'), 'good');
});

test('check: a response the login will reject gets "Sign-in failed" and ends the wait', async () => {
  const cb = await startCallbackServer();
  const waiting = cb.wait({ timeoutMs: 5_000, check: () => 'failed' });
  const res = await fetch(`${cb.redirectUri}?code=c&state=s1&iss=https%3A%2F%2Fevil.example`);
  assert.equal(res.status, 400);
  const html = await res.text();
  assert.match(html, /Sign-in failed/);
  assert.doesNotMatch(html, /Signed in|evil/);
  assert.equal((await waiting).searchParams.get('iss'), 'https://evil.example');
});

test('times out with callback_timeout and closes the listener', async () => {
  const cb = await startCallbackServer();
  await assert.rejects(cb.wait({ timeoutMs: 50 }), { code: 'callback_timeout', retryable: true });
  await assert.rejects(fetch(cb.redirectUri));
});

test('abort (Ctrl-C) rejects with login_cancelled', async () => {
  const cb = await startCallbackServer();
  const ac = new AbortController();
  const waiting = cb.wait({ timeoutMs: 5_000, signal: ac.signal });
  ac.abort();
  await assert.rejects(waiting, { code: 'login_cancelled' });
});

test('a pasted URL delivered by hand resolves the same wait', async () => {
  const cb = await startCallbackServer();
  const waiting = cb.wait({ timeoutMs: 5_000 });
  cb.deliver(new URL(`${cb.redirectUri}?code=pasted`));
  assert.equal((await waiting).searchParams.get('code'), 'pasted');
});

test('a configured port in use is callback_port_in_use with the way out', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as { port: number }).port;
  try {
    await assert.rejects(startCallbackServer({ port }), (e: Error & { code: string }) => {
      assert.equal(e.code, 'callback_port_in_use');
      assert.match(e.message, new RegExp(`callback port ${port} .* --callback-port`));
      return true;
    });
  } finally {
    blocker.close();
  }
});

test('a configured URL without a port: its path on the given (or OS-chosen) port, the port written into the URI', async () => {
  const server = await startCallbackServer({ url: 'http://127.0.0.1/callback/9biCUt7SMRWF' });
  const match = /^http:\/\/127\.0\.0\.1:(\d+)\/callback\/9biCUt7SMRWF$/.exec(server.redirectUri);
  assert.ok(match, server.redirectUri);
  const other = await fetch(`http://127.0.0.1:${match[1]}/callback/other`);
  assert.equal(other.status, 404);
  const response = await fetch(`${server.redirectUri}?code=c&state=s`);
  assert.equal(response.status, 200);
  assert.equal((await server.wait()).searchParams.get('code'), 'c');
});

test('a configured URL with a port and path is the redirect URI verbatim and the only path served', async () => {
  const probe = await startCallbackServer();
  const port = new URL(probe.redirectUri).port;
  await probe.close();
  const url = `http://localhost:${port}/oauth/done`;
  const server = await startCallbackServer({ url, portSource: 'mcp_oauth_callback_url' });
  assert.equal(server.redirectUri, url);
  assert.equal((await fetch(`http://127.0.0.1:${port}/callback/x`)).status, 404);
  assert.equal((await fetch(`http://127.0.0.1:${port}/oauth/done?code=c`)).status, 200);
  assert.equal((await server.wait()).href, `${url}?code=c`);
});
