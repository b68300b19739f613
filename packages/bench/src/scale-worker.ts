// Benchmark 4 in a process of its own (run with --expose-gc): schedules N credentials on one Refresher and prints
// {"result": …}. Usage: node --expose-gc scale-worker.js N
import { createHook } from 'node:async_hooks';
import { DeadlineHeap, Refresher, type Timers } from '@mcp-oauth/refresh';
import { MemoryStore } from '@mcp-oauth/token-store';
import { peakPerWindow } from './refresh-rate.js';
import { SyntheticStore, syntheticKey } from './synthetic-store.js';

export interface ScaleWorkerResult {
  readonly credentials: number;
  /** Heap the scheduler holds for N credentials (records outside the process), bytes. */
  readonly schedulerHeapBytes: number;
  /** The same when every credential carries the same token strings: the rest of the scheduler's state, bytes. */
  readonly schedulerHeapSharedTokensBytes: number;
  /**
   * Heap the N credential keys take (objects and their strings): the caller's, kept by the worker for the whole run,
   * so not in the scheduler heap; a caller that hands its keys over and drops them adds this to it. Bytes.
   */
  readonly keysBytes: number;
  /** Heap N records take in a MemoryStore in the same process (when the store is in memory), bytes. */
  readonly memoryStoreRecordsBytes: number;
  /** Node timers alive after scheduling minus before. */
  readonly timersAlive: number;
  readonly timerArmed: boolean;
  readonly scheduled: number;
  /** CPU per `schedule` (read record, plan with jitter, push on the heap), µs. */
  readonly cpuPerScheduleUs: number;
  /** CPU per use-time decision (`getValidToken` on a fresh token: read, decide no refresh), µs. */
  readonly cpuPerUseDecisionUs: number;
  /** CPU per due credential when the timer fires (pop from the heap, hand over), µs. */
  readonly cpuPerDueUs: number;
  /** Everything issued at the same instant, lifetime 1 h: peak refreshes in any 1 s, and the spread of the plan. */
  readonly sameInstant: {
    readonly peakPerSecond: number;
    readonly spreadMs: number;
    readonly peakWithoutJitter: number;
  };
  /** Issued uniformly over the last 50 minutes (a long-running fleet), lifetime 1 h: peak refreshes in any 1 s. */
  readonly steadyState: { readonly peakPerSecond: number };
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
// The V8 heap plus ArrayBuffer backing stores: the scheduler's typed-array columns live outside the V8 heap.
const collect = () => {
  for (let i = 0; i < 3; i++) gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};
// Every Timeout alive, ref'd or not (the scheduler's timer is unref'd, so getActiveResourcesInfo would miss it).
const liveTimeouts = new Set<number>();
createHook({
  init(asyncId, type) {
    if (type === 'Timeout') liveTimeouts.add(asyncId);
  },
  destroy(asyncId) {
    liveTimeouts.delete(asyncId);
  },
}).enable();
const timeouts = () => liveTimeouts.size;
const cpuUs = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return d.user + d.system;
};

const maxOf = (values: readonly number[]) =>
  values.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
const minOf = (values: readonly number[]) =>
  values.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);

const n = Number(process.argv[2]);
const LIFETIME = 3_600_000;
const base = Date.now();
const keysBefore = collect();
const keys = Array.from({ length: n }, (_, i) => syntheticKey(i));
const keysBytes = collect() - keysBefore;

async function plan(storedAt: (i: number) => number, measureUse: boolean, sharedTokens = false) {
  const refresher = new Refresher({
    store: new SyntheticStore({ storedAt, lifetimeMs: LIFETIME, sharedTokens }),
    grant: () => Promise.reject(new Error('no refresh in this benchmark')),
    // The plan is made at one instant: scheduling 1M credentials takes minutes of wall time on a busy machine, and
    // with the real clock the earliest deadlines would come due (and be retried with backoff) while the rest are
    // still being scheduled, which would distort the planned times.
    now: () => base,
  });
  const heapBefore = collect();
  const timersBefore = timeouts();
  const cpu = process.cpuUsage();
  for (const key of keys) await refresher.schedule(key);
  const scheduleUs = cpuUs(cpu);
  // Cleared timers report their end on a later turn of the event loop.
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  const heapAfter = collect();
  const times = keys.map((k) => refresher.state(k)?.nextRefreshAt as number);
  // Fresh tokens only (a token near its expiry would be refreshed, and this store cannot).
  const cpuUse = process.cpuUsage();
  if (measureUse) for (const key of keys) await refresher.getValidToken(key);
  const useUs = cpuUs(cpuUse);
  const state = {
    heapBytes: heapAfter - heapBefore,
    timers: timeouts() - timersBefore,
    scheduled: refresher.scheduled,
    scheduleUs,
    useUs,
    times,
  };
  refresher.close();
  return state;
}

// The same records held in a MemoryStore in this process (kept alive until the end).
const memBefore = collect();
const memory = new MemoryStore();
const source = new SyntheticStore({ storedAt: () => base, lifetimeMs: LIFETIME });
for (const key of keys) await memory.set(key, (await source.get(key)) as never);
const memAfter = collect();

const same = await plan(() => base, true);
// The same with one token string for all: the difference is what keeping each credential's token costs.
const shared = await plan(() => base, false, true);

// A long-running fleet: issued uniformly over the last 50 minutes, so none is inside its refresh window yet.
const STEADY_SPAN = 50 * 60_000;
const uniform = await plan((i) => base - Math.floor((i / n) * STEADY_SPAN), false);

// The heap's work when the timer fires (the refresher's own heap: slot numbers in typed arrays): a fake clock,
// every deadline due at once.
let clock = base;
let fire: (() => void) | undefined;
const fakeTimers: Timers = {
  setTimeout: (fn) => {
    fire = fn;
    return 1;
  },
  clearTimeout: () => {
    fire = undefined;
  },
};
let due = 0;
const heap = new DeadlineHeap({ timers: fakeTimers, now: () => clock, onDue: () => void due++ });
for (const [i, at] of same.times.entries()) heap.schedule(i, at);
clock = maxOf(same.times) + 1;
const cpuDue = process.cpuUsage();
fire?.();
const dueUs = cpuUs(cpuDue);
if (due !== n) throw new Error(`${due} of ${n} deadlines fired`);

const spread = maxOf(same.times) - minOf(same.times);
const result: ScaleWorkerResult = {
  credentials: n,
  schedulerHeapBytes: same.heapBytes,
  schedulerHeapSharedTokensBytes: shared.heapBytes,
  keysBytes,
  memoryStoreRecordsBytes: memAfter - memBefore,
  timersAlive: same.timers,
  timerArmed: same.scheduled.timerArmed,
  scheduled: same.scheduled.credentials,
  cpuPerScheduleUs: same.scheduleUs / n,
  cpuPerUseDecisionUs: same.useUs / n,
  cpuPerDueUs: dueUs / n,
  sameInstant: {
    peakPerSecond: peakPerWindow(same.times, 1000),
    spreadMs: spread,
    peakWithoutJitter: n,
  },
  steadyState: { peakPerSecond: peakPerWindow(uniform.times, 1000) },
};
process.stdout.write(`${JSON.stringify({ result })}\n`);
if ((await memory.list()).length !== n) throw new Error('memory store lost records');
process.exit(0);
