// How `pnpm conformance` reads the suite's results and decides: checks, the client's outcome, expected failures.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  type Check,
  clientOutcome,
  failureOf,
  judge,
  parseExpectedFailures,
  parseRequiredUnscored,
  type RequirementSet,
  readResults,
  runFails,
  type ScenarioResult,
} from './results.js';

const ok = (id: string): Check => ({ id, status: 'SUCCESS' });
const result = (
  scenario: string,
  checks: Check[],
  outcome: ScenarioResult['outcome'] = 'completed',
): ScenarioResult => ({
  scenario,
  checks,
  outcome,
  refusal: outcome === 'refused' ? '(iss_mismatch): discarded' : null,
});

describe('clientOutcome', () => {
  test('reads the last line the entry prints', () => {
    assert.deepEqual(clientOutcome('listed 1 tool\nclient: completed\n'), {
      outcome: 'completed',
      refusal: null,
    });
    assert.deepEqual(clientOutcome('client: refused (iss_missing): no iss\n'), {
      outcome: 'refused',
      refusal: '(iss_missing): no iss',
    });
    assert.deepEqual(clientOutcome('TypeError: boom\n'), { outcome: 'none', refusal: null });
    assert.deepEqual(clientOutcome(''), { outcome: 'none', refusal: null });
  });
});

describe('failureOf', () => {
  test('passes with checks, none failed or warned, and the client completed', () => {
    assert.equal(failureOf(result('auth/metadata-default', [ok('a'), { id: 'b', status: 'INFO' }])), null);
  });

  test('a failed or warned check fails the scenario, named by id', () => {
    assert.equal(failureOf(result('x', [ok('a'), { id: 'b', status: 'FAILURE' }])), 'checks b');
    assert.equal(failureOf(result('x', [{ id: 'c', status: 'WARNING' }])), 'checks c');
  });

  test('no result or no checks fails', () => {
    assert.match(failureOf(undefined) ?? '', /no result/);
    assert.equal(failureOf(result('x', [])), 'no checks recorded');
  });

  test('where refusing is the point, completing fails; elsewhere refusing or crashing fails', () => {
    assert.equal(failureOf(result('auth/iss-wrong-issuer', [ok('a')], 'refused')), null);
    assert.match(failureOf(result('auth/iss-wrong-issuer', [ok('a')], 'completed')) ?? '', /must refuse/);
    assert.match(
      failureOf(result('auth/iss-supported', [ok('a')], 'refused')) ?? '',
      /refused: \(iss_mismatch\)/,
    );
    assert.match(failureOf(result('auth/iss-supported', [ok('a')], 'none')) ?? '', /did not finish/);
  });

  test('measuring another client: the checks alone decide (the suite rule)', () => {
    assert.equal(failureOf(result('auth/iss-supported', [ok('a')], 'none'), { outcome: false }), null);
    assert.equal(
      failureOf(result('x', [{ id: 'b', status: 'FAILURE' }], 'none'), { outcome: false }),
      'checks b',
    );
  });
});

describe('judge', () => {
  const set: RequirementSet = {
    revision: '2026-07-28',
    scored: ['passing', 'failing', 'known', 'fixed'],
    notScored: [{ scenario: 'auth/dpop', reason: 'extension' }],
  };
  const results = [
    result('passing', [ok('a')]),
    result('failing', [{ id: 'f', status: 'FAILURE' }]),
    result('known', [{ id: 'k', status: 'FAILURE' }]),
    result('fixed', [ok('a')]),
    result('auth/dpop', [{ id: 'd', status: 'FAILURE' }]),
  ];

  test('pass, unexpected failure, expected failure, stale entry, not scored', () => {
    const judged = judge(set, results, {
      '2026-07-28': { known: 'a written reason', fixed: 'a reason since fixed' },
    });
    assert.deepEqual(
      judged.map((j) => [j.scenario, j.verdict]),
      [
        ['passing', 'pass'],
        ['failing', 'fail'],
        ['known', 'expected'],
        ['fixed', 'stale'],
        ['auth/dpop', 'unscored-fail'],
      ],
    );
    assert.equal(runFails(judged), true);
  });

  test('only expected failures and unscored failures: the run passes', () => {
    const judged = judge({ ...set, scored: ['passing', 'known'] }, results, {
      '2026-07-28': { known: 'a written reason' },
    });
    assert.equal(runFails(judged), false);
  });

  test('a required not-scored scenario that fails fails the run; passing, it stays "not scored"', () => {
    const required = new Map([['auth/dpop', 'extension implemented here']]);
    const failing = judge({ ...set, scored: ['passing'] }, results, {}, { outcome: true }, required);
    assert.deepEqual(
      failing.map((j) => [j.scenario, j.verdict]),
      [
        ['passing', 'pass'],
        ['auth/dpop', 'fail'],
      ],
    );
    assert.equal(runFails(failing), true);
    const fixed = results.map((r) => (r.scenario === 'auth/dpop' ? result('auth/dpop', [ok('d')]) : r));
    const passing = judge({ ...set, scored: ['passing'] }, fixed, {}, { outcome: true }, required);
    assert.equal(passing.find((j) => j.scenario === 'auth/dpop')?.verdict, 'unscored-pass');
    assert.equal(runFails(passing), false);
  });

  test('required-unscored.json: every entry has a written reason, and the file lists the client-credentials pair', () => {
    assert.throws(() => parseRequiredUnscored('{"auth/x": ""}'), /needs a written reason/);
    const file = parseRequiredUnscored(
      readFileSync(new URL('./required-unscored.json', import.meta.url), 'utf8'),
    );
    assert.ok(file.has('auth/client-credentials-basic'));
    assert.ok(file.has('auth/client-credentials-jwt'));
  });

  test('an expected failure the set does not name is stale (a renamed or dropped scenario)', () => {
    const judged = judge({ ...set, scored: ['passing'] }, results, {
      '2026-07-28': { gone: 'a written reason' },
    });
    assert.deepEqual(
      judged.filter((j) => j.verdict === 'stale').map((j) => j.scenario),
      ['gone'],
    );
    assert.equal(runFails(judged), true);
  });
});

describe('expected-failures.json', () => {
  test('every entry needs a written reason', () => {
    assert.throws(() => parseExpectedFailures('{"2026-07-28": {"x": ""}}'), /needs a written reason/);
    assert.throws(() => parseExpectedFailures('{"2026-07-28": {"x": true}}'), /needs a written reason/);
    assert.throws(() => parseExpectedFailures('{"2026-07-28": ["x"]}'), /must map scenarios/);
  });

  test('the committed file parses, and lists no authorization scenario', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const parsed = parseExpectedFailures(readFileSync(join(here, 'expected-failures.json'), 'utf8'));
    assert.deepEqual(Object.keys(parsed).sort(), ['2025-11-25', '2026-07-28']);
    for (const entries of Object.values(parsed)) {
      for (const scenario of Object.keys(entries)) assert.ok(!scenario.startsWith('auth/'), scenario);
    }
  });
});

describe('readResults', () => {
  test('finds nested scenario directories and strips the timestamp', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conformance-results-'));
    try {
      const write = (rel: string, checks: Check[] | null, stdout: string) => {
        mkdirSync(join(dir, rel), { recursive: true });
        if (checks) writeFileSync(join(dir, rel, 'checks.json'), JSON.stringify(checks));
        writeFileSync(join(dir, rel, 'stdout.txt'), stdout);
      };
      write(
        'auth/iss-wrong-issuer-2026-11-21T06-06-41-777Z',
        [ok('a')],
        'client: refused (iss_mismatch): x\n',
      );
      write('tools_call-2026-11-21T06-06-41-776Z', [ok('b')], 'client: completed\n');
      write('sse-retry-2026-11-21T06-06-41-776Z', null, '');
      const results = readResults(dir);
      assert.deepEqual(
        results.map((r) => [r.scenario, r.outcome, r.checks.length]),
        [
          ['auth/iss-wrong-issuer', 'refused', 1],
          ['sse-retry', 'none', 0],
          ['tools_call', 'completed', 1],
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
