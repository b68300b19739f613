import {
  type ElicitationAnswer,
  type ElicitationHandler,
  type FormElicitation,
  openBrowser,
  type UrlElicitation,
} from '@mcp-oauth/client';
import { escapeForTerminal } from '@mcp-oauth/config';
import { describeField, readFieldInput } from './form-field-input.js';
import type { OutputStream } from './io.js';
import type { TerminalPrompt } from './terminal-prompt.js';

/** How `call` answers elicitations. */
export interface TerminalElicitationOptions {
  readonly stderr: OutputStream;
  /**
   * Opens a prompt at the terminal, or undefined when nobody can answer (`--json`, `--no-input`, stdin or stderr
   * not a terminal): then every elicitation is declined, with a line on stderr saying so and why.
   */
  readonly prompt: (() => TerminalPrompt) | undefined;
  /** Why there is no prompt, for the stderr line (e.g. `--json`). */
  readonly nonInteractiveReason: string;
  /** `--no-browser`: print the URL instead of offering to open it. */
  readonly noBrowser: boolean;
  /** How long to wait for a URL step's completion notification, in ms. */
  readonly completionTimeoutMs: number;
  /** Default `openBrowser`. */
  readonly openUrl?: (url: string) => Promise<void>;
}

/** A URL step the server has yet to report complete: `failed` rejects when it does not in time. */
export interface ElicitationWatch {
  /** Rejects with `elicitation_timeout` when a URL step is not reported complete in time; never resolves. */
  readonly failed: Promise<never>;
}

const server = (name: string) => escapeForTerminal(name, { maxLength: 80 });
const message = (text: string) => escapeForTerminal(text, { maxLength: 2000, keepNewlines: true });

/** Ctrl-C declines (the user said no); the end of input (Ctrl-D) cancels (dismissed without a choice). */
function stoppedAnswer(stop: 'interrupt' | 'eof'): ElicitationAnswer {
  return { action: stop === 'interrupt' ? 'decline' : 'cancel' };
}

async function askForm(
  request: FormElicitation,
  prompt: TerminalPrompt,
  err: OutputStream,
): Promise<ElicitationAnswer> {
  err.write(`\n${server(request.server)} asks: ${message(request.message)}\n`);
  err.write('(Enter keeps the value in [brackets]; Ctrl-C declines; Ctrl-D cancels.)\n');
  const content: Record<string, unknown> = {};
  for (const field of request.fields) {
    const shown = describeField(field);
    for (const line of shown.lines) err.write(`${line}\n`);
    for (;;) {
      const typed = await prompt.ask(shown.prompt, request.signal);
      if ('stopped' in typed) return stoppedAnswer(typed.stopped);
      const input = readFieldInput(field, typed.line);
      if ('problem' in input) {
        err.write(
          `    ✗ ${escapeForTerminal(field.title ?? field.name, { maxLength: 120 })} ${input.problem}\n`,
        );
        continue;
      }
      if ('value' in input) content[field.name] = input.value;
      break;
    }
  }
  return { action: 'accept', content };
}

async function askUrl(
  request: UrlElicitation,
  prompt: TerminalPrompt,
  options: TerminalElicitationOptions,
): Promise<ElicitationAnswer> {
  const err = options.stderr;
  const origin = escapeForTerminal(new URL(request.url).origin, { maxLength: 200 });
  err.write(`\n${server(request.server)} asks you to visit a page: ${message(request.message)}\n`);
  err.write(`  site: ${origin}\n`);
  if (options.noBrowser) {
    err.write(`  Open this URL in a browser:\n${escapeForTerminal(request.url, { maxLength: 4000 })}\n`);
  } else {
    const typed = await prompt.ask(`Open ${origin} in your browser? [y/N] `, request.signal);
    if ('stopped' in typed) return stoppedAnswer(typed.stopped);
    if (!/^y(es)?$/i.test(typed.line.trim())) return { action: 'decline' };
    await (options.openUrl ?? openBrowser)(request.url);
  }
  if (request.elicitationId === null) {
    // 2026-07-28 sends no completion notification: the retried call tells the server to look.
    const done = await prompt.ask('Press Enter when you have finished on that page (Ctrl-C declines). ');
    if ('stopped' in done) return stoppedAnswer(done.stopped);
  }
  return { action: 'accept' };
}

/** Waits for a 2025-11-25 URL step's completion notification in the background, reporting on stderr. */
function watchCompletion(
  request: UrlElicitation,
  options: TerminalElicitationOptions,
  fail: (error: unknown) => void,
) {
  if (request.elicitationId === null) return;
  const seconds = Math.round(options.completionTimeoutMs / 1000);
  options.stderr.write(`Waiting up to ${seconds} s for ${server(request.server)} to confirm the step…\n`);
  request
    .waitForCompletion({ timeoutMs: options.completionTimeoutMs, signal: request.signal })
    .then(() => options.stderr.write(`${server(request.server)} confirmed the step.\n`), fail);
}

/**
 * The elicitation handler of `call`: form fields asked one by one at the terminal, URL steps shown by their
 * origin and opened only when the user says so; without a terminal, every elicitation is declined and stderr
 * says so. Prompts go to stderr, so stdout stays the tool's result.
 */
export function terminalElicitation(options: TerminalElicitationOptions): {
  handler: ElicitationHandler;
  watch: ElicitationWatch;
} {
  let rejectWatch: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    rejectWatch = reject;
  });
  failed.catch(() => {});
  // One prompt per elicitation, closed after it: between them the terminal is back in its normal mode, so Ctrl-C
  // while the call runs interrupts the command as usual.
  const withPrompt = async (
    kind: string,
    from: string,
    ask: (prompt: TerminalPrompt) => Promise<ElicitationAnswer>,
  ): Promise<ElicitationAnswer> => {
    if (options.prompt === undefined) {
      options.stderr.write(
        `mcp-oauth: declined ${server(from)}'s ${kind} request: no one to answer it (${options.nonInteractiveReason})\n`,
      );
      return { action: 'decline' };
    }
    const prompt = options.prompt();
    try {
      return await ask(prompt);
    } finally {
      prompt.close();
    }
  };
  const handler: ElicitationHandler = {
    form: (request) =>
      withPrompt('form', request.server, (prompt) => askForm(request, prompt, options.stderr)),
    async url(request) {
      const answer = await withPrompt('URL', request.server, (prompt) => askUrl(request, prompt, options));
      if (answer.action === 'accept') watchCompletion(request, options, rejectWatch);
      return answer;
    },
  };
  return { handler, watch: { failed } };
}
