// Ctrl-C during a long wait: the work sees its signal abort, gets time to clean up, and the command ends with a
// `cancelled` error (exit 130).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CliError } from '@mcp-oauth/cli';
import type { CommandContext } from '../src/command.js';
import { interruptible } from '../src/interruptible.js';

function contextWithInterrupt(): { context: CommandContext; interrupt: () => void; installed: () => number } {
  const handlers = new Set<() => void>();
  const context = {
    io: {
      onInterrupt(handler: () => void) {
        handlers.add(handler);
        return () => handlers.delete(handler);
      },
    },
  } as unknown as CommandContext;
  return {
    context,
    interrupt: () => {
      for (const handler of handlers) handler();
    },
    installed: () => handlers.size,
  };
}

test('an interrupt aborts the work, waits for its cleanup, and throws cancelled', async () => {
  const { context, interrupt, installed } = contextWithInterrupt();
  let cleanedUp = false;
  const run = interruptible(context, 'login', (signal) => {
    return new Promise((_, reject) => {
      signal.addEventListener('abort', () => {
        setTimeout(() => {
          cleanedUp = true;
          reject(new Error('listener closed'));
        }, 20);
      });
    });
  });
  assert.equal(installed(), 1);
  interrupt();
  await assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof CliError);
    assert.equal(error.code, 'cancelled');
    assert.equal(error.exitCode, 130);
    assert.equal(error.message, 'login cancelled');
    return true;
  });
  assert.equal(cleanedUp, true, 'the work finished its cleanup first');
  assert.equal(installed(), 0, 'the handler is removed');
});

test('without an interrupt the result or the error passes through unchanged', async () => {
  const { context, installed } = contextWithInterrupt();
  assert.equal(await interruptible(context, 'call', async () => 42), 42);
  await assert.rejects(
    interruptible(context, 'call', async () => {
      throw new RangeError('boom');
    }),
    RangeError,
  );
  assert.equal(installed(), 0);
});
