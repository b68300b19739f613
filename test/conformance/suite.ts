// The official MCP conformance suite as a tool: installed from the npm registry into a cache directory together
// with a Node 22 binary (the suite needs Node >= 22; this project stays on Node 20), its requirement sets read, and
// one revision's client scenarios run against a client command.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import type { RequirementSet } from './results.js';

/** The suite version the issue names; it has the 2026-07-28 and 2025-11-25 requirement sets. */
export const SUITE_VERSION = '0.2.0-alpha.12';
/** The npm registry's `node` package major that runs the suite. */
export const SUITE_NODE_MAJOR = 22;

export interface SuiteHome {
  readonly dir: string;
  /** The Node 22 binary from the npm `node` package. */
  readonly node: string;
  /** The suite's CLI (`dist/index.js`). */
  readonly cli: string;
}

function suitePaths(dir: string): SuiteHome {
  return {
    dir,
    node: join(dir, 'node_modules', 'node', 'bin', 'node'),
    cli: join(dir, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js'),
  };
}

function installed(home: SuiteHome): boolean {
  const pkg = join(dirname(dirname(home.cli)), 'package.json');
  if (!existsSync(home.node) || !existsSync(pkg)) return false;
  const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  const node = spawnSync(home.node, ['--version'], { encoding: 'utf8' });
  return version === SUITE_VERSION && node.status === 0 && node.stdout.startsWith(`v${SUITE_NODE_MAJOR}.`);
}

/**
 * The suite and Node 22 in `dir`, installed with npm from the npm registry when missing or of another version.
 * The directory has its own package.json, so the project's lockfile and engine-strict setting are untouched.
 */
export function ensureSuite(dir: string, log: (line: string) => void): SuiteHome {
  const home = suitePaths(dir);
  if (installed(home)) return home;
  mkdirSync(dir, { recursive: true });
  const manifest = {
    name: 'mcp-oauth-conformance-suite',
    private: true,
    description: 'Installed by test/conformance/suite.ts; not part of the workspace.',
    dependencies: {
      node: `^${SUITE_NODE_MAJOR}.0.0`,
      '@modelcontextprotocol/conformance': SUITE_VERSION,
    },
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  log(
    `installing @modelcontextprotocol/conformance@${SUITE_VERSION} and node@${SUITE_NODE_MAJOR} into ${dir}`,
  );
  const npm = spawnSync(
    'npm',
    ['install', '--prefix', dir, '--engine-strict=false', '--no-audit', '--no-fund', '--loglevel=error'],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (npm.status !== 0 || !installed(home)) {
    throw new Error(`could not install the conformance suite into ${dir} (npm exit ${npm.status})`);
  }
  return home;
}

/** The client scenarios a revision requires, and those it runs without scoring, from the suite's own set. */
export async function loadRequirements(home: SuiteHome, revision: string): Promise<RequirementSet> {
  const file = join(dirname(dirname(home.cli)), 'requirements', `${revision}.yaml`);
  const require = createRequire(join(home.dir, 'package.json'));
  const yaml = (await import(pathToFileURL(require.resolve('yaml')).href)) as {
    parse: (text: string) => unknown;
  };
  const doc = yaml.parse(readFileSync(file, 'utf8')) as {
    client?: string[];
    not_scored?: { scenario: string; leg: string; reason: string }[];
  };
  return {
    revision,
    scored: doc.client ?? [],
    notScored: (doc.not_scored ?? [])
      .filter((n) => n.leg === 'client')
      .map((n) => ({ scenario: n.scenario, reason: n.reason })),
  };
}

/**
 * Transpiles the conformance entry (client.ts and its module scenario-config.ts) to JavaScript in `outDir`, so each of the
 * suite's ~40 parallel client processes starts in plain Node on the built packages instead of loading everything
 * through the TypeScript loader (which made them time out on a two-core machine).
 */
export function compileEntry(sourceDir: string, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  for (const name of ['client', 'scenario-config']) {
    const source = readFileSync(join(sourceDir, `${name}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
      fileName: `${name}.ts`,
    });
    writeFileSync(join(outDir, `${name}.js`), outputText);
  }
  return join(outDir, 'client.js');
}

export interface SuiteRun {
  readonly revision: string;
  readonly exitCode: number;
  readonly logFile: string;
  readonly ms: number;
}

/**
 * Runs the client scenarios of `--requirements <revision>` with `command` (the suite appends the server URL and
 * splits the command on spaces, so no part may contain one). Results go to `outDir`, the suite's output to
 * `<outDir>.log`.
 */
export function runSuite(
  home: SuiteHome,
  options: { revision: string; command: string; outDir: string; cwd: string; timeoutMs: number },
): Promise<SuiteRun> {
  const started = Date.now();
  const logFile = `${options.outDir}.log`;
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);
  const args = [
    home.cli,
    'client',
    '--command',
    options.command,
    '--requirements',
    options.revision,
    '--output-dir',
    options.outDir,
    '--timeout',
    String(options.timeoutMs),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(home.node, args, {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('error', reject);
    child.on('close', (code) => {
      log.end(() =>
        resolve({ revision: options.revision, exitCode: code ?? 1, logFile, ms: Date.now() - started }),
      );
    });
  });
}
