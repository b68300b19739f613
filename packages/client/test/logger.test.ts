import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Logger, McpOAuthClient, redactingLogger, SecretRedactor } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import { MemoryStore } from '@mcp-oauth/token-store';

test('registered secrets are removed wherever they appear', () => {
  const r = new SecretRedactor();
  r.add('at-secret-value-123', 'rt-secret-value-456', 'short', null, undefined);
  assert.equal(
    r.redact('token at-secret-value-123 and rt-secret-value-456'),
    'token [redacted] and [redacted]',
  );
  assert.equal(r.redact('short stays'), 'short stays', 'values under 8 characters are not registered');
});

test('secret-shaped parameters are removed even when never registered', () => {
  const r = new SecretRedactor();
  assert.equal(r.redact('GET /callback?code=abc123&state=xyz'), 'GET /callback?code=[redacted]&state=xyz');
  assert.equal(r.redact('{"refresh_token":"zzz","scope":"a"}'), '{"refresh_token":"[redacted]","scope":"a"}');
  assert.equal(r.redact('Authorization: Bearer eyJhbGciOi.payload.sig'), 'Authorization: Bearer [redacted]');
  assert.equal(r.redact('client_secret=s3cr3t-value&x=1'), 'client_secret=[redacted]&x=1');
});

test('structured fields: secret-named keys and nested strings are redacted', () => {
  const r = new SecretRedactor();
  r.add('nested-secret-value');
  assert.deepEqual(
    r.redactValue({ access_token: 'x', info: { note: 'has nested-secret-value' }, list: ['ok'] }),
    {
      access_token: '[redacted]',
      info: { note: 'has [redacted]' },
      list: ['ok'],
    },
  );
});

test('the redacting logger passes nothing secret to the inner logger', () => {
  const lines: string[] = [];
  const inner: Logger = {
    debug: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
    info: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
    warn: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
  };
  const r = new SecretRedactor();
  const log = redactingLogger(inner, r);
  r.add('the-access-token-1');
  log.info('using the-access-token-1', { refresh_token: 'rt-anything', server: 'gmail' });
  log.debug('callback ?code=c0de-value&state=s');
  assert.deepEqual(lines, [
    'using [redacted] {"refresh_token":"[redacted]","server":"gmail"}',
    'callback ?code=[redacted]&state=s undefined',
  ]);
});

test("a client's redactor knows the secrets written inline in its config (Codex's client_secret, the IdP's)", () => {
  const client = new McpOAuthClient({
    config: parseConfig(
      '[mcp_enterprise_managed_auth.idp]\nissuer = "https://idp.example.com"\nclient_id = "idp"\nclient_secret = "fake-idp-secret-0171"\n[mcp_servers.docs]\nurl = "https://mcp.example.com/mcp"\n[mcp_servers.docs.oauth]\nclient_id = "c"\nclient_secret = "fake-secret-not-real"\n',
    ),
    store: new MemoryStore(),
  });
  assert.equal(
    client.redactor.redact('a fake-secret-not-real b fake-idp-secret-0171'),
    'a [redacted] b [redacted]',
  );
});
