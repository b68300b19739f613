// What every e2e test file shares: homes running the built CLI, one transcript of all their output, the secrets
// seen, logins completed by the testbed's user agents, and the final secret scan.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { headlessUserAgent, type RequestLog } from '@mcp-oauth/testbed';
import {
  assertBuilt,
  type CliHome,
  type CliResult,
  cliHome,
  type RunningCli,
  Transcript,
} from './built-cli.js';
import { SecretCollector } from './secrets.js';

/** A URL printed alone on its own line (what `login --no-browser` prints on stdout). */
export const URL_LINE = /^(https?:\/\/\S+)$/m;

export interface E2eFile {
  readonly transcript: Transcript;
  readonly secrets: SecretCollector;
  /** A new temporary home (removed when the file ends). */
  home(): Promise<CliHome>;
  /** Reads a testbed world's request log in the final scan. */
  watch(log: RequestLog): void;
}

/**
 * Sets up one e2e file: checks the CLI is built, and registers, after every test the file declares before calling
 * `scanForSecrets()`, the test that scans all output for every secret issued meanwhile.
 */
export function e2eFile(): E2eFile & { scanForSecrets(): void } {
  const transcript = new Transcript();
  const secrets = new SecretCollector();
  const homes: CliHome[] = [];
  // At load, not in a before hook: node:test runs the file's own before hooks (which start servers) even when an
  // earlier one failed, and its after hooks may then run first, leaving the servers running until the timeout.
  assertBuilt();
  after(async () => {
    await Promise.all(homes.map((home) => home.cleanup()));
  });
  return {
    transcript,
    secrets,
    async home() {
      const home = await cliHome(transcript, (dir) => secrets.readHome(dir));
      homes.push(home);
      return home;
    },
    watch: (log) => secrets.watch(log),
    scanForSecrets() {
      test('no token, refresh token, code, verifier or client secret issued in this file appears in any CLI output', () => {
        const found = secrets.findIn(transcript.text());
        assert.ok(transcript.size > 0, 'the CLI ran');
        const all = secrets.all();
        assert.ok(all.length > 0, 'secrets were issued');
        assert.equal(secrets.findIn(all.join('\n')).length, all.length, 'the scan finds each of them');
        assert.ok(transcript.text().includes('mcp-oauth: debug:'), 'debug logging was on');
        assert.deepEqual(found, []);
      });
    },
  };
}

/**
 * `mcp-oauth login NAME --no-browser [args]`: waits for the URL on stdout, hands it to `complete` (default: the
 * testbed's form-filling agent, delivering the callback to the CLI's loopback listener) and returns how the CLI
 * ended.
 */
export async function loginThroughCli(
  home: CliHome,
  name: string,
  options: {
    complete?: (url: string, running: RunningCli) => Promise<void>;
    args?: readonly string[];
    env?: Readonly<Record<string, string | undefined>>;
  } = {},
): Promise<CliResult> {
  const running = home.start(['login', name, '--no-browser', ...(options.args ?? [])], options.env);
  const [, url] = await running.waitFor('stdout', URL_LINE);
  await (options.complete ?? deliverWithForms)(url as string, running);
  return running.done;
}

/** Fills the testbed's sign-in and consent forms and loads the callback (reaching the CLI's listener). */
export async function deliverWithForms(url: string): Promise<void> {
  await headlessUserAgent().authorize(url, { deliver: true });
}
