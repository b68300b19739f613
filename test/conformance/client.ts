// The client command the official MCP conformance suite runs: `node … test/conformance/client.ts <server-url>`,
// with MCP_CONFORMANCE_SCENARIO, MCP_CONFORMANCE_PROTOCOL_VERSION and, for some scenarios, MCP_CONFORMANCE_CONTEXT
// set. It configures this project's client for the suite's server exactly as a user would (see scenario-config.ts),
// logs in on the server's first 401 with the headless user agent (the suite's authorization endpoints approve at
// once), connects with `McpOAuthClient.connect` (the SDK v2 client: 2026-07-28 when the server answers
// `server/discover`, else the 2025-11-25 `initialize` handshake) with a form-elicitation handler that accepts with
// the schema's defaults, lists the tools and calls the ones the scenario names (scenarioToolCalls), or the calls
// the scenario's context lists. It exits 1 when the client refuses to proceed (a failed check is the point of
// several scenarios: a wrong `iss`, a mismatched resource or issuer).
//
// Run by `pnpm conformance` (test/conformance/run.ts); never prints a token or secret.
import { type ElicitationHandler, headlessUserAgent, type Logger, McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import { createHttpClient } from '@mcp-oauth/http';
import { MemoryStore } from '@mcp-oauth/token-store';
import {
  CONFORMANCE_SERVER,
  idpSignIn,
  parseContext,
  plannedToolCalls,
  scenarioConfig,
  scenarioToolCalls,
} from './scenario-config.js';

const CLIENT_INFO = { name: 'mcp-oauth-conformance', version: '0.1.0' };

/**
 * The suite serves every scenario's servers from one Node process, which a loaded machine starves for more than the
 * default 10 s: requests of several scenarios then reach it together after 10-15 s of silence (docs/conformance.md,
 * "Under load"). The entry waits up to 30 s for headers; what is tested is the protocol.
 */
const SUITE_TIMEOUTS = { headersMs: 30_000, bodyMs: 30_000, totalMs: 60_000 };

const stderrLogger: Logger = {
  debug: (message, fields) => process.stderr.write(`debug: ${message} ${JSON.stringify(fields ?? {})}\n`),
  info: (message, fields) => process.stderr.write(`info: ${message} ${JSON.stringify(fields ?? {})}\n`),
  warn: (message, fields) => process.stderr.write(`warn: ${message} ${JSON.stringify(fields ?? {})}\n`),
};

/**
 * Scenarios whose tools each test one rule: a call the client refuses is reported and the next one still made.
 * `sep-2322-client-request-state`'s `test_mrtr_no_result_type` answers without `resultType`, which the SDK v2 client
 * refuses at 2026-07-28 (it does not retry either, which is what that check looks at).
 */
const EACH_CALL_ON_ITS_OWN = new Set(['sep-2322-client-request-state']);

/**
 * Answers every form elicitation the way the suite expects of a client with no user: accept, leaving each field
 * out, so the library fills in the schema's defaults (SEP-1034) and validates the result before sending it.
 */
const acceptDefaults: ElicitationHandler = {
  form: async () => ({ action: 'accept', content: {} }),
};

async function run(serverUrl: string): Promise<void> {
  const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
  const protocolVersion = process.env.MCP_CONFORMANCE_PROTOCOL_VERSION ?? '2025-11-25';
  const context = parseContext(process.env.MCP_CONFORMANCE_CONTEXT);
  const { toml, env } = scenarioConfig(serverUrl, context, scenario);
  const store = new MemoryStore();
  // auth/enterprise-managed-authorization: the user's IdP sign-in, as `mcp-oauth login --idp` would have stored it.
  const signIn = idpSignIn(context, Date.now());
  if (signIn !== undefined) await store.set(signIn.key, signIn.record);
  const client = new McpOAuthClient({
    config: parseConfig(toml),
    store,
    env,
    logger: stderrLogger,
    http: createHttpClient({ timeouts: SUITE_TIMEOUTS }),
  });
  const interaction = { userAgent: headlessUserAgent(), timeoutMs: 20_000 };
  const connect = {
    login: interaction,
    stepUp: interaction,
    clientName: CLIENT_INFO.name,
    elicitation: acceptDefaults,
  };
  try {
    const session = await client.connect(CONFORMANCE_SERVER, connect);
    try {
      const { tools } = await session.listTools();
      console.log(
        `${scenario}: listed ${tools.length} tool(s) (${session.protocolVersion}, suite ${protocolVersion})`,
      );
      const calls = plannedToolCalls(context) ?? scenarioToolCalls(scenario, tools);
      for (const call of calls) {
        try {
          await session.callTool(call);
          console.log(`${scenario}: called ${call.name}`);
        } catch (error) {
          if (!EACH_CALL_ON_ITS_OWN.has(scenario)) throw error;
          const e = error as { code?: unknown; message?: unknown };
          console.log(
            `${scenario}: ${call.name} refused (${String(e.code ?? 'error')}): ${String(e.message)}`,
          );
        }
      }
    } finally {
      await session.close();
    }
  } finally {
    await client.close();
  }
}

const serverUrl = process.argv.at(-1);
if (serverUrl === undefined || !/^https?:\/\//.test(serverUrl)) {
  console.error('usage: client.ts <mcp-server-url> (run by the MCP conformance suite)');
  process.exit(2);
}
run(serverUrl).then(
  () => console.log('client: completed'),
  (error: unknown) => {
    const e = error as { code?: unknown; message?: unknown };
    console.log(`client: refused (${String(e.code ?? 'error')}): ${String(e.message ?? error)}`);
    process.exitCode = 1;
  },
);
