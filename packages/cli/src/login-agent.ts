import { Writable } from 'node:stream';
import {
  ClientError,
  headlessUserAgent,
  isClientError,
  type LoginOptions,
  type LoginProgress,
  type LoginUserAgent,
  noBrowserUserAgent,
  systemBrowserUserAgent,
} from '@mcp-oauth/client';
import { escapeForTerminal } from '@mcp-oauth/config';
import type { CommandContext, CommandInput, OptionSpec } from './command.js';
import { usageError } from './errors.js';
import type { OutputStream } from './io.js';
import { ProgressLine } from './progress-line.js';

/** Options of every command that may open a login: `login`, and `call`/`tools` for a step-up. */
export const LOGIN_AGENT_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'no-browser': {
    type: 'boolean',
    description:
      'Print the authorization URL instead of opening a browser, then read the address the browser ends on from stdin',
  },
  headless: {
    type: 'boolean',
    description:
      'Follow the redirects in plain HTTP, no browser: only for authorization servers that redirect straight back without a page (the MCP conformance suite, pre-approved enterprise setups); a sign-in page fails with exit 6',
  },
  'callback-port': {
    type: 'string',
    valueName: 'PORT',
    description: 'Loopback callback port (default: oauth.callback_port, else chosen by the system)',
  },
  timeout: {
    type: 'string',
    valueName: 'SECONDS',
    description: 'How long to wait for the sign-in (default 300)',
  },
};

/** What a login (or a step-up) gets from the command line: everything of `LoginOptions` but scopes and signal. */
export interface LoginAgent {
  readonly options: Omit<LoginOptions, 'scopes' | 'challenge' | 'signal'>;
  /** Stops the progress line (call when the login is over, whatever its outcome). */
  done(): void;
  /** Rethrows a login's error, a timeout with what to try for this user agent. */
  explain(error: unknown): never;
}

function positiveInteger(value: unknown, option: string, command: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) {
    throw usageError(
      `--${option} expects a whole number from 1 to ${max}, got ${JSON.stringify(text)}`,
      command,
    );
  }
  return Number(text);
}

function writable(write: (text: string) => unknown): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      write(String(chunk));
      callback();
    },
  });
}

/**
 * The user agent and progress reporting a login uses, from `--no-browser`, `--headless`, `--callback-port` and
 * `--timeout`. Default: the system browser. With `--no-browser` the authorization URL goes alone on its own line
 * to `urlStream` (stdout for `login`, stderr for `call`/`tools`, whose stdout is their result) and the pasted
 * redirect address is read from stdin while the loopback listener keeps waiting.
 */
export function loginAgent(
  input: CommandInput,
  context: CommandContext,
  command: string,
  urlStream: OutputStream,
): LoginAgent {
  const { values } = input;
  if (values['no-browser'] === true && values.headless === true) {
    throw usageError('give either --no-browser or --headless, not both', command);
  }
  const callbackPort = positiveInteger(values['callback-port'], 'callback-port', command, 65535);
  const timeoutSeconds = positiveInteger(values.timeout, 'timeout', command, 86_400);
  const { io } = context;
  const noBrowser = values['no-browser'] === true;
  // Redrawing the line while someone types a paste on the same terminal would garble what they type.
  const inPlace = io.stderr.isTTY === true && !(noBrowser && io.stdin?.isTTY === true);
  const progress = new ProgressLine(io.stderr, context.err, { inPlace });
  const say = (text: string) => progress.say(text);
  let userAgent: LoginUserAgent;
  /** What to try when no authorization response came in time, for the user agent in use. */
  let timeoutHint: string | undefined;
  if (values.headless === true) {
    userAgent = headlessUserAgent();
  } else if (noBrowser) {
    timeoutHint =
      'after signing in, paste the whole address the browser was sent to (it starts with http://127.0.0.1), ' +
      'or allow more time with --timeout SECONDS';
    if (io.stdin === undefined)
      throw usageError('--no-browser needs a standard input to paste into', command);
    userAgent = noBrowserUserAgent({
      input: io.stdin,
      output: writable((text) => progress.around(() => urlStream.write(text))),
      prompt: writable(say),
    });
  } else {
    userAgent = systemBrowserUserAgent((line) => say(`${line}\n`));
    timeoutHint =
      'if the browser could not reach this machine (a remote shell, a browser elsewhere), use --no-browser and ' +
      'paste the address the browser was sent to';
  }
  const onProgress = (event: LoginProgress) => {
    if (event.type === 'discovered') {
      // Shown before any browser opens (docs/security.md): the user sees who they are about to sign in with.
      say(
        `Signing in with ${escapeForTerminal(event.issuer)} (resource ${escapeForTerminal(event.resource ?? '(none)')})\n`,
      );
    } else if (event.type === 'waiting') {
      progress.start(event.deadline);
    } else {
      progress.stop();
    }
  };
  return {
    options: {
      userAgent,
      onProgress,
      ...(callbackPort === undefined ? {} : { callbackPort }),
      ...(timeoutSeconds === undefined ? {} : { timeoutMs: timeoutSeconds * 1000 }),
    },
    done: () => progress.stop(),
    explain(error) {
      if (timeoutHint !== undefined && isClientError(error, 'callback_timeout')) {
        throw new ClientError('callback_timeout', `${error.message}; ${timeoutHint}`, { retryable: true });
      }
      throw error;
    },
  };
}
