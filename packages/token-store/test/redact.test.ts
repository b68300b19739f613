import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { REDACTED, redactSecrets, TokenStoreError } from '@mcp-oauth/token-store';
import { sanitizeCause } from '../src/redact.js';
import { containsSentinel, SENTINEL } from './support/records.js';

test('redactSecrets: replaces every occurrence, longest secret first, ignores empty secrets', () => {
  assert.equal(
    redactSecrets('a=abc b=abcdef a=abc', ['abc', 'abcdef', '']),
    `a=${REDACTED} b=${REDACTED} a=${REDACTED}`,
  );
  assert.equal(redactSecrets('nothing here', ['secret']), 'nothing here');
});

test('TokenStoreError: secrets are removed from the message and from the whole cause chain', () => {
  const inner = Object.assign(new Error(`socket said ${SENTINEL.refresh}`), {
    code: 'ECONNRESET',
    args: [SENTINEL.access],
  });
  const outer = new Error(`SET failed for ${SENTINEL.access}`, { cause: inner });
  const error = new TokenStoreError('backend_failed', `write of ${SENTINEL.access} failed`, {
    cause: outer,
    secrets: [SENTINEL.access, SENTINEL.refresh],
  });
  assert.equal(containsSentinel(inspect(error, { depth: 20 })), false);
  assert.ok(error.message.includes(REDACTED));
  const cause = error.cause as Error & { cause: Error & { code?: string } };
  assert.equal(cause.cause.code, 'ECONNRESET', 'error codes survive redaction');
  assert.ok(cause.cause.message.includes('socket said'));
  assert.equal(error.retryable, true);
});

test('sanitizeCause: a clean error is kept as it is; a non-error becomes a redacted Error', () => {
  const clean = new Error('clean');
  assert.equal(sanitizeCause(clean, [SENTINEL.access]), clean);
  const fromObject = sanitizeCause({ token: SENTINEL.access }, [SENTINEL.access]) as Error;
  assert.ok(fromObject instanceof Error);
  assert.equal(containsSentinel(fromObject.message), false);
});
