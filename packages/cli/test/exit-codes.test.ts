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
      cancelled: 130,
    },
  );
});

test('client errors: config 3, login needed 4, server 5, login not completed 6, cancelled 130', () => {
  const expected: Record<ClientErrorCode, number> = {
    config: 3,
    server_unsupported: 3,
    needs_login: 4,
    not_logged_in: 4,
    insufficient_scope: 4,
    invalid_challenge_scope: 5,
    step_up_exhausted: 5,
    unsafe_url: 5,
    response_too_large: 5,
    rate_limited: 5,
    callback_timeout: 6,
    callback_port_in_use: 6,
    browser_failed: 6,
    invalid_paste: 6,
    login_cancelled: 130,
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

test('protocol and transport errors are server errors (5); an aborted request is a cancellation', () => {
  assert.equal(exitCodeFor(new DiscoveryError('prm_not_found', 'x')), 5);
  assert.equal(exitCodeFor(new AuthorizeError('authorization_denied', 'x')), 5);
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
