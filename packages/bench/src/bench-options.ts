import { parseArgs } from 'node:util';

/** The benchmarks `pnpm bench` can run, in the order it runs them. */
export const BENCHMARKS = [
  'cold-login',
  'tool-call',
  'refresh-storm',
  'scheduler-scale',
  'dpop',
  'valid-token',
] as const;
export type BenchmarkId = (typeof BENCHMARKS)[number];

export interface BenchOptions {
  /** Smoke mode: one round, small sizes; proves the benchmarks still run (CI). */
  readonly quick: boolean;
  /** Rounds of every comparison. Default 7 (quick: 1). */
  readonly rounds: number;
  /** Which benchmarks run. Default all. */
  readonly only: readonly BenchmarkId[];
  /** Where the report goes, relative to the repository root. Default `docs/benchmarks.md` (quick: `.tmp/benchmarks-quick.md`). */
  readonly out: string;
}

export const USAGE = `Usage: pnpm bench [--quick] [--rounds N] [--only ${BENCHMARKS.join(',')}] [--out FILE]

Runs the benchmarks against the testbed on 127.0.0.1, side by side with the MCP TypeScript SDK and mcp-remote,
and writes a Markdown report (default docs/benchmarks.md; with --quick .tmp/benchmarks-quick.md).
  --quick        smoke mode: 1 round, small sizes (CI runs this)
  --rounds N     rounds of every comparison (default 7; quick 1); valid-token runs three times as many
  --only LIST    comma-separated subset of: ${BENCHMARKS.join(', ')}
  --out FILE     report path, relative to the repository root
`;

/** Parses the command line of `pnpm bench`; throws a `TypeError` with a message for the user on a bad one. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const { values, positionals } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      quick: { type: 'boolean' },
      rounds: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new TypeError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const quick = values.quick === true;
  const rounds = values.rounds === undefined ? (quick ? 1 : 7) : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) {
    throw new TypeError('--rounds expects an integer from 1 to 100');
  }
  const only = values.only === undefined ? [...BENCHMARKS] : values.only.split(',').map((s) => s.trim());
  for (const id of only) {
    if (!(BENCHMARKS as readonly string[]).includes(id)) {
      throw new TypeError(
        `--only: unknown benchmark ${JSON.stringify(id)} (known: ${BENCHMARKS.join(', ')})`,
      );
    }
  }
  return {
    quick,
    rounds,
    only: BENCHMARKS.filter((id) => only.includes(id)),
    out: values.out ?? (quick ? '.tmp/benchmarks-quick.md' : 'docs/benchmarks.md'),
  };
}
