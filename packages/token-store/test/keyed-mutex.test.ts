import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedMutex } from '../src/keyed-mutex.js';
import { assertCode } from './contract/token-store-contract.js';

test('keyed mutex: waiters are served first come, first served', async () => {
  const mutex = new KeyedMutex();
  const order: number[] = [];
  const first = await mutex.acquire('k', { waitMs: 1000 });
  const waiters = [1, 2, 3].map((n) =>
    mutex.acquire('k', { waitMs: 1000 }).then(async (lock) => {
      order.push(n);
      await lock.release();
    }),
  );
  await first.release();
  await Promise.all(waiters);
  assert.deepEqual(order, [1, 2, 3]);
  assert.equal(mutex.isHeld('k'), false);
});

test('keyed mutex: a timed-out or aborted waiter leaves the queue; the next one still gets the lock', async () => {
  const mutex = new KeyedMutex();
  const held = await mutex.acquire('k', { waitMs: 0 });
  const controller = new AbortController();
  const aborted = mutex.acquire('k', { waitMs: 5000, signal: controller.signal });
  const timedOut = mutex.acquire('k', { waitMs: 20 });
  const patient = mutex.acquire('k', { waitMs: 5000 });
  controller.abort();
  await assertCode(() => aborted, 'lock_aborted');
  await assertCode(() => timedOut, 'lock_timeout');
  await held.release();
  const next = await patient;
  assert.equal(mutex.isHeld('k'), true);
  await next.release();
  assert.equal(mutex.isHeld('k'), false);
});

test('keyed mutex: keys are independent and release is idempotent', async () => {
  const mutex = new KeyedMutex();
  const a = await mutex.acquire('a', { waitMs: 0 });
  const b = await mutex.acquire('b', { waitMs: 0 });
  await a.release();
  await a.release();
  const a2 = await mutex.acquire('a', { waitMs: 0 });
  await assertCode(() => mutex.acquire('a', { waitMs: 0 }), 'lock_timeout');
  await Promise.all([a2.release(), b.release()]);
});
