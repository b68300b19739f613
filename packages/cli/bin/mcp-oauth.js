#!/usr/bin/env node
// The `mcp-oauth` command: runs the built CLI, dist/mcp-oauth.js (one bundled file, see docs/architecture.md; build
// it with `pnpm build`). This small file is committed so that pnpm can link the bin at install time, before dist/
// exists.
import { fileURLToPath } from 'node:url';

let cli;
try {
  cli = await import('../dist/mcp-oauth.js');
} catch (error) {
  // The bundle itself is missing (a package it imports that is missing is another error, rethrown).
  const missing = `Cannot find module '${fileURLToPath(new URL('../dist/mcp-oauth.js', import.meta.url))}'`;
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).startsWith(missing)) {
    process.stderr.write('mcp-oauth: the CLI is not built yet; run `pnpm build` first\n');
    process.exitCode = 1;
  } else {
    throw error;
  }
}
await cli?.main();
