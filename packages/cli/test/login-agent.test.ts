// What a login timeout tells the user depends on the user agent: the system browser may not reach this machine
// (paste instead), a paste may not have come (paste the whole address, or allow more time).
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { ClientError } from '@mcp-oauth/client';
import type { CommandContext, CommandInput } from '../src/command.js';
import { loginAgent } from '../src/login-agent.js';
import { createStyle } from '../src/style.js';

const sink = { write: () => true };
const context = {
  io: { stdout: sink, stderr: sink, env: {}, homedir: '/nonexistent', stdin: Readable.from([]) },
  globals: {},
  out: createStyle(false),
  err: createStyle(false),
  warn: () => {},
  debug: () => {},
} as unknown as CommandContext;
const input = (values: Record<string, unknown>) =>
  ({ positionals: ['docs'], values }) as unknown as CommandInput;
const timeout = new ClientError(
  'callback_timeout',
  'no authorization response within 300 s: run the login again',
);

function explained(values: Record<string, unknown>, error: unknown): Error & { code?: string } {
  const agent = loginAgent(input(values), context, 'login', sink);
  try {
    agent.explain(error);
  } catch (thrown) {
    return thrown as Error & { code?: string };
  }
  assert.fail('explain must throw');
}

test('system browser: a timeout suggests --no-browser', () => {
  const error = explained({}, timeout);
  assert.equal(error.code, 'callback_timeout');
  assert.match(
    error.message,
    /^no authorization response within 300 s: run the login again; .*use --no-browser/,
  );
});

test('--no-browser: a timeout says to paste the whole address or allow more time, not to use --no-browser', () => {
  const error = explained({ 'no-browser': true }, timeout);
  assert.equal(error.code, 'callback_timeout');
  assert.match(error.message, /paste the whole address .* --timeout SECONDS/);
  assert.doesNotMatch(error.message, /use --no-browser/);
});

test('--headless, and any other error: rethrown as it was', () => {
  assert.equal(explained({ headless: true }, timeout), timeout);
  const other = new ClientError('login_cancelled', 'login cancelled');
  assert.equal(explained({}, other), other);
});
