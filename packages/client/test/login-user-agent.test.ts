import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { headlessUserAgent, noBrowserUserAgent, parsePastedCallback } from '@mcp-oauth/client';

const REDIRECT = 'http://127.0.0.1:4567/callback/abc';

test('a pasted callback must be this login redirect URI with a query', () => {
  assert.equal(
    parsePastedCallback(`  ${REDIRECT}?code=x&state=y`.trim(), REDIRECT).searchParams.get('code'),
    'x',
  );
  assert.throws(() => parsePastedCallback('not a url', REDIRECT), { code: 'invalid_paste' });
  assert.throws(() => parsePastedCallback('http://127.0.0.1:4567/callback/other?code=x', REDIRECT), {
    code: 'invalid_paste',
  });
  assert.throws(() => parsePastedCallback(REDIRECT, REDIRECT), { code: 'invalid_paste' }, 'no query');
});

test('no-browser: prints the URL alone on its own line; a bad paste is explained; a good one is delivered', async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  const prompt = new PassThrough();
  let out = '';
  let said = '';
  output.on('data', (c) => {
    out += c;
  });
  prompt.on('data', (c) => {
    said += c;
  });
  const delivered: URL[] = [];
  const ac = new AbortController();
  await noBrowserUserAgent({ input, output, prompt })(new URL('https://as.example/authorize?x=1'), {
    redirectUri: REDIRECT,
    deliver: (u) => delivered.push(u),
    signal: ac.signal,
  });
  assert.equal(out, 'https://as.example/authorize?x=1\n');
  input.write('garbage\n');
  input.write(`${REDIRECT}?code=c&state=s\n`);
  await new Promise((r) => setImmediate(r));
  assert.match(said, /That is not a URL/);
  assert.equal(delivered.length, 1);
  assert.equal(delivered[0]?.searchParams.get('state'), 's');
  ac.abort();
});

test('headless: follows redirects to the redirect URI and delivers it; a page stops it with a clear error', async () => {
  const hops: Record<string, Response> = {
    'https://as.example/authorize': new Response(null, { status: 302, headers: { location: '/step2' } }),
    'https://as.example/step2': new Response(null, {
      status: 303,
      headers: { location: `${REDIRECT}?code=c` },
    }),
  };
  const fakeFetch = (async (url: URL) =>
    hops[url.href] ?? new Response('<form>', { status: 200 })) as typeof fetch;
  const delivered: URL[] = [];
  const ctx = {
    redirectUri: REDIRECT,
    deliver: (u: URL) => delivered.push(u),
    signal: new AbortController().signal,
  };
  await headlessUserAgent(fakeFetch)(new URL('https://as.example/authorize'), ctx);
  assert.equal(delivered[0]?.href, `${REDIRECT}?code=c`);
  await assert.rejects(headlessUserAgent(fakeFetch)(new URL('https://as.example/login'), ctx), {
    code: 'browser_failed',
    message: /HTTP 200.*wants a person/,
  });
});

test('headless (issue 17, defect 3): a remote AS redirecting to loopback or http is not followed', async () => {
  const requested: string[] = [];
  for (const location of [
    'http://127.0.0.1:6379/x',
    'https://localhost/x',
    'http://evil.example/x',
    'file:///etc/passwd',
  ]) {
    const fakeFetch = (async (url: URL) => {
      requested.push(url.href);
      return new Response(null, { status: 302, headers: { location } });
    }) as typeof fetch;
    const ctx = { redirectUri: REDIRECT, deliver: () => {}, signal: new AbortController().signal };
    await assert.rejects(headlessUserAgent(fakeFetch)(new URL('https://as.example/authorize'), ctx), {
      code: 'browser_failed',
      message: /not https or is on this machine/,
    });
  }
  assert.deepEqual(new Set(requested), new Set(['https://as.example/authorize']));
});

test('headless with oauth.allow_endpoint_downgrade: a remote AS may redirect to loopback, never to remote http', async () => {
  const hops: Record<string, Response> = {
    'https://as.example/authorize': new Response(null, {
      status: 302,
      headers: { location: 'http://127.0.0.1:9000/consent' },
    }),
    'http://127.0.0.1:9000/consent': new Response(null, {
      status: 302,
      headers: { location: `${REDIRECT}?code=c` },
    }),
  };
  const fakeFetch = (async (url: URL) => hops[url.href] ?? new Response('', { status: 200 })) as typeof fetch;
  const delivered: URL[] = [];
  const ctx = {
    redirectUri: REDIRECT,
    deliver: (u: URL) => delivered.push(u),
    signal: new AbortController().signal,
  };
  await assert.rejects(headlessUserAgent(fakeFetch)(new URL('https://as.example/authorize'), ctx), {
    code: 'browser_failed',
    message: /oauth\.allow_endpoint_downgrade/,
  });
  await headlessUserAgent(fakeFetch)(new URL('https://as.example/authorize'), {
    ...ctx,
    allowEndpointDowngrade: true,
  });
  assert.equal(delivered[0]?.href, `${REDIRECT}?code=c`);
  const toRemoteHttp = (async () =>
    new Response(null, {
      status: 302,
      headers: { location: 'http://evil.example/x' },
    })) as unknown as typeof fetch;
  await assert.rejects(
    headlessUserAgent(toRemoteHttp)(new URL('https://as.example/authorize'), {
      ...ctx,
      allowEndpointDowngrade: true,
    }),
    { code: 'browser_failed' },
  );
});

test('headless: a loopback AS may redirect over loopback http', async () => {
  const hops: Record<string, Response> = {
    'http://127.0.0.1:9000/authorize': new Response(null, {
      status: 302,
      headers: { location: 'http://localhost:9000/consent' },
    }),
    'http://localhost:9000/consent': new Response(null, {
      status: 302,
      headers: { location: `${REDIRECT}?code=c` },
    }),
  };
  const fakeFetch = (async (url: URL) => hops[url.href] ?? new Response('', { status: 200 })) as typeof fetch;
  const delivered: URL[] = [];
  const ctx = {
    redirectUri: REDIRECT,
    deliver: (u: URL) => delivered.push(u),
    signal: new AbortController().signal,
  };
  await headlessUserAgent(fakeFetch)(new URL('http://127.0.0.1:9000/authorize'), ctx);
  assert.equal(delivered[0]?.href, `${REDIRECT}?code=c`);
});
