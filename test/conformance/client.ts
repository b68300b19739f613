// The client command the official MCP conformance suite runs: `node … test/conformance/client.ts <server-url>`,
// with MCP_CONFORMANCE_SCENARIO, MCP_CONFORMANCE_PROTOCOL_VERSION and, for some scenarios, MCP_CONFORMANCE_CONTEXT
// set. It configures this project's client for the suite's server exactly as a user would (see scenario-config.ts),
// logs in on the server's first 401 with the headless user agent (the suite's authorization endpoints approve at
// once), connects with `McpOAuthClient.connect` (the SDK v2 client: 2026-07-28 when the server answers
// `server/discover`, else the 2025-11-25 `initialize` handshake), lists the tools and calls the test tool, or the
// calls the scenario's context lists. It exits 1 when the client refuses to proceed (a failed check is the point of
// several scenarios: a wrong `iss`, a mismatched resource or issuer).
//
// Run by `pnpm conformance` (test/conformance/run.ts); never prints a token or secret.
import { headlessUserAgent, type Logger, McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import { MemoryStore } from '@mcp-oauth/token-store';
import {
  CONFORMANCE_SERVER,
  idpSignIn,
  parseContext,
  plannedToolCalls,
  scenarioConfig,
} from './scenario-config.js';

const CLIENT_INFO = { name: 'mcp-oauth-conformance', version: '0.1.0' };

/** Arguments for tools whose mock needs them; any other tool is called with `{}`. */
const TOOL_ARGUMENTS: Readonly<Record<string, Record<string, unknown>>> = { add_numbers: { a: 2, b: 3 } };

/** Scenarios whose server serves `tools/list` only (calling a tool there is an error by design). */
const LIST_ONLY = new Set(['json-schema-ref-no-deref']);

const stderrLogger: Logger = {
  debug: (message, fields) => process.stderr.write(`debug: ${message} ${JSON.stringify(fields ?? {})}\n`),
  info: (message, fields) => process.stderr.write(`info: ${message} ${JSON.stringify(fields ?? {})}\n`),
  warn: (message, fields) => process.stderr.write(`warn: ${message} ${JSON.stringify(fields ?? {})}\n`),
};

/** The tool to call: the suite's auth test tool, else the first one listed. */
function pickTool(tools: readonly { name: string }[]): string | undefined {
  return (tools.find((t) => t.name === 'test-tool') ?? tools[0])?.name;
}

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
  });
  const interaction = { userAgent: headlessUserAgent(), timeoutMs: 20_000 };
  const connect = { login: interaction, stepUp: interaction, clientName: CLIENT_INFO.name };
  try {
    const session = await client.connect(CONFORMANCE_SERVER, connect);
    try {
      const { tools } = await session.listTools();
      console.log(
        `${scenario}: listed ${tools.length} tool(s) (${session.protocolVersion}, suite ${protocolVersion})`,
      );
      const picked = LIST_ONLY.has(scenario) ? undefined : pickTool(tools);
      const calls =
        plannedToolCalls(context) ??
        (picked === undefined ? [] : [{ name: picked, arguments: TOOL_ARGUMENTS[picked] ?? {} }]);
      for (const call of calls) {
        await session.callTool(call);
        console.log(`${scenario}: called ${call.name}`);
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
