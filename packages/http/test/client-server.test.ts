import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createHttpClient, HttpError, type HttpErrorCode } from '../src/index.js';
import { type LocalServer, startServer } from './helpers/local-server.js';
import { startUnacceptingListener } from './helpers/unaccepting-listener.js';

/** Asserts that `promise` rejects with an HttpError of `code`, and returns it for further checks. */
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

describe('createHttpClient against real servers on 127.0.0.1', () => {
  let server: LocalServer;
  const http = createHttpClient({
    timeouts: { headersMs: 300, bodyMs: 300, totalMs: 5_000 },
    maxBodyBytes: 1024,
  });

  before(async () => {
    server = await startServer((req, res) => {
      switch (req.url) {
        case '/json':
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          res.end('{"issuer":"http://127.0.0.1"}');
          return;
        case '/html':
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<!doctype html><title>Sign in</title>');
          return;
        case '/reset':
          req.socket.destroy();
          return;
        case '/reset-mid-body':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
          res.write('{"partial":');
          setTimeout(() => req.socket.destroy(), 20);
          return;
        case '/stall-headers':
          return; // never answers
        case '/stall-body':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"issuer":');
          return; // headers sent, then silence
        case '/big-declared':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2048' });
          res.write('{');
          return; // the client must not wait for the rest
        case '/big-streamed': {
          res.writeHead(200, { 'content-type': 'application/json' });
          const chunk = 'x'.repeat(256);
          let sent = 0;
          const timer = setInterval(() => {
            if (res.destroyed || sent > 100) {
              clearInterval(timer);
              res.end();
              return;
            }
            sent++;
            res.write(chunk);
          }, 5);
          return;
        }
        case '/drip': {
          res.writeHead(200, { 'content-type': 'application/json' });
          const timer = setInterval(() => {
            if (res.destroyed) clearInterval(timer);
            else res.write(' ');
          }, 50);
          res.on('close', () => clearInterval(timer));
          return;
        }
        case '/form':
          res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' });
          res.end('error=bad_verification_code&error_description=The+code+is+incorrect');
          return;
        case '/token-error':
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end('{"error":"invalid_grant"}');
          return;
        case '/rate-limited':
          res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
          res.end('{"error":"slow_down"}');
          return;
        case '/unavailable':
          res.writeHead(503, { 'content-type': 'text/plain' });
          res.end('down');
          return;
        default:
          res.writeHead(404);
          res.end();
      }
    });
  });
  after(async () => {
    await http.close();
    await server.close();
  });

  it('reads a JSON document', async () => {
    const response = await http.getJson(`${server.origin}/json`);
    assert.equal(response.status, 200);
    assert.deepEqual(response.json, { issuer: 'http://127.0.0.1' });
    assert.equal(response.mediaType, 'application/json');
    assert.equal(response.redirected, false);
  });

  it('sends Accept: application/json and the project User-Agent on metadata GETs', async () => {
    await http.getJson(`${server.origin}/json`);
    const last = server.received.at(-1);
    assert.equal(last?.headers.accept, 'application/json');
    assert.match(String(last?.headers['user-agent']), /^mcp-oauth\/\d+\.\d+\.\d+/);
  });

  it('refuses an HTML page answered with 200 as not_json', async () => {
    const error = await rejectsWith(http.getJson(`${server.origin}/html`), 'not_json');
    assert.equal(error.status, 200);
    assert.equal(error.retryable, false);
    assert.match(error.message, /"text\/html"/);
    assert.doesNotMatch(error.message, /Sign in/, 'the body is never copied into the message');
  });

  it('reports a connection reset before the answer as network, retryable', async () => {
    const error = await rejectsWith(http.getJson(`${server.origin}/reset`), 'network');
    assert.equal(error.retryable, true);
    assert.equal(error.url, `${server.origin}/reset`);
  });

  it('reports a connection reset in the middle of the body as network, with the status', async () => {
    const error = await rejectsWith(http.getJson(`${server.origin}/reset-mid-body`), 'network');
    assert.equal(error.status, 200);
  });

  it('times out when the headers never come (headersMs)', async () => {
    const error = await rejectsWith(http.getJson(`${server.origin}/stall-headers`), 'timeout');
    assert.equal(error.phase, 'headers');
    assert.equal(error.retryable, true);
  });

  it('times out when the body stalls after the headers (bodyMs)', async () => {
    const error = await rejectsWith(http.getJson(`${server.origin}/stall-body`), 'timeout');
    assert.equal(error.phase, 'body');
    assert.equal(error.status, 200);
  });

  it('times out a body that trickles forever (totalMs), though no single gap exceeds bodyMs', async () => {
    const short = createHttpClient({ timeouts: { bodyMs: 1_000, totalMs: 400 } });
    try {
      const error = await rejectsWith(short.getJson(`${server.origin}/drip`), 'timeout');
      assert.equal(error.phase, 'total');
    } finally {
      await short.close();
    }
  });

  it('refuses at once a body whose Content-Length exceeds maxBodyBytes', async () => {
    const error = await rejectsWith(http.getJson(`${server.origin}/big-declared`), 'too_large');
    assert.equal(error.status, 200);
    assert.equal(error.retryable, false);
    assert.match(error.message, /Content-Length 2048/);
  });

  it('stops reading a streamed body once it passes maxBodyBytes', async () => {
    const error = await rejectsWith(http.getJson(`${server.origin}/big-streamed`), 'too_large');
    assert.match(error.message, /exceeds maxBodyBytes \(1024\)/);
  });

  it('getJson turns a 503 into http_status, retryable', async () => {
    const error = await rejectsWith(http.getJson(`${server.origin}/unavailable`), 'http_status');
    assert.equal(error.status, 503);
    assert.equal(error.retryable, true);
  });

  it('getJson turns a 404 into http_status, not retryable', async () => {
    const error = await rejectsWith(http.getJson(`${server.origin}/missing`), 'http_status');
    assert.equal(error.status, 404);
    assert.equal(error.retryable, false);
  });

  it('postForm returns a 400 OAuth error as a response, for the caller to process', async () => {
    const response = await http.postForm(`${server.origin}/token-error`, {
      grant_type: 'authorization_code',
    });
    assert.equal(response.status, 400);
    assert.deepEqual(response.body, { format: 'json', value: { error: 'invalid_grant' } });
    const sent = server.received.at(-1);
    assert.equal(sent?.method, 'POST');
    assert.equal(sent?.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(sent?.headers.accept, 'application/json');
    assert.equal(sent?.body, 'grant_type=authorization_code');
  });

  it('postForm parses a form-encoded answer (GitHub style)', async () => {
    const response = await http.postForm(`${server.origin}/form`, new URLSearchParams({ code: 'c' }));
    assert.deepEqual(response.body, {
      format: 'form',
      value: { error: 'bad_verification_code', error_description: 'The code is incorrect' },
    });
  });

  it('postForm keeps the 429 status and Retry-After header available', async () => {
    const response = await http.postForm(`${server.origin}/rate-limited`, { grant_type: 'refresh_token' });
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '7');
  });

  it('stops with aborted when the caller cancels', async () => {
    const controller = new AbortController();
    const pending = http.getJson(`${server.origin}/stall-headers`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const error = await rejectsWith(pending, 'aborted');
    assert.equal(error.retryable, false);
  });

  it('stops with aborted when the signal was aborted before the call', async () => {
    await rejectsWith(http.getJson(`${server.origin}/json`, { signal: AbortSignal.abort() }), 'aborted');
  });

  it('reports a refused connection as network', async () => {
    const closed = await startServer(() => undefined);
    const origin = closed.origin;
    await closed.close();
    await rejectsWith(http.getJson(`${origin}/json`), 'network');
  });
});

describe('connect and TLS failures', () => {
  it('times out a connection that is never accepted (connectMs)', async () => {
    const listener = await startUnacceptingListener();
    const http = createHttpClient({ timeouts: { connectMs: 200, totalMs: 10_000 } });
    try {
      const error = await rejectsWith(http.getJson(`${listener.origin}/`), 'timeout');
      assert.equal(error.phase, 'connect');
      assert.equal(error.retryable, true);
    } finally {
      await http.close();
      await listener.close();
    }
  });

  it('reports a failed TLS handshake as tls, not retryable', async () => {
    // A plain TCP server that answers a ClientHello with bytes that are no TLS record.
    const sockets = new Set<net.Socket>();
    const plain = net.createServer((socket) => {
      sockets.add(socket);
      socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const { port } = plain.address() as net.AddressInfo;
    const http = createHttpClient();
    try {
      const error = await rejectsWith(http.getJson(`https://127.0.0.1:${port}/`), 'tls');
      assert.equal(error.retryable, false);
    } finally {
      await http.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => plain.close(resolve));
    }
  });
});
