// A published CLI does not install @mcp-oauth/testbed: `mcp-oauth demo` then says how to get it (exit 3), never a
// module-not-found stack. The outsider-install test (test/e2e/outsider-install.test.ts) runs the same with npm.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTestbed } from '../src/demo/load-testbed.js';
import { CliError, exitCodeFor } from '../src/errors.js';

const absent = async (specifier: string) => {
  throw Object.assign(new Error(`Cannot find package '${specifier}' imported from /x/mcp-oauth.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
};

test('without @mcp-oauth/testbed the demo fails with demo_unavailable and the commands to get it', async () => {
  await assert.rejects(loadTestbed(absent), (error: unknown) => {
    assert.ok(error instanceof CliError);
    assert.equal(error.code, 'demo_unavailable');
    assert.equal(exitCodeFor(error), 3);
    assert.match(error.message, /@mcp-oauth\/testbed/);
    assert.equal(
      error.hint,
      'Run it once with `npx --package=@mcp-oauth/cli --package=@mcp-oauth/testbed mcp-oauth demo`, or install it next to the CLI (`npm install @mcp-oauth/testbed`, with -g for a global CLI).',
    );
    return true;
  });
});

test('another failure while loading the testbed is not reported as a missing package', async () => {
  const broken = async () => {
    throw new SyntaxError('Unexpected token');
  };
  await assert.rejects(loadTestbed(broken), SyntaxError);
});

test('with the testbed installed (the workspace) the demo loads it', async () => {
  const testbed = await loadTestbed();
  assert.equal(typeof testbed.startWorld, 'function');
});
