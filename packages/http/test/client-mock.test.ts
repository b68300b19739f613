import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MockAgent } from 'undici';
import { createHttpClient, type HttpClient, HttpError, type HttpErrorCode } from '../src/index.js';

const AS = 'https://as.example.com';
const JSON_HEADERS = { 'content-type': 'application/json' };

async function rejectsWith(promise: Promise<unknown>, code: HttpErrorCode): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HttpError, `expected HttpError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected an HttpError ${code}, got a result`);
}

describe('createHttpClient at the fetch boundary (undici MockAgent)', () => {
  let agent: MockAgent;
  let http: HttpClient;

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    http = createHttpClient({ dispatcher: agent, now: () => Date.parse('2026-01-01T00:00:00Z') });
  });
  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  it('follows a same-origin redirect for metadata and reports the final URL', async () => {
    const pool = agent.get(AS);
    pool.intercept({ path: '/.well-known/oauth-authorization-server', method: 'GET' }).reply(301, '', {
      headers: { location: '/tenant/.well-known/oauth-authorization-server' },
    });
    pool
      .intercept({ path: '/tenant/.well-known/oauth-authorization-server', method: 'GET' })
      .reply(200, { issuer: AS }, { headers: JSON_HEADERS });
    const response = await http.getJson(`${AS}/.well-known/oauth-authorization-server`);
    assert.deepEqual(response.json, { issuer: AS });
    assert.equal(response.redirected, true);
    assert.equal(response.url, `${AS}/tenant/.well-known/oauth-authorization-server`);
  });

  it('refuses a redirect to another origin, even the same host on another port or scheme', async () => {
    for (const location of [
      'https://evil.example.com/x',
      'https://as.example.com:8443/x',
      'http://as.example.com/x',
    ]) {
      agent.get(AS).intercept({ path: '/meta', method: 'GET' }).reply(302, '', { headers: { location } });
      const error = await rejectsWith(http.getJson(`${AS}/meta`), 'cross_origin_redirect');
      assert.equal(error.status, 302);
      assert.equal(error.url, `${AS}/meta`);
    }
  });

  it('refuses a redirect with redirect: none', async () => {
    agent
      .get(AS)
      .intercept({ path: '/meta', method: 'GET' })
      .reply(307, '', { headers: { location: '/other' } });
    const error = await rejectsWith(http.getJson(`${AS}/meta`, { redirect: 'none' }), 'redirect_not_allowed');
    assert.equal(error.status, 307);
  });

  it('never follows a redirect of a token request, even to the same origin', async () => {
    agent
      .get(AS)
      .intercept({ path: '/token', method: 'POST' })
      .reply(307, '', { headers: { location: '/token2' } });
    const error = await rejectsWith(
      http.postForm(`${AS}/token`, { grant_type: 'x' }),
      'redirect_not_allowed',
    );
    assert.equal(error.method, 'POST');
  });

  it('stops after maxRedirects same-origin hops', async () => {
    const limited = createHttpClient({ dispatcher: agent, maxRedirects: 2 });
    const pool = agent.get(AS);
    for (const [from, to] of [
      ['/a', '/b'],
      ['/b', '/c'],
      ['/c', '/d'],
    ] as const) {
      pool.intercept({ path: from, method: 'GET' }).reply(302, '', { headers: { location: to } });
    }
    await rejectsWith(limited.getJson(`${AS}/a`), 'too_many_redirects');
  });

  it('returns a 3xx as is with redirect: manual', async () => {
    agent
      .get(AS)
      .intercept({ path: '/r', method: 'GET' })
      .reply(302, '', { headers: { location: 'https://x.example/' } });
    const response = await http.request(`${AS}/r`, { redirect: 'manual' });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), 'https://x.example/');
  });

  it('refuses redirect: same-origin for a POST with a TypeError, before any request', async () => {
    await assert.rejects(http.request(`${AS}/r`, { method: 'POST', redirect: 'same-origin' }), TypeError);
  });

  it('refuses an http URL on a non-loopback host before any request', async () => {
    const error = await rejectsWith(http.getJson('http://as.example.com/meta'), 'insecure_url');
    assert.equal(error.url, 'http://as.example.com/meta');
  });

  it('refuses a JSON body with a non-JSON content type', async () => {
    agent
      .get(AS)
      .intercept({ path: '/meta', method: 'GET' })
      .reply(200, '{"issuer":"x"}', {
        headers: { 'content-type': 'text/plain' },
      });
    const error = await rejectsWith(http.getJson(`${AS}/meta`), 'not_json');
    assert.match(error.message, /"text\/plain"/);
  });

  it('accepts a +json content type', async () => {
    agent
      .get(AS)
      .intercept({ path: '/meta', method: 'GET' })
      .reply(200, '{"a":1}', { headers: { 'content-type': 'application/jrd+json' } });
    assert.deepEqual((await http.getJson(`${AS}/meta`)).json, { a: 1 });
  });

  it('refuses a JSON content type whose body does not parse', async () => {
    agent
      .get(AS)
      .intercept({ path: '/meta', method: 'GET' })
      .reply(200, '{"issuer":', { headers: JSON_HEADERS });
    const error = await rejectsWith(http.getJson(`${AS}/meta`), 'not_json');
    assert.match(error.message, /not valid JSON/);
  });

  it('gives retryAfterMs for a 429 with Retry-After on a metadata GET', async () => {
    agent
      .get(AS)
      .intercept({ path: '/meta', method: 'GET' })
      .reply(429, '', { headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' } });
    const error = await rejectsWith(http.getJson(`${AS}/meta`), 'http_status');
    assert.equal(error.retryAfterMs, 30_000);
    assert.equal(error.retryable, true);
  });

  it('keeps an HTTP 200 carrying an OAuth error as a response (GitHub style)', async () => {
    agent
      .get(AS)
      .intercept({ path: '/token', method: 'POST', body: 'grant_type=authorization_code&code=abc' })
      .reply(200, { error: 'bad_verification_code' }, { headers: JSON_HEADERS });
    const response = await http.postForm(`${AS}/token`, { grant_type: 'authorization_code', code: 'abc' });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { format: 'json', value: { error: 'bad_verification_code' } });
  });

  it('lets callers add headers and override Accept, case-insensitively', async () => {
    agent
      .get(AS)
      .intercept({
        path: '/token',
        method: 'POST',
        headers: { accept: 'application/x-www-form-urlencoded', authorization: 'Basic Y2xpZW50OnNlY3JldA==' },
      })
      .reply(200, 'access_token=t&token_type=bearer', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const response = await http.postForm(
      `${AS}/token`,
      { grant_type: 'x' },
      {
        headers: { Accept: 'application/x-www-form-urlencoded', Authorization: 'Basic Y2xpZW50OnNlY3JldA==' },
      },
    );
    assert.equal(response.body.format, 'form');
  });

  it('refuses a header value with CR or LF', async () => {
    await assert.rejects(http.getJson(`${AS}/meta`, { headers: { 'x-a': 'a\r\nx-b: b' } }), TypeError);
  });

  it('sends a HEAD without reading a body and keeps the declared length out of the cap check', async () => {
    const small = createHttpClient({ dispatcher: agent, maxBodyBytes: 10 });
    agent
      .get(AS)
      .intercept({ path: '/mcp', method: 'HEAD' })
      .reply(200, '', { headers: { 'content-length': '5000' } });
    const response = await small.request(`${AS}/mcp`, { method: 'HEAD' });
    assert.equal(response.status, 200);
    assert.equal(response.body.format, 'empty');
  });

  it('maps an unmatched mock request to network', async () => {
    await rejectsWith(http.getJson(`${AS}/nothing-here`), 'network');
  });
});
