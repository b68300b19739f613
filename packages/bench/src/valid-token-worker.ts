// One process of benchmark `valid-token`'s four-process runs. Started by valid-token.ts with a JSON command; talks
// over lines: prints `ready` once loaded, then on stdin `connect` connects and prints `connected`; each `calls N`
// makes N calls at once and prints `{"outcome": …, "ops": …, "cpuUs": …}` (this process's CPU time for them, µs);
// `exit` closes and exits.
import { createInterface } from 'node:readline';
import { storm } from './storm-calls.js';
import { connectSide, type ValidTokenClient, type ValidTokenSide } from './valid-token-clients.js';

export interface ValidTokenWorkerCommand {
  readonly side: ValidTokenSide;
  readonly mcpUrl: string;
  /** The mcp-oauth home holding the shared file store. */
  readonly home: string;
}

// As in the parent: no MaxListenersExceededWarning printed per request of the static side (valid-token.ts).
process.removeAllListeners('warning');
const command = JSON.parse(process.argv[2] as string) as ValidTokenWorkerCommand;
let client: ValidTokenClient | undefined;
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) {
  if (line === 'connect') {
    client = await connectSide(command.side, command.mcpUrl, command.home);
    process.stdout.write('connected\n');
  } else if (line.startsWith('calls ')) {
    const c = client as ValidTokenClient;
    if (c.store) c.store.ops = { get: 0, version: 0 };
    const cpu = process.cpuUsage();
    const outcome = await storm(Number(line.slice('calls '.length)), () => c.call());
    const { user, system } = process.cpuUsage(cpu);
    process.stdout.write(`${JSON.stringify({ outcome, ops: c.store?.ops ?? null, cpuUs: user + system })}\n`);
  } else if (line === 'exit') {
    await client?.close().catch(() => {});
    lines.close();
  }
}
process.exit(0);
