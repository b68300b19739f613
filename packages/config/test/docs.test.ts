import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import {
  CONFIG_KEYS,
  PROVIDER_IDS,
  parseConfig,
  RESERVED_AUTHORIZE_PARAMS,
  RESERVED_TOKEN_PARAMS,
} from '@mcp-oauth/config';

const docs = () => readFile(new URL('../../../docs/config.md', import.meta.url), 'utf8');

/** Rows of the reference tables: `| \`key\` | type | default | meaning |`. */
function documentedKeys(markdown: string): Set<string> {
  const keys = new Set<string>();
  for (const match of markdown.matchAll(/^\| *`([a-z_.]+)` *\|/gm)) keys.add(match[1] as string);
  return keys;
}

test('every schema key has a row in docs/config.md', async () => {
  const documented = documentedKeys(await docs());
  const prefix = { top: '', server: '', oauth: 'oauth.' } as const;
  const missing = CONFIG_KEYS.map((info) => `${prefix[info.table]}${info.key}`).filter(
    (key) => !documented.has(key),
  );
  assert.deepEqual(missing, [], `keys missing from docs/config.md: ${missing.join(', ')}`);
});

test('docs/config.md names every reserved parameter and every provider', async () => {
  const text = await docs();
  for (const key of [...Object.keys(RESERVED_AUTHORIZE_PARAMS), ...Object.keys(RESERVED_TOKEN_PARAMS)]) {
    assert.ok(text.includes(`\`${key}\``), key);
  }
  for (const id of PROVIDER_IDS) assert.ok(text.includes(`\`${id}\``), id);
});

test('the TOML examples in docs/config.md are valid configs', async () => {
  const blocks = [...(await docs()).matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  assert.ok(blocks.length >= 3);
  for (const block of blocks) parseConfig(block, { path: 'docs/config.md' });
});
