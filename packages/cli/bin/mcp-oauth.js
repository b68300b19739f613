#!/usr/bin/env node
// The `mcp-oauth` command: runs the compiled CLI in dist/ (build it with `pnpm build`). This small file is committed
// so that pnpm can link the bin at install time, before dist/ exists.
try {
  await import('../dist/bin.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/bin.js')) {
    process.stderr.write('mcp-oauth: the CLI is not built yet; run `pnpm build` first\n');
    process.exitCode = 1;
  } else {
    throw error;
  }
}
