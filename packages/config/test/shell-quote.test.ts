import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { quoteArgForShell, suggestCommand } from '../src/shell-quote.js';

describe('quoteArgForShell', () => {
  test('POSIX: plain arguments stay as they are', () => {
    for (const arg of [
      'login',
      'my-server',
      'mcp:tools,mcp:admin',
      'https://x.example/mcp',
      'a_b@c%d+e=f.g/h',
    ])
      assert.equal(quoteArgForShell(arg, 'linux'), arg);
  });
  test("POSIX: anything else goes in single quotes, a quote as '\\''", () => {
    assert.equal(quoteArgForShell('a b', 'linux'), "'a b'");
    assert.equal(quoteArgForShell('$(touch /tmp/pwn)', 'linux'), "'$(touch /tmp/pwn)'");
    assert.equal(quoteArgForShell('`id`;rm', 'darwin'), "'`id`;rm'");
    assert.equal(quoteArgForShell("it's", 'linux'), "'it'\\''s'");
    assert.equal(quoteArgForShell('a\nb', 'linux'), "'a\nb'");
    assert.equal(quoteArgForShell('', 'linux'), "''");
  });
  test('win32: double quotes, " doubled, % as %%, $ and ` escaped for PowerShell', () => {
    assert.equal(quoteArgForShell('my-server', 'win32'), 'my-server');
    assert.equal(quoteArgForShell('a b', 'win32'), '"a b"');
    assert.equal(quoteArgForShell('a"&calc', 'win32'), '"a""&calc"');
    assert.equal(quoteArgForShell('%PATH%', 'win32'), '"%%PATH%%"');
    assert.equal(quoteArgForShell('$(x)`y', 'win32'), '"`$(x)``y"');
    assert.equal(quoteArgForShell('', 'win32'), '""');
  });
});

describe('suggestCommand', () => {
  test('prefixes mcp-oauth and quotes every argument', () => {
    assert.equal(
      suggestCommand(['login', 'x;y', '--scopes', 'a,b'], 'linux'),
      "mcp-oauth login 'x;y' --scopes a,b",
    );
  });
});
