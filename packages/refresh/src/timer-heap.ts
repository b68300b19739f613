/** The timer functions the heap uses; injected so tests can drive a fake clock. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A scheduled refresh never keeps the process alive.
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Longest delay one `setTimeout` accepts (about 24.8 days); longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One deadline. Only the entry `#due` holds for its key is live; any other one for that key is stale. */
interface Entry<K> {
  readonly at: number;
  readonly key: K;
}

/**
 * Deadlines for any number of keys on ONE underlying timer: a binary min-heap of (time, key), the timer armed for
 * the earliest. Rescheduling or cancelling a key replaces or drops its live entry in `#due`; stale heap entries are
 * skipped when they surface (lazy deletion), so every operation is O(log n). Keys are compared as `Map` keys are:
 * strings by value, objects by identity (the refresher uses its state records, so no key string is kept twice).
 */
export class TimerHeap<K = string> {
  readonly #heap: Entry<K>[] = [];
  readonly #due = new Map<K, Entry<K>>();
  readonly #timers: Timers;
  readonly #now: () => number;
  readonly #onDue: (key: K) => void;
  #handle: unknown;
  #armedAt: number | undefined;

  constructor(options: { timers?: Timers; now?: () => number; onDue: (key: K) => void }) {
    this.#timers = options.timers ?? realTimers;
    this.#now = options.now ?? Date.now;
    this.#onDue = options.onDue;
  }

  /** Number of keys with a deadline. */
  get size(): number {
    return this.#due.size;
  }

  /** Whether the single underlying timer is armed. */
  get armed(): boolean {
    return this.#handle !== undefined;
  }

  /** The deadline of `key`, if it has one. */
  dueAt(key: K): number | undefined {
    return this.#due.get(key)?.at;
  }

  /** Sets (or moves) the deadline of `key`. */
  schedule(key: K, at: number): void {
    const entry = { at, key };
    this.#due.set(key, entry);
    this.#push(entry);
    this.#arm();
  }

  /** Removes the deadline of `key`. */
  cancel(key: K): void {
    if (this.#due.delete(key)) this.#arm();
  }

  /** Removes every deadline and disarms the timer. */
  clear(): void {
    this.#heap.length = 0;
    this.#due.clear();
    this.#disarm();
  }

  #live(entry: Entry<K>): boolean {
    return this.#due.get(entry.key) === entry;
  }

  #arm(): void {
    while (this.#heap.length > 0 && !this.#live(this.#heap[0] as Entry<K>)) this.#pop();
    const first = this.#heap[0];
    if (!first) {
      this.#disarm();
      return;
    }
    if (this.#armedAt === first.at && this.#handle !== undefined) return;
    this.#disarm();
    this.#armedAt = first.at;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, first.at - this.#now()));
    this.#handle = this.#timers.setTimeout(() => this.#fire(), delay);
  }

  #disarm(): void {
    if (this.#handle !== undefined) this.#timers.clearTimeout(this.#handle);
    this.#handle = undefined;
    this.#armedAt = undefined;
  }

  #fire(): void {
    this.#handle = undefined;
    this.#armedAt = undefined;
    const now = this.#now();
    const due: K[] = [];
    while (this.#heap.length > 0) {
      const top = this.#heap[0] as Entry<K>;
      if (!this.#live(top)) {
        this.#pop();
        continue;
      }
      if (top.at > now) break;
      this.#pop();
      this.#due.delete(top.key);
      due.push(top.key);
    }
    this.#arm();
    for (const key of due) this.#onDue(key);
  }

  #push(entry: Entry<K>): void {
    const heap = this.#heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as Entry<K>).at <= entry.at) break;
      heap[i] = heap[parent] as Entry<K>;
      i = parent;
    }
    heap[i] = entry;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop() as Entry<K>;
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child =
        right < heap.length && (heap[right] as Entry<K>).at < (heap[left] as Entry<K>).at ? right : left;
      if ((heap[child] as Entry<K>).at >= last.at) break;
      heap[i] = heap[child] as Entry<K>;
      i = child;
    }
    heap[i] = last;
  }
}
