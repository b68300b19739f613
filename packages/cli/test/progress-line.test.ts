// The "waiting for the sign-in" line: redrawn in place on a terminal, printed once otherwise, and never mixed
// with the lines printed while it is shown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minutesSeconds, ProgressLine } from '../src/progress-line.js';
import { createStyle } from '../src/style.js';

const CLEAR = '\r\u001b[2K';
const plain = createStyle(false);

function stream() {
  const writes: string[] = [];
  return { writes, write: (text: string) => writes.push(text), isTTY: true };
}

test('minutesSeconds rounds up and pads the seconds', () => {
  assert.equal(minutesSeconds(300_000), '5:00');
  assert.equal(minutesSeconds(61_001), '1:02');
  assert.equal(minutesSeconds(1), '0:01');
  assert.equal(minutesSeconds(-5), '0:00');
});

test('in place: the line shows the time left; say() clears it, prints above, redraws; stop() clears', () => {
  const out = stream();
  const now = 1_000_000;
  const line = new ProgressLine(out, plain, { inPlace: true, now: () => now });
  line.start(now + 299_500);
  const waiting = 'Waiting for the sign-in to complete: 5:00 left (Ctrl-C to cancel)';
  assert.deepEqual(out.writes, [waiting]);
  line.say('Opening the browser.\n');
  assert.deepEqual(out.writes.slice(1), [CLEAR, 'Opening the browser.\n', waiting]);
  line.stop();
  line.stop();
  assert.deepEqual(out.writes.slice(4), [CLEAR], 'cleared once');
  line.say('after\n');
  assert.equal(out.writes.at(-1), 'after\n', 'no redraw once stopped');
});

test('not in place: one line with the whole wait, after what is printed at once', async () => {
  const out = stream();
  const now = 5_000;
  const line = new ProgressLine(out, plain, { inPlace: false, now: () => now });
  line.start(now + 120_000);
  line.say('Open this URL in a browser:\n');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(out.writes, [
    'Open this URL in a browser:\n',
    'Waiting up to 2:00 for the sign-in to complete (Ctrl-C to cancel).\n',
  ]);
  line.stop();
  assert.equal(out.writes.length, 2, 'nothing to clear');
});
