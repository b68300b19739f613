import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Refresher } from '@mcp-oauth/refresh';
import type { CredentialKey, CredentialRecord } from '@mcp-oauth/token-store';
import { createAuthorizedFetch } from '../src/authorized-fetch.js';

/** A server whose 403 challenge carries `scope`; the refresher always hands out one token holding `mcp:tools`. */
function fetchWithChallenge(serverName: string, scope: string) {
  const record = { access_token: 't', scopes: ['mcp:tools'] } as unknown as CredentialRecord;
  const refresher = { getValidToken: async () => record } as unknown as Refresher;
  const header = `Bearer error="insufficient_scope", scope="${scope.replace(/["\\]/g, '\\$&')}"`;
  return createAuthorizedFetch({
    serverName,
    key: async () => ({ serverName }) as unknown as CredentialKey,
    refresher,
    fetch: async () => new Response('', { status: 403, headers: { 'www-authenticate': header } }),
  });
}

describe('authorized fetch and a hostile insufficient_scope challenge', () => {
  test('a scope with a shell metacharacter is quoted in the suggested command (POSIX)', async () => {
    const call = fetchWithChallenge('srv', 'mcp:admin;touch$(id)');
    await assert.rejects(call('https://mcp.example/mcp'), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'insufficient_scope');
      if (process.platform !== 'win32')
        assert.ok(
          error.message.includes("run `mcp-oauth login srv --scopes 'mcp:tools,mcp:admin;touch$(id)'`"),
          error.message,
        );
      return true;
    });
  });

  test('a server name with a space and a quote is quoted too', async () => {
    const call = fetchWithChallenge("my srv'x", 'mcp:admin');
    await assert.rejects(call('https://mcp.example/mcp'), (error: Error) => {
      if (process.platform !== 'win32')
        assert.ok(
          error.message.includes("mcp-oauth login 'my srv'\\''x' --scopes mcp:tools,mcp:admin"),
          error.message,
        );
      return true;
    });
  });

  // What a header can carry (a ByteString): quote, backslash, Latin-1.
  for (const bad of ['a"b', 'a\\b', 'caf\u00e9']) {
    test(`a challenged scope that is not a scope-token is refused: ${JSON.stringify(bad)}`, async () => {
      const call = fetchWithChallenge('srv', `mcp:admin ${bad}`);
      await assert.rejects(call('https://mcp.example/mcp'), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'invalid_challenge_scope');
        assert.ok(!error.message.includes('mcp-oauth login'), error.message);
        return true;
      });
    });
  }
});
