#!/usr/bin/env node
// The `mcp-oauth` command: the launcher (dist/launch.js) loads the built CLI, dist/mcp-oauth.cjs (one bundled file,
// through V8's compile cache; see docs/architecture.md), and runs it. Build both with `pnpm build`. This small file
// is committed so that pnpm can link the bin at install time, before dist/ exists.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/mcp-oauth.cjs', import.meta.url);
if (!existsSync(bundle) || !existsSync(new URL('../dist/launch.js', import.meta.url))) {
  process.stderr.write('mcp-oauth: the CLI is not built yet; run `pnpm build` first\n');
  process.exit(1);
}
const { launch } = await import('../dist/launch.js');
await launch(bundle);
