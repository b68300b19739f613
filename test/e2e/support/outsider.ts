// Helpers of the outsider-install test: pack the workspace's publishable packages, run npm in a project outside
// the workspace with an outsider's environment, list and measure what got installed.
import { execFile } from 'node:child_process';
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compiledNodeOptions, ROOT } from './built-cli.js';

const run = promisify(execFile);

/** An environment without the workspace's: no pnpm/npm config variables, no TypeScript loader or source condition. */
export function outsiderEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_)/i.test(key)) continue;
    env[key] = value;
  }
  env.NODE_OPTIONS = compiledNodeOptions(process.env.NODE_OPTIONS);
  return env;
}

/** The publishable packages of the workspace: name → its package.json. */
export function publishablePackages(): Map<string, { dir: string; dependencies: string[] }> {
  const out = new Map<string, { dir: string; dependencies: string[] }>();
  for (const entry of readdirSync(join(ROOT, 'packages'), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(ROOT, 'packages', entry.name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      private?: boolean;
      dependencies?: Record<string, string>;
    };
    if (pkg.private === true) continue;
    out.set(pkg.name, { dir, dependencies: Object.keys(pkg.dependencies ?? {}) });
  }
  return out;
}

/** `pnpm pack` of every publishable package into `destination`: name → tarball path. */
export async function packAll(destination: string): Promise<Map<string, string>> {
  const packages = publishablePackages();
  const tarballs = new Map<string, string>();
  await Promise.all(
    [...packages].map(async ([name, { dir }]) => {
      const { stdout } = await run('pnpm', ['pack', '--pack-destination', destination], {
        cwd: dir,
        env: outsiderEnv(),
      });
      const tarball = stdout
        .trim()
        .split('\n')
        .map((line) => line.trim())
        .findLast((line) => line.endsWith('.tgz'));
      if (tarball === undefined) throw new Error(`pnpm pack of ${name} printed no tarball: ${stdout}`);
      tarballs.set(name, tarball);
    }),
  );
  return tarballs;
}

/**
 * The npm arguments of a documented `npm install …` command, with every `@mcp-oauth/*` package replaced by its
 * tarball and the tarballs of the `@mcp-oauth` packages those depend on added (the tarballs stand in for the
 * registry, where the siblings would be found by their version).
 */
export function npmInstallArgs(command: string, tarballs: ReadonlyMap<string, string>): string[] {
  const words = command.trim().split(/\s+/);
  if (words[0] !== 'npm' || words[1] !== 'install') throw new Error(`not an npm install command: ${command}`);
  const packages = publishablePackages();
  const wanted = new Set<string>();
  const add = (name: string) => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const dep of packages.get(name)?.dependencies ?? []) if (dep.startsWith('@mcp-oauth/')) add(dep);
  };
  const args: string[] = ['install'];
  for (const word of words.slice(2)) {
    if (word.startsWith('@mcp-oauth/')) add(word);
    else args.push(word);
  }
  for (const name of wanted) {
    const tarball = tarballs.get(name);
    if (tarball === undefined) throw new Error(`no tarball for ${name}`);
    args.push(tarball);
  }
  return [...args, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
}

/** Runs npm with `args` in `cwd` (an outsider's environment). */
export async function npm(args: readonly string[], cwd: string): Promise<void> {
  const started = Date.now();
  await run('npm', [...args], { cwd, env: outsiderEnv(), maxBuffer: 16 * 1024 * 1024 });
  console.log(`npm ${args.filter((a) => !a.startsWith('/')).join(' ')}: ${Date.now() - started} ms`);
}

/** Every package installed under `nodeModules`, nested ones included (names like `@scope/name`). */
export function installedPackages(nodeModules: string): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      if (entry.name.startsWith('@')) {
        for (const scoped of readdirSync(join(dir, entry.name), { withFileTypes: true })) {
          if (!scoped.isDirectory()) continue;
          names.add(`${entry.name}/${scoped.name}`);
          walk(join(dir, entry.name, scoped.name, 'node_modules'));
        }
      } else {
        names.add(entry.name);
        walk(join(dir, entry.name, 'node_modules'));
      }
    }
  };
  walk(nodeModules);
  return names;
}

/** Disk usage of `dir` in MB (`du -sk`). */
export async function sizeMb(dir: string): Promise<string> {
  const { stdout } = await run('du', ['-sk', dir]);
  return (Number(stdout.split(/\s/)[0]) / 1024).toFixed(1);
}

/** The `npm install …` commands of a Markdown section (code blocks and inline code), in order. */
export function installCommands(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const end = markdown.indexOf('\n## ', start + heading.length + 2);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/(?:^|`)(npm install [^`\n]+)/gm)].map((m) => (m[1] ?? '').trim());
}
