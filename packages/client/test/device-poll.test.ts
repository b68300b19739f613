// The device-login polling loop (RFC 8628 §3.5) on its own, with a fake clock and sleep: the order of waits and
// requests, each outcome's code, and that an expired code sends no further request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthorizeError, type TokenSet } from '@mcp-oauth/authorize';
import { isClientError, pollDeviceToken } from '@mcp-oauth/client';
import { HttpError } from '@mcp-oauth/http';

const TOKENS: TokenSet = {
  access_token: 'at',
  token_type: 'Bearer',
  expires_at: null,
  scopes: [],
  issuer: 'i',
};
const answer = (code: string) => new AuthorizeError(code as never, code, { error: code });

/** Polls with scripted answers (an error to throw, or tokens); records the fake time of each wait and request. */
function script(answers: Array<Error | TokenSet>, expiresInMs = 600_000) {
  let now = 0;
  const trace: string[] = [];
  const run = pollDeviceToken(
    async () => {
      trace.push(`poll@${now}`);
      const next = answers.shift();
      if (next === undefined) throw new Error('no more answers');
      if (next instanceof Error) throw next;
      return next;
    },
    {
      intervalSeconds: 5,
      expiresAt: expiresInMs,
      now: () => now,
      sleep: async (ms) => {
        trace.push(`wait ${ms}`);
        now += ms;
      },
    },
  );
  return { run, trace };
}

test('pending, then slow_down twice: 5 s, 5 s, +5 s, +5 s for good, then tokens', async () => {
  const { run, trace } = script([
    answer('authorization_pending'),
    answer('slow_down'),
    answer('slow_down'),
    answer('authorization_pending'),
    TOKENS,
  ]);
  assert.equal(await run, TOKENS);
  assert.deepEqual(trace, [
    'wait 5000',
    'poll@5000',
    'wait 5000',
    'poll@10000',
    'wait 10000',
    'poll@20000',
    'wait 15000',
    'poll@35000',
    'wait 15000',
    'poll@50000',
  ]);
});

test('a connection timeout doubles the interval (RFC 8628 §3.5 backoff)', async () => {
  const { run, trace } = script([new HttpError('timeout', 'slow'), TOKENS]);
  await run;
  assert.deepEqual(trace, ['wait 5000', 'poll@5000', 'wait 10000', 'poll@15000']);
});

test('access_denied → login_denied; expired_token → device_code_expired (retryable); others as they are', async () => {
  await assert.rejects(script([answer('access_denied')]).run, (e: unknown) =>
    isClientError(e, 'login_denied'),
  );
  await assert.rejects(
    script([answer('expired_token')]).run,
    (e: unknown) => isClientError(e, 'device_code_expired') && e.retryable,
  );
  const other = answer('invalid_grant');
  await assert.rejects(script([other]).run, (e: unknown) => e === other);
});

test('the code expires while waiting: device_code_expired without another request', async () => {
  const { run, trace } = script([answer('authorization_pending'), TOKENS], 8000);
  await assert.rejects(run, (e: unknown) => isClientError(e, 'device_code_expired'));
  assert.deepEqual(trace, ['wait 5000', 'poll@5000', 'wait 5000']);
});

test('an abort during a wait: login_cancelled, no request', async () => {
  const controller = new AbortController();
  let polls = 0;
  await assert.rejects(
    pollDeviceToken(
      async () => {
        polls++;
        return TOKENS;
      },
      {
        intervalSeconds: 5,
        expiresAt: Date.now() + 600_000,
        now: Date.now,
        signal: controller.signal,
        sleep: (_ms, signal) =>
          new Promise((_, reject) => {
            signal?.addEventListener('abort', () => reject(signal.reason));
            controller.abort();
          }),
      },
    ),
    (e: unknown) => isClientError(e, 'login_cancelled'),
  );
  assert.equal(polls, 0);
});
