import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { OutputStream } from './io.js';

/** Why a prompt ended without a line: Ctrl-C (`interrupt`) or the end of input, Ctrl-D (`eof`). */
export type PromptStop = 'interrupt' | 'eof';

/** A line typed at the terminal, or why there is none. */
export type PromptAnswer = { readonly line: string } | { readonly stopped: PromptStop };

/**
 * Questions asked at a terminal, one line each, on stderr (stdout carries the command's result). While it is open
 * the terminal is in raw mode, so Ctrl-C reaches the prompt (as `interrupt`) instead of stopping the command.
 */
export interface TerminalPrompt {
  ask(question: string, signal?: AbortSignal): Promise<PromptAnswer>;
  close(): void;
}

/** Opens a prompt on `input` (a terminal) writing to `output`. */
export function openTerminalPrompt(
  input: Readable & { readonly isTTY?: boolean },
  output: OutputStream,
): TerminalPrompt {
  const rl: Interface = createInterface({
    input,
    output: output as NodeJS.WritableStream,
    terminal: true,
    historySize: 0,
  });
  let closed = false;
  let pending: ((answer: PromptAnswer) => void) | undefined;
  const settle = (answer: PromptAnswer) => {
    const resolve = pending;
    pending = undefined;
    resolve?.(answer);
  };
  rl.on('line', (line) => settle({ line }));
  rl.on('SIGINT', () => {
    output.write('^C\n');
    settle({ stopped: 'interrupt' });
  });
  rl.on('close', () => {
    closed = true;
    settle({ stopped: 'eof' });
  });
  return {
    ask(question, signal) {
      if (closed) return Promise.resolve({ stopped: 'eof' });
      return new Promise((resolve) => {
        const onAbort = () => settle({ stopped: 'interrupt' });
        pending = (answer) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(answer);
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        rl.setPrompt(question);
        rl.prompt();
      });
    },
    close() {
      if (closed) return;
      closed = true;
      rl.close();
      // Leave stdin as it was found: paused, so it does not keep the process alive.
      input.pause();
    },
  };
}
