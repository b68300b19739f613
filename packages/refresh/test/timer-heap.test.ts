import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimerHeap } from '@mcp-oauth/refresh';
import { FakeClock } from './support.js';

function heap(clock: FakeClock) {
  const fired: string[] = [];
  const h = new TimerHeap({ timers: clock, now: () => clock.now, onDue: (id) => fired.push(id) });
  return { h, fired };
}

test('any number of deadlines share one underlying timer and fire in time order', async () => {
  const clock = new FakeClock();
  const { h, fired } = heap(clock);
  const order = Array.from({ length: 1000 }, (_, i) => i).sort(() => Math.random() - 0.5);
  for (const i of order) h.schedule(`k${i}`, clock.now + 1000 + i * 10);
  assert.equal(h.size, 1000);
  assert.equal(clock.pending, 1, 'one live timer');
  await clock.advance(1000 + 999 * 10);
  assert.deepEqual(
    fired,
    Array.from({ length: 1000 }, (_, i) => `k${i}`),
  );
  assert.equal(h.size, 0);
  assert.equal(h.armed, false);
  assert.equal(clock.pending, 0);
});

test('rescheduling moves a deadline; cancelling removes it; stale entries never fire', async () => {
  const clock = new FakeClock();
  const { h, fired } = heap(clock);
  h.schedule('a', clock.now + 100);
  h.schedule('b', clock.now + 200);
  h.schedule('a', clock.now + 300);
  h.cancel('b');
  assert.equal(h.dueAt('a'), clock.now + 300);
  assert.equal(h.dueAt('b'), undefined);
  await clock.advance(250);
  assert.deepEqual(fired, []);
  await clock.advance(50);
  assert.deepEqual(fired, ['a']);
});

test('a deadline set from inside onDue is honoured', async () => {
  const clock = new FakeClock();
  const fired: number[] = [];
  const h: TimerHeap = new TimerHeap({
    timers: clock,
    now: () => clock.now,
    onDue: () => {
      fired.push(clock.now);
      if (fired.length < 3) h.schedule('x', clock.now + 100);
    },
  });
  h.schedule('x', clock.now + 100);
  const start = clock.now;
  await clock.advance(1000);
  assert.deepEqual(fired, [start + 100, start + 200, start + 300]);
});

test('clear disarms the timer', () => {
  const clock = new FakeClock();
  const { h } = heap(clock);
  h.schedule('a', clock.now + 10);
  assert.equal(h.armed, true);
  h.clear();
  assert.equal(h.armed, false);
  assert.equal(clock.pending, 0);
});

test('object keys are distinct by identity and handed back to onDue as the same object', async () => {
  const clock = new FakeClock();
  const fired: Array<{ name: string }> = [];
  const h = new TimerHeap<{ name: string }>({
    timers: clock,
    now: () => clock.now,
    onDue: (key) => fired.push(key),
  });
  const a = { name: 'same' };
  const b = { name: 'same' };
  h.schedule(a, clock.now + 100);
  h.schedule(b, clock.now + 200);
  h.schedule(a, clock.now + 300);
  assert.equal(h.size, 2);
  assert.equal(h.dueAt(a), clock.now + 300);
  h.cancel(b);
  await clock.advance(300);
  assert.equal(fired.length, 1);
  assert.equal(fired[0], a);
});
