import { type LoginUserAgent, McpOAuthClient, type McpSession } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import { createDpopProver, generateDpopKey } from '@mcp-oauth/dpop';
import { headlessUserAgent, startMcpServer, startStandardAs } from '@mcp-oauth/testbed';
import { MemoryStore } from '@mcp-oauth/token-store';
import { alternate } from './alternate.js';
import { median } from './stats.js';

/** What DPoP (RFC 9449) costs per request: one proof alone, and a whole tool call against a bearer one. */
export interface DpopCostResult {
  readonly rounds: number;
  /** Proofs signed per round for the per-proof figure. */
  readonly proofsPerRound: number;
  /** Median µs to sign one proof (ES256, with `ath`), per round. */
  readonly proofUs: number[];
  /** Tool calls per side per round. */
  readonly callsPerRound: number;
  /** Median ms of one `tools/call` in an open session, per round: DPoP-bound token + proof, and bearer. */
  readonly callMs: { readonly dpop: number[]; readonly bearer: number[] };
}

const agent: LoginUserAgent = async (url) => {
  await headlessUserAgent().authorize(url.href, { deliver: true });
};

/**
 * Benchmark `dpop`: (1) the cost of one DPoP proof (an ES256 key, a proof with `ath` as every MCP request sends);
 * (2) a `tools/call` through `McpOAuthClient` against the testbed MCP server that verifies proofs, with a DPoP-bound
 * token and with a bearer token (`oauth.dpop = false`) from the same oidc-provider, sessions open, sides alternated.
 */
export async function runDpopCost(options: {
  rounds: number;
  quick: boolean;
  progress: (line: string) => void;
}): Promise<DpopCostResult> {
  const proofsPerRound = options.quick ? 200 : 2000;
  const callsPerRound = options.quick ? 10 : 50;
  const prover = createDpopProver(await generateDpopKey('ES256'));
  const proofUs: number[] = [];
  await prover.proof('POST', 'https://mcp.example/mcp', 'warm-up');
  for (let round = 0; round < options.rounds; round++) {
    const start = performance.now();
    for (let i = 0; i < proofsPerRound; i++)
      await prover.proof('POST', 'https://mcp.example/mcp', `token-${i}`);
    proofUs.push(((performance.now() - start) * 1000) / proofsPerRound);
  }
  options.progress(`dpop: ${median(proofUs).toFixed(0)} µs per proof`);

  const as = await startStandardAs({ dpop: {} });
  const mcp = await startMcpServer({ authServer: as, dpop: {} });
  const open = async (dpop: boolean): Promise<{ client: McpOAuthClient; session: McpSession }> => {
    const client = new McpOAuthClient({
      config: parseConfig(
        `[mcp_servers.bench]\nurl = "${mcp.url}"\n\n[mcp_servers.bench.oauth]\ndpop = ${dpop}\n`,
      ),
      store: new MemoryStore(),
    });
    await client.login('bench', { userAgent: agent });
    return { client, session: await client.connect('bench') };
  };
  const sides = { dpop: await open(true), bearer: await open(false) };
  try {
    const calls = async ({ session }: { session: McpSession }) => {
      const each: number[] = [];
      for (let i = 0; i < callsPerRound; i++) {
        const start = performance.now();
        await session.callTool({ name: 'echo', arguments: { text: 'x' } });
        each.push(performance.now() - start);
      }
      return median(each);
    };
    await calls(sides.dpop);
    await calls(sides.bearer);
    const callMs = await alternate(
      options.rounds,
      { dpop: () => calls(sides.dpop), bearer: () => calls(sides.bearer) },
      (round) => options.progress(`dpop: tool calls, round ${round + 1}/${options.rounds}`),
    );
    return { rounds: options.rounds, proofsPerRound, proofUs, callsPerRound, callMs };
  } finally {
    for (const side of Object.values(sides)) {
      await side.session.close();
      await side.client.close();
    }
    await mcp.close();
    await as.close();
  }
}
