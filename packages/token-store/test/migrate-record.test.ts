import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { checkRecord, isTokenStoreError, migrateRecord } from '@mcp-oauth/token-store';
import { containsSentinel, SENTINEL, sampleKey, sampleRecord } from './support/records.js';

const key = sampleKey();

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    assert.ok(isTokenStoreError(error));
    assert.equal(containsSentinel(inspect(error, { depth: 10 })), false, 'no secret in the error');
    return error.code;
  }
  return undefined;
}

test('migrateRecord: a version 1 record is returned as is, unknown fields dropped, scopes de-duplicated', () => {
  const record = sampleRecord(key, { scopes: ['a', 'b', 'a', ''] });
  assert.deepEqual(migrateRecord({ ...record, extra: 'x' }, key), { ...record, scopes: ['a', 'b'] });
});

test('migrateRecord: version 0 (an unversioned token response) becomes version 1', () => {
  const migrated = migrateRecord(
    {
      access_token: SENTINEL.access,
      client_id: 'c1',
      scope: 'x y',
      expires_in: 3599,
      refresh_token: SENTINEL.refresh,
    },
    key,
  );
  assert.deepEqual(migrated, {
    version: 1,
    server_name: key.serverName,
    server_url: key.serverUrl,
    issuer: key.issuer,
    resource: null,
    access_token: SENTINEL.access,
    token_type: 'Bearer',
    expires_at: null, // a relative expires_in without its time of issue is unknown
    refresh_token: SENTINEL.refresh,
    scopes: ['x', 'y'],
    client: { client_id: 'c1', registration: 'unknown', client_secret: null, client_secret_expires_at: null },
    reacquire: null,
    needs_login: null,
    updated_at: 0,
  });
});

test('migrateRecord: version 0 expires_at in seconds or milliseconds becomes milliseconds', () => {
  const base = { access_token: 'a', client_id: 'c' };
  assert.equal(migrateRecord({ ...base, expires_at: 1_750_000_000 }, key).expires_at, 1_750_000_000_000);
  assert.equal(migrateRecord({ ...base, expires_at: 1_750_000_000_123 }, key).expires_at, 1_750_000_000_123);
  assert.equal(migrateRecord({ ...base, expires_at: null }, key).expires_at, null);
});

test('migrateRecord: version 0 without what a token needs is corrupt_record', () => {
  assert.equal(
    codeOf(() => migrateRecord({ access_token: SENTINEL.access }, key)),
    'corrupt_record',
  );
  assert.equal(
    codeOf(() => migrateRecord({ client_id: 'c' }, key)),
    'corrupt_record',
  );
  assert.equal(
    codeOf(() => migrateRecord({ access_token: 'a', client_id: 'c', scope: ['x'] }, key)),
    'corrupt_record',
  );
});

test('migrateRecord: a record of another server, URL or issuer is corrupt_record', () => {
  for (const other of [
    { ...key, serverName: 'x' },
    { ...key, serverUrl: 'https://x.example.com/mcp' },
    { ...key, issuer: 'https://evil.example.com' },
  ]) {
    assert.equal(
      codeOf(() => migrateRecord(sampleRecord(other), key)),
      'corrupt_record',
    );
  }
  assert.equal(
    codeOf(() =>
      migrateRecord({ access_token: 'a', client_id: 'c', issuer: 'https://evil.example.com' }, key),
    ),
    'corrupt_record',
  );
});

test('migrateRecord: a newer version is unsupported_record_version; odd versions are corrupt', () => {
  assert.equal(
    codeOf(() => migrateRecord({ ...sampleRecord(key), version: 2 }, key)),
    'unsupported_record_version',
  );
  assert.equal(
    codeOf(() => migrateRecord({ ...sampleRecord(key), version: '1' }, key)),
    'corrupt_record',
  );
  assert.equal(
    codeOf(() => migrateRecord({ ...sampleRecord(key), version: 0.5 }, key)),
    'corrupt_record',
  );
  for (const raw of [null, 'text', 42, [sampleRecord(key)]]) {
    assert.equal(
      codeOf(() => migrateRecord(raw, key)),
      'corrupt_record',
    );
  }
});

test('checkRecord: each malformed field is named in the message, never its value', () => {
  const bad: Array<[string, Record<string, unknown>]> = [
    ['server_name', { server_name: '' }],
    ['access_token', { access_token: 42 }],
    ['token_type', { token_type: null }],
    ['resource', { resource: 7 }],
    ['expires_at', { expires_at: Number.NaN }],
    ['refresh_token', { refresh_token: '' }],
    ['scopes', { scopes: [1] }],
    ['client must be an object', { client: SENTINEL.clientSecret }],
    ['client.client_id', { client: { ...sampleRecord(key).client, client_id: '' } }],
    ['client.client_secret', { client: { ...sampleRecord(key).client, client_secret: 5 } }],
    ['client.registration', { client: { ...sampleRecord(key).client, registration: 'magic' } }],
    [
      'client.client_secret_expires_at',
      { client: { ...sampleRecord(key).client, client_secret_expires_at: 'x' } },
    ],
    ['needs_login', { needs_login: true }],
    ['needs_login.reason', { needs_login: { since: 1 } }],
    ['needs_login.since', { needs_login: { reason: 'invalid_grant' } }],
    ['updated_at', { updated_at: -1 }],
    ['reacquire must be an object', { reacquire: 'client_credentials' }],
    ['reacquire.grant', { reacquire: { grant: 'password' } }],
    ['reacquire.idp_issuer', { reacquire: { grant: 'id_jag' } }],
  ];
  for (const [field, change] of bad) {
    let caught: unknown;
    try {
      checkRecord({ ...sampleRecord(key), ...change }, 'invalid_record');
    } catch (error) {
      caught = error;
    }
    assert.ok(isTokenStoreError(caught, 'invalid_record'), `${field}: invalid_record`);
    assert.ok(caught.message.includes(field), `${field}: named in the message`);
    assert.equal(containsSentinel(inspect(caught, { depth: 10 })), false);
  }
});

test('reacquire: absent or null reads as null (records of older writers); each known grant round-trips', () => {
  const { reacquire: _absent, ...older } = sampleRecord(key);
  assert.equal(checkRecord(older, 'corrupt_record').reacquire, null);
  for (const reacquire of [
    { grant: 'client_credentials' },
    { grant: 'workload_identity' },
    { grant: 'id_jag', idp_issuer: 'https://idp.example.com' },
  ]) {
    assert.deepEqual(checkRecord({ ...sampleRecord(key), reacquire }, 'invalid_record').reacquire, reacquire);
  }
});
