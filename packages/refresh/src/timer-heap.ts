import { DeadlineHeap } from './deadline-heap.js';
import type { Timers } from './timers.js';

export { realTimers, type Timers } from './timers.js';

/**
 * Deadlines for any number of keys on ONE underlying timer: each key gets a slot of a {@link DeadlineHeap} (an
 * indexed min-heap in typed arrays), the timer armed for the earliest deadline; every operation is O(log n). Keys
 * are compared as `Map` keys are: strings by value, objects by identity. A key's slot is freed when its deadline
 * fires or is cancelled. (The refresher numbers its credentials itself and uses the {@link DeadlineHeap} directly.)
 */
export class TimerHeap<K = string> {
  readonly #heap: DeadlineHeap;
  readonly #slotOf = new Map<K, number>();
  readonly #keys: Array<K | undefined> = [];
  readonly #free: number[] = [];
  readonly #onDue: (key: K) => void;

  constructor(options: { timers?: Timers; now?: () => number; onDue: (key: K) => void }) {
    this.#onDue = options.onDue;
    this.#heap = new DeadlineHeap({
      ...(options.timers ? { timers: options.timers } : {}),
      ...(options.now ? { now: options.now } : {}),
      onDue: (slot) => {
        const key = this.#release(slot);
        if (key !== undefined) this.#onDue(key);
      },
    });
  }

  /** Number of keys with a deadline. */
  get size(): number {
    return this.#heap.size;
  }

  /** Whether the single underlying timer is armed. */
  get armed(): boolean {
    return this.#heap.armed;
  }

  /** The deadline of `key`, if it has one. */
  dueAt(key: K): number | undefined {
    const slot = this.#slotOf.get(key);
    return slot === undefined ? undefined : this.#heap.dueAt(slot);
  }

  /** Sets (or moves) the deadline of `key`. */
  schedule(key: K, at: number): void {
    let slot = this.#slotOf.get(key);
    if (slot === undefined) {
      slot = this.#free.pop() ?? this.#keys.length;
      this.#keys[slot] = key;
      this.#slotOf.set(key, slot);
    }
    this.#heap.schedule(slot, at);
  }

  /** Removes the deadline of `key`. */
  cancel(key: K): void {
    const slot = this.#slotOf.get(key);
    if (slot === undefined) return;
    this.#heap.cancel(slot);
    this.#release(slot);
  }

  /** Removes every deadline and disarms the timer. */
  clear(): void {
    this.#heap.clear();
    this.#slotOf.clear();
    this.#keys.length = 0;
    this.#free.length = 0;
  }

  #release(slot: number): K | undefined {
    const key = this.#keys[slot];
    if (key === undefined) return undefined;
    this.#keys[slot] = undefined;
    this.#slotOf.delete(key);
    this.#free.push(slot);
    return key;
  }
}
