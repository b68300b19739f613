import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ScaleWorkerResult } from './scale-worker.js';
import { compiledEnv } from './spawn-timed.js';

const WORKER = fileURLToPath(new URL('../dist/scale-worker.js', import.meta.url));

export interface SchedulerScaleResult {
  readonly rounds: number;
  /** Per size, one result per round (each in a fresh process). */
  readonly sizes: ReadonlyArray<{ readonly credentials: number; readonly runs: ScaleWorkerResult[] }>;
}

function runWorker(credentials: number): Promise<ScaleWorkerResult> {
  return new Promise((resolve, reject) => {
    // 1M records in a MemoryStore (the last column) take about 1.5 GB: room beyond Node's default heap limit.
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=8192', WORKER, String(credentials)],
      {
        env: compiledEnv({}),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      err = (err + c).slice(-2000);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{"result"'));
      if (code !== 0 || !line) reject(new Error(`scale worker (${credentials}) exited ${code}: ${err}`));
      else resolve((JSON.parse(line) as { result: ScaleWorkerResult }).result);
    });
  });
}

/**
 * Benchmark 4: N credentials scheduled on one `Refresher`, each size in fresh processes (`--expose-gc`, so heap
 * figures are after a full collection): scheduler heap, timers alive, CPU per decision, and the refresh rate the
 * AS would see from the planned times.
 */
export async function runSchedulerScale(options: {
  rounds: number;
  sizes: readonly number[];
  progress?: (line: string) => void;
}): Promise<SchedulerScaleResult> {
  const sizes: Array<{ credentials: number; runs: ScaleWorkerResult[] }> = [];
  for (const credentials of options.sizes) {
    const runs: ScaleWorkerResult[] = [];
    for (let round = 0; round < options.rounds; round++) {
      options.progress?.(`scheduler-scale: ${credentials} credentials, run ${round + 1}/${options.rounds}`);
      runs.push(await runWorker(credentials));
    }
    sizes.push({ credentials, runs });
  }
  return { rounds: options.rounds, sizes };
}
