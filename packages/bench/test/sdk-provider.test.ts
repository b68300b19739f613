import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SdkProvider } from '../src/sdk-provider.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-bench-provider-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const REDIRECT = 'http://127.0.0.1:45682/callback/test';
const tokens = (n: number) => ({ access_token: `at${n}`, token_type: 'Bearer', refresh_token: `rt${n}` });

test('two providers on one file see each other’s saves (as processes sharing an SDK token cache)', async () => {
  const file = join(dir, 'shared.json');
  const a = new SdkProvider(REDIRECT, { file, state: {} });
  const b = new SdkProvider(REDIRECT, { file });
  a.saveClientInformation({ client_id: 'c1' });
  a.saveTokens(tokens(1));
  assert.deepEqual(b.tokens(), tokens(1));
  assert.deepEqual(b.clientInformation(), { client_id: 'c1' });
  b.saveTokens(tokens(2));
  assert.deepEqual(a.tokens(), tokens(2));
  assert.deepEqual(a.refreshTokens, ['rt1']);
  assert.deepEqual(b.refreshTokens, ['rt2']);
  assert.deepEqual(JSON.parse(await readFile(file, 'utf8')).tokens, tokens(2));
});

test("invalidateCredentials('tokens') drops the tokens and keeps the registration", () => {
  const p = new SdkProvider(REDIRECT, {
    state: { clientInformation: { client_id: 'c' }, tokens: tokens(1) },
  });
  p.invalidateCredentials('tokens');
  assert.equal(p.tokens(), undefined);
  assert.deepEqual(p.clientInformation(), { client_id: 'c' });
  assert.equal(p.invalidations, 1);
  p.invalidateCredentials('all');
  assert.equal(p.clientInformation(), undefined);
});

test('redirectToAuthorization records the URL and what onRedirect returned; the metadata is a native client', () => {
  let mark = 41;
  const p = new SdkProvider(REDIRECT, { onRedirect: () => ++mark });
  p.redirectToAuthorization(new URL('http://127.0.0.1:1/auth?x=1'));
  assert.equal(p.redirects.length, 1);
  assert.equal(p.redirects[0]?.url.href, 'http://127.0.0.1:1/auth?x=1');
  assert.equal(p.redirects[0]?.mark, 42);
  assert.deepEqual(p.clientMetadata.redirect_uris, [REDIRECT]);
  assert.equal((p.clientMetadata as { application_type?: string }).application_type, 'native');
  assert.throws(() => p.codeVerifier(), /no code verifier/);
});

test('the state a provider starts from is copied, so a warm state can seed many providers', () => {
  const state = { tokens: tokens(1) };
  const p = new SdkProvider(REDIRECT, { state });
  p.saveTokens(tokens(2));
  assert.deepEqual(state.tokens, tokens(1));
  assert.deepEqual(p.snapshot().tokens, tokens(2));
});
