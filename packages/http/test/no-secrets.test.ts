import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { createHttpClient, HttpError } from '../src/index.js';
import { type LocalServer, startServer } from './helpers/local-server.js';

// A value shaped like a client secret; it must never surface in an error, whatever the failure.
const SENTINEL = 'sentinel-Secret-7f3a9c';

describe('errors never carry a secret from the request', () => {
  let server: LocalServer;
  const http = createHttpClient({ timeouts: { headersMs: 200, totalMs: 5_000 }, maxBodyBytes: 64 });

  before(async () => {
    // Every route echoes the request body back in the worst place it could leak from.
    server = await startServer((req, res, body) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/redirect') {
        res.writeHead(307, { location: `/elsewhere?${body}` });
        res.end(body);
      } else if (path === '/reset') {
        req.socket.destroy();
      } else if (path === '/large') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ echo: body.repeat(10) }));
      } else if (path === '/html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<p>${body}</p>`);
      } else if (path === '/stall') {
        // never answers
      } else {
        res.writeHead(500, { 'content-type': 'text/plain', 'x-echo': body });
        res.end(body);
      }
    });
  });
  after(async () => {
    await http.close();
    await server.close();
  });

  const form = { grant_type: 'client_credentials', client_id: 'app', client_secret: SENTINEL };

  function assertClean(error: unknown): void {
    assert.ok(error instanceof HttpError, String(error));
    for (const text of [
      error.message,
      String(error.stack),
      JSON.stringify(error),
      inspect(error, { depth: Number.POSITIVE_INFINITY }),
    ]) {
      assert.equal(text.includes(SENTINEL), false, `the secret leaked into the ${error.code} error`);
    }
  }

  for (const [path, code] of [
    ['/redirect', 'redirect_not_allowed'],
    ['/reset', 'network'],
    ['/large', 'too_large'],
    ['/stall', 'timeout'],
  ] as const) {
    it(`postForm failing with ${code}`, async () => {
      const error = await http.postForm(`${server.origin}${path}`, form).then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e,
      );
      assert.equal((error as HttpError).code, code);
      assertClean(error);
    });
  }

  it('getJson failing with not_json on a page that echoes the query', async () => {
    const error = await http.getJson(`${server.origin}/html?client_secret=${SENTINEL}`).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    );
    assert.equal((error as HttpError).code, 'not_json');
    assert.equal((error as HttpError).url, `${server.origin}/html?client_secret=[redacted]`);
    assertClean(error);
  });

  it('getJson failing with http_status when a header carries the secret', async () => {
    const error = await http
      .getJson(`${server.origin}/fail`, { headers: { authorization: `Bearer ${SENTINEL}` } })
      .then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e,
      );
    assert.equal((error as HttpError).code, 'http_status');
    assertClean(error);
  });
});
