import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { prefetchJson } from '@mcp-oauth/discovery';
import type { GetJsonOptions, HttpClient, JsonResponse } from '@mcp-oauth/http';

/** An HttpClient whose GETs settle when the test says so; records each request and whether it was aborted. */
function controlledHttp() {
  const requests: Array<{ url: string; options: GetJsonOptions; aborted: boolean }> = [];
  const answers = new Map<string, (json: unknown) => void>();
  const http: HttpClient = {
    request: () => Promise.reject(new Error('not used')),
    postForm: () => Promise.reject(new Error('not used')),
    close: async () => {},
    getJson(url, options = {}) {
      const entry = { url: url.toString(), options, aborted: false };
      requests.push(entry);
      return new Promise<JsonResponse>((resolve, reject) => {
        answers.set(entry.url, (json) =>
          resolve({ json, status: 200, headers: new Headers(), url: entry.url } as unknown as JsonResponse),
        );
        options.signal?.addEventListener('abort', () => {
          entry.aborted = true;
          reject(new Error(`${entry.url} aborted`));
        });
      });
    },
  };
  return { http, requests, answer: (url: string, json: unknown) => answers.get(url)?.(json) };
}

const A = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const B = 'https://mcp.example.com/.well-known/oauth-protected-resource';

describe('prefetchJson', () => {
  test('requests every URL at once; a later getJson of one takes that answer instead of a new request', async () => {
    const { http, requests, answer } = controlledHttp();
    const prefetch = prefetchJson(http, [A, B, A]);
    assert.deepEqual(
      requests.map((r) => r.url),
      [A, B],
      'each URL once, before anybody asked',
    );
    const taken = prefetch.http.getJson(A);
    answer(A, { from: 'prefetch' });
    assert.deepEqual((await taken).json, { from: 'prefetch' });
    assert.equal(requests.length, 2, 'no second request for A');
    prefetch.dispose();
  });

  test('an answer is taken once: asking again sends a new request', async () => {
    const { http, requests, answer } = controlledHttp();
    const prefetch = prefetchJson(http, [A]);
    const first = prefetch.http.getJson(A);
    answer(A, 1);
    await first;
    const second = prefetch.http.getJson(A);
    assert.equal(requests.length, 2);
    answer(A, 2);
    assert.equal((await second).json, 2);
  });

  test('a request with other options (no redirects, extra headers) is not served from the prefetch', async () => {
    const { http, requests } = controlledHttp();
    const prefetch = prefetchJson(http, [A]);
    void prefetch.http.getJson(A, { redirect: 'none' }).catch(() => {});
    void prefetch.http.getJson(A, { headers: { 'x-a': '1' } }).catch(() => {});
    assert.equal(requests.length, 3);
    prefetch.dispose();
  });

  test('dispose aborts only what nobody took; a failure nobody awaits is not an unhandled rejection', async () => {
    const { http, requests, answer } = controlledHttp();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const prefetch = prefetchJson(http, [A, B]);
      const taken = prefetch.http.getJson(A);
      prefetch.dispose();
      assert.deepEqual(
        requests.map((r) => [r.url, r.aborted]),
        [
          [A, false],
          [B, true],
        ],
      );
      answer(A, 'ok');
      assert.equal((await taken).json, 'ok');
      await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test("the taker's signal cancels the prefetched request; so does the prefetch's own signal", async () => {
    const { http, requests } = controlledHttp();
    const prefetch = prefetchJson(http, [A]);
    const taker = new AbortController();
    const taken = prefetch.http.getJson(A, { signal: taker.signal });
    taker.abort();
    await assert.rejects(taken, /aborted/);
    assert.equal(requests[0]?.aborted, true);

    const whole = new AbortController();
    prefetchJson(http, [B], whole.signal);
    whole.abort();
    assert.equal(requests[1]?.aborted, true);

    const already = new AbortController();
    already.abort();
    const late = prefetchJson(http, [B]);
    await assert.rejects(late.http.getJson(B, { signal: already.signal }), /aborted/);
  });
});
