// Every ```ts block in README.md, packages/*/README.md and docs/ (subfolders included) compiles against the
// workspace sources.
import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkSnippets, extractSnippets, repositorySnippets, type Snippet } from './snippets.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

test('extractSnippets: ts blocks with their line, a ts-setup comment joins the next block only', () => {
  const md = [
    '# t', // 1
    '<!-- ts-setup', // 2
    'declare const a: number;', // 3
    '-->', // 4
    '', // 5
    '```ts', // 6
    'a + 1;', // 7
    '```', // 8
    '```sh', // 9
    'echo no', // 10
    '```', // 11
    '<!-- ts-setup', // 12
    'declare const b: number;', // 13
    '-->', // 14
    'some prose drops the setup', // 15
    '```ts', // 16
    'const c = 2;', // 17
    '```', // 18
  ].join('\n');
  assert.deepEqual(extractSnippets('x.md', md), [
    { file: 'x.md', line: 7, setupLine: 3, setup: 'declare const a: number;', code: 'a + 1;' },
    { file: 'x.md', line: 17, setup: '', code: 'const c = 2;' },
  ]);
  assert.throws(() => extractSnippets('y.md', '```ts\nconst x = 1;\n'), /y\.md:1: unterminated code block/);
});

test('every ts block of README.md and docs/ type-checks (a broken control block is caught at its line)', () => {
  const snippets = repositorySnippets(ROOT);
  const files = new Set(snippets.map((s) => s.file));
  assert.ok(files.has('docs/embedding.md'), 'docs/embedding.md has ts blocks');
  for (const name of [
    'authorize',
    'client',
    'config',
    'discovery',
    'http',
    'refresh',
    'testbed',
    'token-store',
  ]) {
    assert.ok(files.has(`packages/${name}/README.md`), `packages/${name}/README.md has a ts example`);
  }
  assert.ok(snippets.length >= 20, `found ${snippets.length} ts blocks`);

  // Controls in the same program: a good block passes, a broken one is reported at its Markdown line, so this
  // test cannot pass by checking nothing.
  const controls: Snippet[] = [
    {
      file: 'control/good.md',
      line: 10,
      setupLine: 5,
      setup: "import { McpOAuthClient } from '@mcp-oauth/client';",
      code: 'export const ok: typeof McpOAuthClient = McpOAuthClient;',
    },
    {
      file: 'control/broken.md',
      line: 20,
      setup: '',
      code: "import { McpOAuthClient } from '@mcp-oauth/client';\nMcpOAuthClient.noSuchMethod();",
    },
  ];
  const problems = checkSnippets(ROOT, [...snippets, ...controls]);
  const control = problems.filter((p) => p.where.startsWith('control/'));
  assert.deepEqual(
    control.map((p) => p.where),
    ['control/broken.md:21'],
    'exactly the broken control line is reported',
  );
  assert.match(control[0]?.message ?? '', /^TS2339: Property 'noSuchMethod' does not exist/);
  const real = problems.filter((p) => !p.where.startsWith('control/'));
  assert.deepEqual(
    real.map((p) => `${p.where}: ${p.message}`),
    [],
    'doc ts blocks that do not compile (fix the block or its <!-- ts-setup --> comment)',
  );
});
