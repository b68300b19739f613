import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { firstValidInOrder } from '@mcp-oauth/discovery';

/** An attempt that settles when the test says so, and records whether it was aborted. */
function deferred() {
  const controls = new Map<string, { resolve: (v: string) => void; reject: (e: unknown) => void }>();
  const aborted = new Set<string>();
  const started: string[] = [];
  const attempt = (name: string, signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      let pending = true;
      started.push(name);
      controls.set(name, {
        resolve: (v) => {
          pending = false;
          resolve(v);
        },
        reject: (e) => {
          pending = false;
          reject(e);
        },
      });
      signal.addEventListener('abort', () => {
        // Only an attempt still in flight is cancelled; aborting a settled one is a no-op.
        if (pending) aborted.add(name);
        reject(new Error(`${name} aborted`));
      });
    });
  const control = (name: string) =>
    controls.get(name) as { resolve: (v: string) => void; reject: (e: unknown) => void };
  return { attempt, control, aborted, started };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('firstValidInOrder', () => {
  test('starts every attempt at once', async () => {
    const d = deferred();
    const race = firstValidInOrder(['a', 'b', 'c'], d.attempt);
    assert.deepEqual(d.started, ['a', 'b', 'c']);
    d.control('a').resolve('A');
    assert.deepEqual((await race).winner, { candidate: 'a', value: 'A' });
  });

  test('a later success waits for the earlier candidates; the earlier one wins if it succeeds', async () => {
    const d = deferred();
    const race = firstValidInOrder(['a', 'b', 'c'], d.attempt);
    d.control('c').resolve('C');
    await tick();
    d.control('a').resolve('A');
    const outcome = await race;
    assert.equal(outcome.winner?.candidate, 'a');
    assert.deepEqual([...d.aborted].sort(), ['b']);
  });

  test('a later success wins once every earlier candidate failed; failures are kept in order', async () => {
    const d = deferred();
    const race = firstValidInOrder(['a', 'b', 'c'], d.attempt);
    d.control('c').resolve('C');
    d.control('b').reject(new Error('404 b'));
    await tick();
    d.control('a').reject(new Error('404 a'));
    const outcome = await race;
    assert.equal(outcome.winner?.candidate, 'c');
    assert.deepEqual(
      outcome.failures.map((f) => [f.candidate, (f.error as Error).message]),
      [
        ['a', '404 a'],
        ['b', '404 b'],
      ],
    );
  });

  test('a success aborts the candidates after it at once, even while earlier ones are pending', async () => {
    const d = deferred();
    const race = firstValidInOrder(['a', 'b', 'c', 'd'], d.attempt);
    d.control('b').resolve('B');
    await tick();
    assert.deepEqual([...d.aborted].sort(), ['c', 'd']);
    d.control('a').reject(new Error('no'));
    assert.equal((await race).winner?.candidate, 'b');
  });

  test('all fail: no winner, every failure', async () => {
    const d = deferred();
    const race = firstValidInOrder(['a', 'b'], d.attempt);
    d.control('b').reject(new Error('b'));
    d.control('a').reject(new Error('a'));
    const outcome = await race;
    assert.equal(outcome.winner, undefined);
    assert.equal(outcome.failures.length, 2);
  });

  test("the caller's signal aborts every attempt and rejects", async () => {
    const d = deferred();
    const controller = new AbortController();
    const race = firstValidInOrder(['a', 'b'], d.attempt, controller.signal);
    controller.abort();
    await assert.rejects(race, /a aborted/);
    assert.deepEqual([...d.aborted].sort(), ['a', 'b']);
  });
});
