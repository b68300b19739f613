import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BENCHMARKS, parseBenchArgs } from '../src/bench-options.js';

test('defaults: every benchmark, 7 rounds, the report in docs/benchmarks.md', () => {
  assert.deepEqual(parseBenchArgs([]), {
    quick: false,
    rounds: 7,
    only: [...BENCHMARKS],
    out: 'docs/benchmarks.md',
  });
});

test('--quick: one round and a report that does not overwrite the real one', () => {
  assert.deepEqual(parseBenchArgs(['--quick']), {
    quick: true,
    rounds: 1,
    only: [...BENCHMARKS],
    out: '.tmp/benchmarks-quick.md',
  });
});

test('--only keeps the run order whatever the order given; --rounds and --out are taken; a leading -- is ignored', () => {
  const options = parseBenchArgs([
    '--',
    '--only',
    'scheduler-scale,cold-login',
    '--rounds',
    '3',
    '--out',
    'x.md',
  ]);
  assert.deepEqual(options.only, ['cold-login', 'scheduler-scale']);
  assert.equal(options.rounds, 3);
  assert.equal(options.out, 'x.md');
});

test('bad command lines are refused with a message naming the problem', () => {
  assert.throws(() => parseBenchArgs(['--only', 'warp']), /unknown benchmark "warp"/);
  assert.throws(() => parseBenchArgs(['--rounds', '0']), /--rounds expects an integer/);
  assert.throws(() => parseBenchArgs(['--rounds', 'two']), /--rounds expects an integer/);
  assert.throws(() => parseBenchArgs(['extra']), /unexpected argument "extra"/);
  assert.throws(() => parseBenchArgs(['--fast']), /Unknown option '--fast'/);
});
