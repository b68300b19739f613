import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  credentialStorageId,
  isTokenStoreError,
  sameCredentialKey,
  validateCredentialKey,
} from '@mcp-oauth/token-store';
import { sampleKey } from './support/records.js';

test('credentialStorageId: readable slug plus a hash of all three fields; stable across calls', () => {
  const key = sampleKey('My Server!');
  const id = credentialStorageId(key);
  assert.match(id, /^My_Server_\.[0-9a-f]{32}$/);
  assert.equal(credentialStorageId({ ...key }), id);
});

test('credentialStorageId: any field change gives another id (the issuer is part of the key)', () => {
  const key = sampleKey();
  const ids = new Set([
    credentialStorageId(key),
    credentialStorageId({ ...key, serverName: 'other' }),
    credentialStorageId({ ...key, serverUrl: `${key.serverUrl}/` }),
    credentialStorageId({ ...key, issuer: `${key.issuer}/` }),
  ]);
  assert.equal(ids.size, 4);
  // Field boundaries are unambiguous: moving text between fields changes the id.
  assert.notEqual(
    credentialStorageId({ serverName: 'a', serverUrl: 'bc', issuer: 'd' }),
    credentialStorageId({ serverName: 'ab', serverUrl: 'c', issuer: 'd' }),
  );
});

test('validateCredentialKey: empty, overlong, non-string and control-character fields are invalid_key', () => {
  const key = sampleKey();
  for (const bad of [
    { ...key, serverName: '' },
    { ...key, serverUrl: 'x'.repeat(2049) },
    { ...key, issuer: 42 },
    { ...key, issuer: 'https://as\u0000.example.com' },
    { ...key, serverName: 'tab\there' },
    null,
  ]) {
    assert.throws(
      () => validateCredentialKey(bad as never),
      (e: unknown) => isTokenStoreError(e, 'invalid_key'),
    );
  }
  assert.deepEqual(validateCredentialKey({ ...key, extra: 1 } as never), key);
  assert.equal(sameCredentialKey(key, { ...key }), true);
  assert.equal(sameCredentialKey(key, { ...key, issuer: 'x' }), false);
});
