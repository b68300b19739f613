import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';

/** `mcp-oauth demo`. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'Show both reported failures reproduced and fixed, against a local OAuth world',
  usage: ['demo'],
  description: [
    'Starts the testbed (@mcp-oauth/testbed: an oidc-provider authorization server, a Google-like one and two MCP',
    'servers, all on 127.0.0.1) inside this process, with 2-second access tokens and a throwaway home (removed at',
    'the end), then shows, step by step:',
    '',
    '  Failure B: a token requested without `resource` (oauth.resource = false) is refused by the strict MCP',
    '  server; with the default policy the authorize and token requests carry one `resource` and the call works.',
    '  Failure A: provider "generic" gets no refresh token from the Google-like server and the session dies at',
    '  expiry; provider "google" stores a refresh token and a call after expiry succeeds, with no new login.',
    '',
    'It exits with 0 only when every step behaved as stated, 1 otherwise. The demo is the one command that loads',
    'the testbed package, which is not installed with the CLI: run it with',
    '`npx --package=@mcp-oauth/cli --package=@mcp-oauth/testbed mcp-oauth demo`, or `npm install @mcp-oauth/testbed`',
    'next to the CLI; without it the demo exits with 3 and says so. Touches neither your config nor your',
    'credentials; needs no network beyond 127.0.0.1.',
  ].join('\n'),
  positionals: [],
  options: {},
  examples: [
    { command: 'demo', comment: 'run the demonstration' },
    { command: 'demo --debug', comment: "with the client's (redacted) debug log on stderr" },
  ],
  async run(_input, context) {
    // Loaded here, not at start: every other command would pay for the demo's modules (docs/benchmarks.md).
    const { runDemo } = await import('../demo/run-demo.js');
    await runDemo(context);
    return EXIT.ok;
  },
};
