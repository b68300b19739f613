import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { type StandardAs, startStandardAs } from '@mcp-oauth/testbed';

/** A raw HTTP GET that reports what happened at the socket level, with its own timeout. */
function probe(
  url: string,
  timeoutMs = 1500,
): Promise<{
  kind: 'response' | 'reset' | 'timeout';
  status?: number;
  body?: string;
  retryAfter?: string | undefined;
  partial?: string;
}> {
  return new Promise((resolve) => {
    let partial = '';
    const req = request(url, (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        partial += c;
      });
      res.on('end', () =>
        resolve({
          kind: 'response',
          status: res.statusCode,
          body: partial,
          retryAfter: res.headers['retry-after'],
        }),
      );
      res.on('error', () => resolve({ kind: 'reset', status: res.statusCode, partial }));
    });
    req.setTimeout(timeoutMs, () => {
      resolve({ kind: 'timeout', partial });
      req.destroy();
    });
    req.on('error', () => resolve({ kind: 'reset', partial }));
    req.end();
  });
}

describe('knobs: scripted failures and latency', () => {
  let as: StandardAs;
  let url: string;
  before(async () => {
    as = await startStandardAs();
    url = as.metadataUrl('oauth-path-inserted');
  });
  after(() => as.close());

  test('status failure with Retry-After, for the chosen number of requests, then normal service', async () => {
    as.knobs.fail({
      endpoint: 'metadata',
      mode: { kind: 'status', status: 503, retryAfterSec: 7 },
      times: 2,
    });
    for (let i = 0; i < 2; i++) {
      const r = await probe(url);
      assert.equal(r.status, 503);
      assert.equal(r.retryAfter, '7');
      assert.deepEqual(JSON.parse(r.body ?? ''), {
        error: 'server_error',
        error_description: 'scripted failure',
      });
    }
    assert.equal((await probe(url)).status, 200);
    assert.deepEqual(
      as.log
        .entries({ endpoint: 'metadata' })
        .slice(-3)
        .map((e) => e.status),
      [503, 503, 200],
    );
  });

  test('a failure scripted for another endpoint leaves this one alone', async () => {
    as.knobs.fail({ endpoint: 'token', mode: { kind: 'status', status: 500 } });
    assert.equal((await probe(url)).status, 200);
    as.knobs.clear();
  });

  test('reset: the connection is destroyed without an answer; the log records status 0', async () => {
    as.knobs.fail({ endpoint: 'metadata', mode: { kind: 'reset' } });
    const r = await probe(url);
    assert.equal(r.kind, 'reset');
    assert.equal(as.log.entries({ endpoint: 'metadata' }).at(-1)?.status, 0);
  });

  test('stall: headers and part of the body arrive, then nothing', async () => {
    as.knobs.fail({ endpoint: 'metadata', mode: { kind: 'stall' } });
    const r = await probe(url, 700);
    assert.equal(r.kind, 'timeout');
    assert.equal(r.partial, '{"stalled":');
  });

  test('hang: no answer at all', async () => {
    as.knobs.fail({ endpoint: 'metadata', mode: { kind: 'hang' } });
    const r = await probe(url, 500);
    assert.equal(r.kind, 'timeout');
    assert.equal(r.partial, '');
  });

  test("'*' matches every endpoint; Infinity lasts until clear()", async () => {
    as.knobs.fail({ endpoint: '*', mode: { kind: 'status', status: 500 }, times: Number.POSITIVE_INFINITY });
    assert.equal((await probe(url)).status, 500);
    assert.equal((await probe(`${as.issuer}/jwks`)).status, 500);
    assert.equal((await probe(url)).status, 500);
    as.knobs.clear();
    assert.equal((await probe(url)).status, 200);
  });

  test('latency is added before every response', async () => {
    as.knobs.latencyMs = 150;
    const start = performance.now();
    assert.equal((await probe(url)).status, 200);
    // A lower bound only: the knob must delay at least this much (no upper bound: machines are noisy).
    assert.ok(performance.now() - start >= 145);
    as.knobs.clear();
    assert.equal(as.knobs.latencyMs, 0);
  });
});
