#!/usr/bin/env node
import { processIo } from './io.js';
import { runCli } from './run-cli.js';

const code = await runCli(process.argv.slice(2), processIo());
// A finished command exits now: a handle left behind (stdin after a paste prompt, a Redis client's connection
// timer) must not keep it alive. Output is flushed first.
const flush = (stream: NodeJS.WriteStream) =>
  new Promise<void>((resolve) => stream.write('', () => resolve()));
await Promise.all([flush(process.stdout), flush(process.stderr)]);
process.exit(code);
