import { type ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';

/**
 * A TCP listener on 127.0.0.1 whose accept queue is full, so a new connection never completes: a child process
 * listens with backlog 1 and then blocks its event loop; filler connections fill the kernel's accept queue, after
 * which the kernel drops further SYNs. This is how a connect timeout is produced without leaving 127.0.0.1.
 */
export interface UnacceptingListener {
  readonly origin: string;
  close(): Promise<void>;
}

const CHILD = `
const net = require('node:net');
const server = net.createServer();
server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
  process.stdout.write(server.address().port + '\\n');
  setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0), 50);
});
`;

export async function startUnacceptingListener(): Promise<UnacceptingListener> {
  const child: ChildProcess = spawn(process.execPath, ['-e', CHILD], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.once('data', (data: Buffer) => resolve(Number(String(data).trim())));
  });
  await new Promise((resolve) => setTimeout(resolve, 150));
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 6; i++) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    fillers.push(socket);
  }
  await new Promise((resolve) => setTimeout(resolve, 150));
  return {
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of fillers) socket.destroy();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
