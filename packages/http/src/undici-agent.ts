import type { Agent, buildConnector } from 'undici';

/** What this package uses of undici at run time: its `Agent` and the connector it is given. */
export interface UndiciAgentParts {
  readonly Agent: typeof Agent;
  readonly buildConnector: typeof buildConnector;
}

let loading: Promise<UndiciAgentParts> | undefined;

/**
 * Loads undici's `Agent` and `buildConnector` for MCP traffic (once per process, on first use). Their own modules
 * are loaded, not undici's `index.js`, which also loads its fetch, cache, mock, proxy and WebSocket code and adds
 * the `request`/`stream` API to every dispatcher: about 70 ms at every start of a process against some 25 ms for
 * the agent alone (docs/benchmarks.md, benchmark 2). A tool call with a stored token needs only the agent, because
 * MCP traffic goes through Node's own `fetch` with this agent as its dispatcher (`pooled-fetch.ts`), which only
 * calls `dispatch`. OAuth traffic (`own-agent.ts`) uses `request` and loads the whole package; the modules loaded
 * here are then the same ones, not a second copy. undici 7 has no `exports` map, so these paths resolve; if a later undici moves
 * them, the whole package is loaded instead (`undici-agent.test.ts` fails in CI first).
 *
 * @see https://undici.nodejs.org/#/docs/api/Agent
 */
export function loadUndiciAgent(): Promise<UndiciAgentParts> {
  loading ??= Promise.all([import('undici/lib/dispatcher/agent.js'), import('undici/lib/core/connect.js')])
    .then(([agent, connect]) => ({ Agent: agent.default, buildConnector: connect.default }))
    .catch(() => import('undici').then(({ Agent, buildConnector }) => ({ Agent, buildConnector })));
  return loading;
}
