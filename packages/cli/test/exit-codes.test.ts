// Every error a command can meet maps to its documented exit code (docs/cli.md, `--help`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthorizeError } from '@mcp-oauth/authorize';
import { CliError, EXIT, exitCodeFor } from '@mcp-oauth/cli';
import { ClientError, type ClientErrorCode } from '@mcp-oauth/client';
import { ConfigError } from '@mcp-oauth/config';
import { DiscoveryError } from '@mcp-oauth/discovery';
import { HttpError } from '@mcp-oauth/http';
import { RefreshError } from '@mcp-oauth/refresh';
import { TokenStoreError } from '@mcp-oauth/token-store';
import { ProtocolError, SdkError, SdkErrorCode, SdkHttpError } from '@modelcontextprotocol/client';

test('the exit codes are the documented numbers', () => {
  assert.deepEqual(
    { ...EXIT },
    {
      ok: 0,
      internal: 1,
      usage: 2,
      config: 3,
      needsLogin: 4,
      server: 5,
      loginIncomplete: 6,
      store: 7,
      loginDenied: 8,
      cancelled: 130,
    },
  );
});

test('client errors: config 3, login needed 4, server 5, login or URL step not completed 6, cancelled 130, bad elicitation answer 1', () => {
  const expected: Record<ClientErrorCode, number> = {
    config: 3,
    server_unsupported: 3,
    needs_login: 4,
    not_logged_in: 4,
    insufficient_scope: 4,
    invalid_challenge_scope: 5,
    step_up_exhausted: 5,
    unsafe_url: 5,
    as_unreachable: 5,
    response_too_large: 5,
    rate_limited: 5,
    callback_timeout: 6,
    callback_port_in_use: 6,
    browser_failed: 6,
    invalid_paste: 6,
    device_code_expired: 6,
    device_flow_unsupported: 5,
    login_denied: 8,
    login_cancelled: 130,
    ema_disabled: 3,
    idp_not_configured: 3,
    idp_login_needed: 4,
    idp_unreachable: 5,
    token_exchange_refused: 5,
    id_jag_invalid: 5,
    jwt_bearer_refused: 5,
    workload_token_unavailable: 3,
    workload_token_invalid: 5,
    client_secret_unset: 3,
    private_key_unset: 3,
    private_key_unreadable: 3,
    private_key_invalid: 3,
    grant_not_supported: 3,
    invalid_client: 5,
    unauthorized_client: 5,
    elicitation_invalid_answer: 1,
    elicitation_timeout: 6,
  };
  for (const [code, exit] of Object.entries(expected)) {
    assert.equal(exitCodeFor(new ClientError(code as ClientErrorCode, 'x')), exit, code);
  }
});

test('refresh errors: a dead grant needs a login (4), an unreachable or refusing AS is a server error (5)', () => {
  assert.equal(exitCodeFor(new RefreshError('needs_login', 'x')), 4);
  assert.equal(exitCodeFor(new RefreshError('not_logged_in', 'x')), 4);
  assert.equal(exitCodeFor(new RefreshError('as_unreachable', 'x')), 5);
  assert.equal(exitCodeFor(new RefreshError('refresh_failed', 'x')), 5);
});

test('store errors: a missing keyring is a config matter (3), other failures 7, an aborted lock wait 130', () => {
  assert.equal(exitCodeFor(new TokenStoreError('keyring_unavailable', 'x')), 3);
  assert.equal(exitCodeFor(new TokenStoreError('io_failed', 'x')), 7);
  assert.equal(exitCodeFor(new TokenStoreError('keyring_timeout', 'x')), 7);
  assert.equal(exitCodeFor(new TokenStoreError('backend_failed', 'x')), 7);
  assert.equal(exitCodeFor(new TokenStoreError('lock_aborted', 'x')), 130);
});

test('the user declining (browser access_denied redirect, device access_denied) exits 8', () => {
  assert.equal(exitCodeFor(new AuthorizeError('authorization_denied', 'x')), 8);
  assert.equal(exitCodeFor(new AuthorizeError('access_denied', 'x')), 8);
  assert.equal(exitCodeFor(new ClientError('login_denied', 'x')), 8);
});

test('protocol and transport errors are server errors (5); an aborted request is a cancellation', () => {
  assert.equal(exitCodeFor(new DiscoveryError('prm_not_found', 'x')), 5);
  assert.equal(exitCodeFor(new AuthorizeError('oauth_error', 'x')), 5);
  assert.equal(exitCodeFor(new AuthorizeError('expired_token', 'x')), 5);
  // A private_key_jwt key the AS cannot accept is fixed in the config (the key or client_assertion_alg).
  assert.equal(exitCodeFor(new AuthorizeError('unsupported_signing_alg', 'x')), 3);
  assert.equal(exitCodeFor(new HttpError('timeout', 'x')), 5);
  assert.equal(exitCodeFor(new HttpError('aborted', 'x')), 130);
  assert.equal(exitCodeFor(new ProtocolError(-32602, 'unknown tool')), 5);
  assert.equal(
    exitCodeFor(new SdkHttpError(SdkErrorCode.ClientHttpNotImplemented, 'not found', { status: 404 })),
    5,
  );
  assert.equal(exitCodeFor(new SdkError(SdkErrorCode.EraNegotiationFailed, 'probe failed')), 5);
  assert.equal(exitCodeFor(new TypeError('fetch failed')), 5);
});

test('CLI and config errors keep their codes; anything else is a bug (1)', () => {
  assert.equal(exitCodeFor(new CliError('usage', 'x')), 2);
  assert.equal(exitCodeFor(new CliError('cancelled', 'x')), 130);
  assert.equal(exitCodeFor(new CliError('demo_failed', 'x')), 1);
  assert.equal(exitCodeFor(new ConfigError('config_invalid', [])), 3);
  assert.equal(exitCodeFor(new TypeError('x is not a function')), 1);
  assert.equal(exitCodeFor('a string'), 1);
});
