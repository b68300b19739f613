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

interface Entry {
  at: number;
  id: string;
  version: number;
}

/**
 * Deadlines for any number of keys on ONE underlying timer: a binary min-heap of (time, key), the timer armed for
 * the earliest. Rescheduling or cancelling a key bumps its version; stale heap entries are skipped when they
 * surface (lazy deletion), so every operation is O(log n).
 */
export class TimerHeap {
  readonly #heap: Entry[] = [];
  readonly #versions = new Map<string, number>();
  readonly #due = new Map<string, number>();
  readonly #timers: Timers;
  readonly #now: () => number;
  readonly #onDue: (id: string) => void;
  #handle: unknown;
  #armedAt: number | undefined;

  constructor(options: { timers?: Timers; now?: () => number; onDue: (id: string) => void }) {
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

  /** The deadline of `id`, if it has one. */
  dueAt(id: string): number | undefined {
    return this.#due.get(id);
  }

  /** Sets (or moves) the deadline of `id`. */
  schedule(id: string, at: number): void {
    const version = (this.#versions.get(id) ?? 0) + 1;
    this.#versions.set(id, version);
    this.#due.set(id, at);
    this.#push({ at, id, version });
    this.#arm();
  }

  /** Removes the deadline of `id`. */
  cancel(id: string): void {
    if (!this.#due.delete(id)) return;
    this.#versions.set(id, (this.#versions.get(id) ?? 0) + 1);
    this.#arm();
  }

  /** Removes every deadline and disarms the timer. */
  clear(): void {
    this.#heap.length = 0;
    this.#due.clear();
    this.#versions.clear();
    this.#disarm();
  }

  #live(entry: Entry): boolean {
    return this.#versions.get(entry.id) === entry.version && this.#due.has(entry.id);
  }

  #arm(): void {
    while (this.#heap.length > 0 && !this.#live(this.#heap[0] as Entry)) this.#pop();
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
    const due: string[] = [];
    while (this.#heap.length > 0) {
      const top = this.#heap[0] as Entry;
      if (!this.#live(top)) {
        this.#pop();
        continue;
      }
      if (top.at > now) break;
      this.#pop();
      this.#due.delete(top.id);
      due.push(top.id);
    }
    this.#arm();
    for (const id of due) this.#onDue(id);
  }

  #push(entry: Entry): void {
    const heap = this.#heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as Entry).at <= entry.at) break;
      heap[i] = heap[parent] as Entry;
      i = parent;
    }
    heap[i] = entry;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop() as Entry;
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child =
        right < heap.length && (heap[right] as Entry).at < (heap[left] as Entry).at ? right : left;
      if ((heap[child] as Entry).at >= last.at) break;
      heap[i] = heap[child] as Entry;
      i = child;
    }
    heap[i] = last;
  }
}
