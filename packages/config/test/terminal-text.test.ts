import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeForTerminal } from '@mcp-oauth/config';

test('escapeForTerminal writes ESC, CSI, OSC and BEL as visible escapes', () => {
  assert.equal(escapeForTerminal('a\u001b[31mred\u001b]0;title\u0007'), 'a\\x1b[31mred\\x1b]0;title\\x07');
});

test('escapeForTerminal escapes DEL, C1 controls and bidi overrides', () => {
  assert.equal(escapeForTerminal('x\u007fy\u009bz'), 'x\\x7fy\\x9bz');
  assert.equal(
    escapeForTerminal('abc\u202etxt.exe\u2066\u2069\u200f\u061c'),
    'abc\\u202etxt.exe\\u2066\\u2069\\u200f\\u061c',
  );
  assert.equal(escapeForTerminal('line\u2028sep'), 'line\\u2028sep');
});

test('escapeForTerminal shows newlines and tabs unless keepNewlines', () => {
  assert.equal(escapeForTerminal('a\nb\tc\r'), 'a\\nb\\tc\\r');
  assert.equal(escapeForTerminal('a\nb\tc\r', { keepNewlines: true }), 'a\nb\\tc\\r');
});

test('escapeForTerminal keeps printable Unicode and caps the length with an ellipsis', () => {
  assert.equal(escapeForTerminal('héllo — 日本 🙂'), 'héllo — 日本 🙂');
  assert.equal(escapeForTerminal('abcdef', { maxLength: 3 }), 'abc…');
  assert.equal(escapeForTerminal('🙂🙂🙂', { maxLength: 2 }), '🙂🙂…');
  assert.equal(escapeForTerminal('ab\u001bcd', { maxLength: 4 }), 'ab…', 'an escape is never cut in half');
  assert.equal(escapeForTerminal('x'.repeat(600)).length, 513);
  assert.equal(escapeForTerminal('x'.repeat(600), { maxLength: Number.POSITIVE_INFINITY }).length, 600);
});

test('escapeForTerminal shows non-strings with String()', () => {
  assert.equal(escapeForTerminal(42), '42');
  assert.equal(escapeForTerminal(undefined), 'undefined');
});
