// One process of several sharing a file credential store for a client-credentials server: waits for a `go` line on
// stdin, then asks its client for a valid token once, and prints one JSON line with a digest of the token it got
// (never the token) and how many renewals it made itself.
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import { createCredentialStore } from '@mcp-oauth/token-store';

export interface CcWorkerCommand {
  readonly home: string;
  readonly toml: string;
  readonly env: Readonly<Record<string, string>>;
}

const command = JSON.parse(process.argv[2] ?? '{}') as CcWorkerCommand;
const client = new McpOAuthClient({
  config: parseConfig(command.toml),
  store: createCredentialStore({ kind: 'file', home: command.home }),
  env: command.env,
});
let renewed = 0;
client.refresher.on((e) => {
  if (e.type === 'refreshed' && !e.adopted) renewed += 1;
});
console.log('ready');
const input = createInterface({ input: process.stdin });
await new Promise((resolve) => input.once('line', resolve));
input.close();
const found = await client.credential('svc');
if (!found) throw new Error('no stored credential');
const record = await client.refresher.getValidToken(found.key);
const digest = createHash('sha256').update(record.access_token).digest('hex').slice(0, 16);
console.log(JSON.stringify({ digest, renewed, refreshToken: record.refresh_token !== null }));
await client.close();
process.exit(0);
