import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertBrowsableUrl, openBrowser } from '@mcp-oauth/client';

test('only http(s) URLs may be opened', () => {
  assert.equal(assertBrowsableUrl('https://as.example/authorize?x=1').hostname, 'as.example');
  for (const bad of ['javascript:alert(1)', 'data:text/html,hi', 'file:///etc/passwd', 'not a url']) {
    assert.throws(() => assertBrowsableUrl(bad), { code: 'unsafe_url' }, bad);
  }
});

test('a missing opener is browser_failed pointing at --no-browser (spawned without a shell)', async () => {
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    await assert.rejects(openBrowser('https://as.example/a', 'linux'), (e: Error & { code: string }) => {
      assert.equal(e.code, 'browser_failed');
      assert.match(e.message, /xdg-open .* use --no-browser/);
      return true;
    });
  } finally {
    process.env.PATH = path;
  }
});
