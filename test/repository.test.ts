// Checks on the repository itself: the README's commands are the ones CI runs, and docs link only to files
// that exist.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => (m[1] ?? '').trim());
}

test("README's test command is exactly what .ci/run runs after setup", () => {
  const blocks = shellBlocks(read('README.md'));
  assert.ok(blocks.includes('bash .ci/setup && pnpm test'), 'README names the test command');
  const ci = read('.ci/run')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const setup = ci.indexOf('bash .ci/setup');
  assert.ok(setup >= 0, '.ci/run runs the setup');
  assert.equal(ci[setup + 1], 'pnpm test', '.ci/run runs pnpm test right after setup');
});

test('.npmrc keeps engine-strict and package.json pins pnpm 10 and Node >=20.18', () => {
  assert.match(read('.npmrc'), /^engine-strict=true$/m);
  const pkg = JSON.parse(read('package.json')) as { packageManager: string; engines: { node: string } };
  assert.match(pkg.packageManager, /^pnpm@10\.\d+\.\d+$/);
  assert.equal(pkg.engines.node, '>=20.18');
});

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...markdownFiles(rel));
    else if (entry.name.endsWith('.md')) out.push(rel);
  }
  return out;
}

test('every relative link in README.md and docs/ points at a file that exists', () => {
  const files = ['README.md', ...markdownFiles('docs')];
  const broken: string[] = [];
  for (const file of files) {
    for (const m of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1] ?? '';
      if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
      const path = target.split('#')[0] ?? '';
      if (!existsSync(resolve(ROOT, dirname(file), path))) broken.push(`${file} -> ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});

test('every package has a real source file, an index, and exports with types first', () => {
  for (const name of readdirSync(join(ROOT, 'packages'))) {
    const pkg = JSON.parse(read(`packages/${name}/package.json`)) as {
      name: string;
      exports: Record<string, Record<string, string>>;
    };
    assert.equal(pkg.name, `@mcp-oauth/${name}`);
    assert.deepEqual(Object.keys(pkg.exports['.'] ?? {})[0], 'types', `${name}: types first`);
    assert.ok(existsSync(join(ROOT, `packages/${name}/src/index.ts`)), `${name}: src/index.ts`);
  }
});

test('every publishable package ships the root LICENSE, a README and public publishConfig', () => {
  const license = read('LICENSE');
  assert.match(license, /Apache License\s+Version 2\.0/);
  const publishable = readdirSync(join(ROOT, 'packages')).filter((name) => {
    const manifest = JSON.parse(read(`packages/${name}/package.json`)) as { private?: boolean };
    return manifest.private !== true;
  });
  assert.ok(publishable.length >= 10, `found ${publishable.length} publishable packages`);
  for (const name of publishable) {
    const manifest = JSON.parse(read(`packages/${name}/package.json`)) as {
      name: string;
      license?: string;
      publishConfig?: { access?: string };
    };
    assert.equal(manifest.license, 'Apache-2.0', `${name}: license`);
    assert.equal(manifest.publishConfig?.access, 'public', `${name}: publishConfig.access`);
    assert.equal(read(`packages/${name}/LICENSE`), license, `${name}/LICENSE is the root LICENSE`);
    assert.match(read(`packages/${name}/README.md`), new RegExp(`npm install (--global )?${manifest.name}`));
  }
});
