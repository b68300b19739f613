import { realTimers, type Timers } from './timers.js';

/** Longest delay one `setTimeout` accepts (about 24.8 days); longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Slot number that marks "not in the heap" in the position column. */
const ABSENT = -1;

function grownInt32(array: Int32Array, length: number, fill: number): Int32Array {
  const next = new Int32Array(length).fill(fill);
  next.set(array);
  return next;
}

function grownFloat64(array: Float64Array, length: number): Float64Array {
  const next = new Float64Array(length);
  next.set(array);
  return next;
}

/**
 * Deadlines for slots (small non-negative integers, e.g. a credential's index in the refresher's table) on ONE
 * underlying timer: an indexed binary min-heap in typed arrays (the slot and its time per heap position, the heap
 * position per slot), the timer armed for the earliest deadline. No object per deadline: 16 bytes per scheduled
 * slot (plus the arrays' growth slack), and rescheduling or cancelling moves or removes the slot's one entry in
 * place (O(log n)), so nothing stale piles up.
 */
export class DeadlineHeap {
  #slots: Int32Array = new Int32Array(16);
  #at: Float64Array = new Float64Array(16);
  /** Per slot: its position in the heap, or {@link ABSENT}. */
  #position: Int32Array = new Int32Array(16).fill(ABSENT);
  #size = 0;
  readonly #timers: Timers;
  readonly #now: () => number;
  readonly #onDue: (slot: number) => void;
  #handle: unknown;
  #armedAt: number | undefined;

  /**
   * @param options.timers timer functions; default {@link realTimers} (unref'd: a deadline never keeps the process
   *   alive).
   * @param options.now clock, ms since the epoch. Default `Date.now`.
   * @param options.onDue called once per slot whose deadline has passed, after the slot left the heap (so it may
   *   schedule the slot again).
   */
  constructor(options: { timers?: Timers; now?: () => number; onDue: (slot: number) => void }) {
    this.#timers = options.timers ?? realTimers;
    this.#now = options.now ?? Date.now;
    this.#onDue = options.onDue;
  }

  /** Number of slots with a deadline. */
  get size(): number {
    return this.#size;
  }

  /** Whether the single underlying timer is armed. */
  get armed(): boolean {
    return this.#handle !== undefined;
  }

  /** The deadline of `slot`, if it has one. */
  dueAt(slot: number): number | undefined {
    const i = slot < this.#position.length ? (this.#position[slot] as number) : ABSENT;
    return i === ABSENT ? undefined : this.#at[i];
  }

  /** Sets (or moves) the deadline of `slot` (an integer ≥ 0). */
  schedule(slot: number, at: number): void {
    if (!Number.isInteger(slot) || slot < 0)
      throw new RangeError(`slot must be an integer >= 0, got ${slot}`);
    if (slot >= this.#position.length) {
      this.#position = grownInt32(this.#position, Math.max(slot + 1, this.#position.length * 2), ABSENT);
    }
    const i = this.#position[slot] as number;
    if (i === ABSENT) {
      if (this.#size === this.#slots.length) {
        this.#slots = grownInt32(this.#slots, this.#size * 2, 0);
        this.#at = grownFloat64(this.#at, this.#size * 2);
      }
      this.#place(this.#size, slot, at);
      this.#size += 1;
      this.#up(this.#size - 1);
    } else {
      const before = this.#at[i] as number;
      this.#at[i] = at;
      if (at < before) this.#up(i);
      else this.#down(i);
    }
    this.#arm();
  }

  /** Removes the deadline of `slot`. */
  cancel(slot: number): void {
    if (slot >= this.#position.length) return;
    const i = this.#position[slot] as number;
    if (i === ABSENT) return;
    this.#removeAt(i);
    this.#arm();
  }

  /** Removes every deadline and disarms the timer. */
  clear(): void {
    for (let i = 0; i < this.#size; i++) this.#position[this.#slots[i] as number] = ABSENT;
    this.#size = 0;
    this.#disarm();
  }

  #arm(): void {
    if (this.#size === 0) {
      this.#disarm();
      return;
    }
    const first = this.#at[0] as number;
    if (this.#armedAt === first && this.#handle !== undefined) return;
    this.#disarm();
    this.#armedAt = first;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, first - this.#now()));
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
    const due: number[] = [];
    while (this.#size > 0 && (this.#at[0] as number) <= now) {
      due.push(this.#slots[0] as number);
      this.#removeAt(0);
    }
    this.#arm();
    for (const slot of due) this.#onDue(slot);
  }

  #place(i: number, slot: number, at: number): void {
    this.#slots[i] = slot;
    this.#at[i] = at;
    this.#position[slot] = i;
  }

  #removeAt(i: number): void {
    this.#position[this.#slots[i] as number] = ABSENT;
    this.#size -= 1;
    if (i === this.#size) return;
    this.#place(i, this.#slots[this.#size] as number, this.#at[this.#size] as number);
    this.#up(i);
    this.#down(this.#position[this.#slots[i] as number] as number);
  }

  #up(start: number): void {
    const slot = this.#slots[start] as number;
    const at = this.#at[start] as number;
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.#at[parent] as number) <= at) break;
      this.#place(i, this.#slots[parent] as number, this.#at[parent] as number);
      i = parent;
    }
    this.#place(i, slot, at);
  }

  #down(start: number): void {
    const slot = this.#slots[start] as number;
    const at = this.#at[start] as number;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.#size) break;
      const right = left + 1;
      const child =
        right < this.#size && (this.#at[right] as number) < (this.#at[left] as number) ? right : left;
      if ((this.#at[child] as number) >= at) break;
      this.#place(i, this.#slots[child] as number, this.#at[child] as number);
      i = child;
    }
    this.#place(i, slot, at);
  }
}
