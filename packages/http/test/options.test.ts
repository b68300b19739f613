import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createHttpClient, HTTP_DEFAULTS, VERSION } from '../src/index.js';

describe('createHttpClient options', () => {
  it('has the documented defaults', () => {
    assert.deepEqual(
      { ...HTTP_DEFAULTS },
      {
        connectMs: 10_000,
        headersMs: 10_000,
        bodyMs: 10_000,
        totalMs: 30_000,
        maxBodyBytes: 1_048_576,
        maxRedirects: 5,
        userAgent: `mcp-oauth/${VERSION}`,
        allowInsecureLoopback: true,
      },
    );
  });
  it('keeps VERSION equal to package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    assert.equal(VERSION, pkg.version);
  });
  it('validates every numeric option up front, naming it', () => {
    const bad: [Parameters<typeof createHttpClient>[0], RegExp][] = [
      [{ timeouts: { connectMs: 0 } }, /timeouts\.connectMs/],
      [{ timeouts: { headersMs: -1 } }, /timeouts\.headersMs/],
      [{ timeouts: { bodyMs: 1.5 } }, /timeouts\.bodyMs/],
      [{ timeouts: { totalMs: Number.POSITIVE_INFINITY } }, /timeouts\.totalMs/],
      [{ maxBodyBytes: 0 }, /maxBodyBytes/],
      [{ maxRedirects: -1 }, /maxRedirects/],
      [{ userAgent: 'a\r\nx: y' }, /userAgent/],
      [{ userAgent: ' ' }, /userAgent/],
    ];
    for (const [options, message] of bad) {
      assert.throws(() => createHttpClient(options), { name: 'TypeError', message });
    }
  });
  it('accepts maxRedirects 0', async () => {
    await createHttpClient({ maxRedirects: 0 }).close();
  });
});
