// The per-scenario table and the closing summary of a conformance run, as terminal text and as Markdown.
import { countChecks, type JudgedScenario, type Verdict } from './results.js';

const VERDICT_TEXT: Readonly<Record<Verdict, string>> = {
  pass: 'pass',
  fail: 'FAIL',
  expected: 'expected failure',
  stale: 'STALE (passes: remove the entry)',
  'unscored-pass': 'pass (not scored)',
  'unscored-fail': 'fail (not scored)',
};

function checksCell(j: JudgedScenario): string {
  if (j.result === undefined) return '-';
  const c = countChecks(j.result.checks);
  return `${c.success}/${c.success + c.failure + c.warning}${c.warning ? ` (${c.warning} warn)` : ''}`;
}

function clientCell(j: JudgedScenario): string {
  if (j.result === undefined) return '-';
  return j.result.outcome === 'refused'
    ? `refused: ${(j.result.refusal ?? '').split(')')[0]})`
    : j.result.outcome;
}

/** Passed and failed scored scenarios (an expected failure counts as failed; a stale entry as passed). */
export function tally(judged: readonly JudgedScenario[]) {
  const scored = judged.filter((j) => j.scored && j.result !== undefined);
  const passed = scored.filter((j) => j.verdict === 'pass' || j.verdict === 'stale').length;
  return {
    passed,
    failed: scored.length - passed,
    expected: scored.filter((j) => j.verdict === 'expected').length,
    unexpected: judged.filter((j) => j.verdict === 'fail').length,
    stale: judged.filter((j) => j.verdict === 'stale').length,
    unscored: judged.filter((j) => !j.scored).length,
    unscoredPassed: judged.filter((j) => j.verdict === 'unscored-pass').length,
  };
}

/** A plain-text table, one row per scenario, and per-revision totals. */
export function textTable(judged: readonly JudgedScenario[]): string {
  const rows = judged.map((j) => [
    j.revision,
    j.scenario,
    checksCell(j),
    clientCell(j),
    VERDICT_TEXT[j.verdict] + (j.failure && j.verdict !== 'pass' ? ` - ${j.failure}` : ''),
  ]);
  const header = ['revision', 'scenario', 'checks', 'client', 'result'];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (i < 4 ? (r[i] ?? '').length : 0))),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 4 ? c.padEnd(widths[i] ?? 0) : c))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w)))];
  for (const row of rows) out.push(line(row));
  for (const revision of [...new Set(judged.map((j) => j.revision))]) {
    const t = tally(judged.filter((j) => j.revision === revision));
    out.push(
      `${revision}: ${t.passed}/${t.passed + t.failed} scored scenarios passed` +
        ` (${t.expected} expected failure(s), ${t.unexpected} unexpected, ${t.stale} stale);` +
        ` not scored: ${t.unscoredPassed}/${t.unscored} passed`,
    );
  }
  return out.join('\n');
}

/** A Markdown table per revision (for docs/conformance.md). */
export function markdownTables(judged: readonly JudgedScenario[], label: string): string {
  const out: string[] = [];
  for (const revision of [...new Set(judged.map((j) => j.revision))]) {
    const here = judged.filter((j) => j.revision === revision);
    const t = tally(here);
    out.push(`### ${revision}: ${label} ${t.passed}/${t.passed + t.failed}`, '');
    out.push('| scenario | scored | result | checks | client |', '|---|---|---|---|---|');
    for (const j of here) {
      out.push(
        `| \`${j.scenario}\` | ${j.scored ? 'yes' : `no (${j.note})`} | ${VERDICT_TEXT[j.verdict]} | ${checksCell(j)} | ${clientCell(j)} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
