// `pnpm bench`: runs the benchmarks (compiled, from dist/) and writes the report. See docs/benchmarks.md.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, USAGE } from './bench-options.js';
import { runColdLogin } from './cold-login.js';
import { runDpopCost } from './dpop-cost.js';
import { describeMachine } from './machine.js';
import { runRefreshStorm } from './refresh-storm.js';
import { type BenchRun, renderReport } from './report.js';
import { runSchedulerScale } from './scheduler-scale.js';
import { runToolCall } from './tool-call.js';
import { runValidToken } from './valid-token.js';

const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** The installed version of `pkg`, a dependency of workspace package `workspace` (read from its node_modules). */
async function versionOf(pkg: string, workspace = 'bench'): Promise<string> {
  const path = join(REPO_ROOT, 'packages', workspace, 'node_modules', pkg, 'package.json');
  return (JSON.parse(await readFile(path, 'utf8')) as { version: string }).version;
}

async function versions(): Promise<Record<string, string>> {
  return {
    '@modelcontextprotocol/sdk': await versionOf('@modelcontextprotocol/sdk'),
    '@modelcontextprotocol/client': await versionOf('@modelcontextprotocol/client'),
    'mcp-remote': await versionOf('mcp-remote'),
    'oidc-provider (testbed)': await versionOf('oidc-provider', 'testbed'),
  };
}

async function main(argv: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseBenchArgs>;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const startedAt = new Date();
  const start = performance.now();
  const stormRounds = options.quick ? 1 : Math.min(options.rounds, 3);
  const run: { -readonly [K in keyof BenchRun]: BenchRun[K] } = {
    options,
    machine: describeMachine(),
    versions: await versions(),
    startedAt,
    durationMs: 0,
  };
  if (options.only.includes('cold-login'))
    run.coldLogin = await runColdLogin({ rounds: options.rounds, progress });
  if (options.only.includes('tool-call'))
    run.toolCall = await runToolCall({ rounds: options.rounds, progress });
  if (options.only.includes('refresh-storm')) {
    run.refreshStorm = await runRefreshStorm({
      rounds: stormRounds,
      calls: options.quick ? 100 : 1000,
      accessTokenTtl: options.quick ? 5 : 15,
      progress,
    });
  }
  if (options.only.includes('scheduler-scale')) {
    run.schedulerScale = await runSchedulerScale({
      rounds: stormRounds,
      sizes: options.quick ? [1000, 10_000] : [1000, 10_000, 100_000, 1_000_000],
      progress,
    });
  }
  if (options.only.includes('dpop')) {
    run.dpopCost = await runDpopCost({ rounds: options.rounds, quick: options.quick, progress });
  }
  if (options.only.includes('valid-token')) {
    run.validToken = await runValidToken({
      // Three times the rounds: the per-round ratios of this row spread over ±20% on a busy 2-core machine, and its
      // goal is 3% (docs/benchmarks.md, benchmark 5, "Noise").
      rounds: options.quick ? options.rounds : 3 * options.rounds,
      calls: options.quick ? 100 : 1000,
      progress,
    });
  }
  run.durationMs = performance.now() - start;
  const { markdown, verdicts } = renderReport(run);
  const out = resolve(REPO_ROOT, options.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, markdown);
  process.stdout.write(`bench: wrote ${out} in ${(run.durationMs / 1000).toFixed(0)} s\n`);
  for (const v of verdicts)
    process.stdout.write(
      `  ${v.met === null ? 'skipped' : v.met ? 'met    ' : 'NOT MET'}  ${v.goal}: ${v.measured}\n`,
    );
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
