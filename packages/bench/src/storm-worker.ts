// One process of the 4-process refresh storm. Started by refresh-storm.ts with a JSON command; talks over lines:
// prints `ready` once loaded, then on stdin `connect` connects and prints `connected`, on `storm` makes its calls
// at once and prints `{"outcome": …}`, then exits.
import { createInterface } from 'node:readline';
import { SdkProvider } from './sdk-provider.js';
import { storm } from './storm-calls.js';
import { connectOurs, connectSdk, type StormClient } from './storm-clients.js';

export interface StormWorkerCommand {
  readonly side: 'ours' | 'sdk';
  readonly mcpUrl: string;
  /** ours: the mcp-oauth home (file store); sdk: the provider's state file. */
  readonly path: string;
  readonly redirectUrl: string;
  readonly calls: number;
}

const command = JSON.parse(process.argv[2] as string) as StormWorkerCommand;
let client: StormClient | undefined;
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) {
  if (line === 'connect') {
    client =
      command.side === 'ours'
        ? await connectOurs(command.mcpUrl, command.path)
        : await connectSdk(command.mcpUrl, new SdkProvider(command.redirectUrl, { file: command.path }));
    process.stdout.write('connected\n');
  } else if (line === 'storm') {
    const c = client as StormClient;
    const outcome = await storm(command.calls, () => c.call());
    process.stdout.write(`${JSON.stringify({ outcome })}\n`);
    await c.close().catch(() => {});
    lines.close();
  }
}
process.exit(0);
