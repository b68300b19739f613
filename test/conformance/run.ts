// `pnpm conformance`: runs the official MCP conformance suite's client scenarios of `--requirements 2026-07-28`
// and `--requirements 2025-11-25` against this project's client (test/conformance/client.ts), prints a table per
// scenario and a closing `N passed, M failed`, and exits 1 on an unexpected failure or a stale expected failure.
//
// Options: --revisions 2026-07-28,2025-11-25   --client "<command>" (measure another client: no expected failures)
//          --out DIR   --markdown FILE   --json FILE   --label TEXT   --timeout MS (per client, default 60000)
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { markdownTables, tally, textTable } from './report.js';
import {
  type ExpectedFailures,
  type JudgedScenario,
  judge,
  parseExpectedFailures,
  parseRequiredUnscored,
  readResults,
  runFails,
} from './results.js';
import { compileEntry, ensureSuite, loadRequirements, runSuite, SUITE_VERSION } from './suite.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');

const { values } = parseArgs({
  options: {
    revisions: { type: 'string', default: '2026-07-28,2025-11-25' },
    client: { type: 'string' },
    out: { type: 'string', default: join(ROOT, '.tmp', 'conformance-results') },
    suite: {
      type: 'string',
      default: process.env.MCP_OAUTH_CONFORMANCE_HOME ?? join(ROOT, '.tmp', 'conformance'),
    },
    markdown: { type: 'string' },
    json: { type: 'string' },
    label: { type: 'string', default: 'mcp-oauth' },
    timeout: { type: 'string', default: '60000' },
  },
});

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const started = Date.now();
  const home = ensureSuite(resolve(values.suite), say);
  const command =
    values.client ?? `${process.execPath} ${compileEntry(HERE, join(ROOT, '.tmp', 'conformance-entry'))}`;
  if (values.client === undefined && command.split(' ').length !== 2) {
    throw new Error(`the suite splits the client command on spaces; this path has one: ${command}`);
  }
  const expected: ExpectedFailures =
    values.client === undefined
      ? parseExpectedFailures(readFileSync(join(HERE, 'expected-failures.json'), 'utf8'))
      : {};
  const required =
    values.client === undefined
      ? parseRequiredUnscored(readFileSync(join(HERE, 'required-unscored.json'), 'utf8'))
      : new Map<string, string>();
  say(`conformance suite ${SUITE_VERSION} on ${home.node}; client: ${command}`);
  const judged: JudgedScenario[] = [];
  for (const revision of values.revisions.split(',')) {
    const set = await loadRequirements(home, revision);
    const outDir = join(resolve(values.out), revision);
    rmSync(outDir, { recursive: true, force: true });
    const run = await runSuite(home, {
      revision,
      command,
      outDir,
      cwd: ROOT,
      timeoutMs: Number(values.timeout),
    });
    say(
      `--requirements ${revision}: suite exit ${run.exitCode} in ${(run.ms / 1000).toFixed(1)} s (log: ${run.logFile})`,
    );
    judged.push(
      ...judge(set, readResults(outDir), expected, { outcome: values.client === undefined }, required),
    );
    for (const scenario of required.keys()) {
      if (!set.scored.includes(scenario) && !set.notScored.some((n) => n.scenario === scenario)) {
        throw new Error(
          `required-unscored.json names ${scenario}, which --requirements ${revision} does not run`,
        );
      }
    }
  }
  say('');
  say(textTable(judged));
  if (values.markdown) writeFileSync(values.markdown, markdownTables(judged, values.label));
  if (values.json) writeFileSync(values.json, `${JSON.stringify(judged, null, 2)}\n`);
  const t = tally(judged);
  say('');
  say(
    `scored scenarios: ${t.expected} expected failure(s), ${t.unexpected} unexpected, ${t.stale} stale; ` +
      `wall time ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  say(`${t.passed} passed, ${t.failed} failed`);
  return runFails(judged) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`conformance: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
