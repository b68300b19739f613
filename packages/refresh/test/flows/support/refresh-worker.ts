// One process of a fleet sharing a credential store: keeps one credential fresh with a Refresher (scheduled, and
// used every 25 ms as an agent would), until a `stop` line on stdin; then prints one summary line. It never prints
// a token.
import { createInterface } from 'node:readline';
import type { TokenEndpointMetadata } from '@mcp-oauth/authorize';
import { createRefreshGrant, Refresher } from '@mcp-oauth/refresh';
import type { CredentialKey } from '@mcp-oauth/token-store';
import { flowHttp } from './flow.js';
import { openStore, type StoreSpec } from './store-spec.js';

export interface WorkerCommand {
  readonly store: StoreSpec;
  readonly key: CredentialKey;
  readonly as: TokenEndpointMetadata;
}

/** What a worker reports when it stops. */
export interface WorkerSummary {
  /** Refreshes this worker made (token requests that succeeded). */
  readonly refreshed: number;
  /** Refreshes done by another worker that this one adopted under the lock. */
  readonly adopted: number;
  readonly failed: number;
  readonly needsLogin: number;
  readonly uses: number;
  /** Codes of errors `getValidToken` threw. */
  readonly useErrors: readonly string[];
}

const command = JSON.parse(process.argv[2] ?? '{}') as WorkerCommand;
const store = await openStore(command.store);
const http = flowHttp();
const refresher = new Refresher({
  store,
  grant: createRefreshGrant({ http, authorizationServer: command.as }),
});
const summary = { refreshed: 0, adopted: 0, failed: 0, needsLogin: 0, uses: 0, useErrors: [] as string[] };
refresher.on((e) => {
  if (e.type === 'refreshed') summary[e.adopted ? 'adopted' : 'refreshed'] += 1;
  else if (e.type === 'failed') summary.failed += 1;
  else summary.needsLogin += 1;
});

let stopping = false;
createInterface({ input: process.stdin }).once('line', () => {
  stopping = true;
});
await refresher.schedule(command.key);
console.log('ready');
while (!stopping) {
  try {
    await refresher.getValidToken(command.key);
    summary.uses += 1;
  } catch (error) {
    summary.useErrors.push(String((error as { code?: unknown }).code ?? 'unknown'));
  }
  await new Promise((r) => setTimeout(r, 25));
}
refresher.close();
// A refresh the schedule started may still be in flight: let it finish and be counted.
while (refresher.state(command.key)?.refreshing) await new Promise((r) => setTimeout(r, 10));
console.log(JSON.stringify({ summary }));
await http.close();
await store.close();
// @keyv/redis's connection timer keeps a process alive after disconnect.
process.exit(0);
