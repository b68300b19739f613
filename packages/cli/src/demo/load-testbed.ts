import { quoteArgForShell } from '@mcp-oauth/config';
import { CliError } from '../errors.js';
import type { Testbed } from './demo-context.js';

/** The package the demo runs on: not a dependency of the CLI (a devDependency in this repository). */
export const TESTBED_PACKAGE = '@mcp-oauth/testbed';

/** How a module is imported; injectable so that a test can make the testbed absent. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

const importModule: ModuleImporter = (specifier) => import(specifier);

/** `words` as one command line, each word quoted for the user's shell when it needs it. */
function commandLine(words: readonly string[]): string {
  return words.map((word) => quoteArgForShell(word)).join(' ');
}

/**
 * Loads `@mcp-oauth/testbed` for `mcp-oauth demo`, the only place a runtime package loads it (docs/architecture.md).
 * The CLI does not install it (oidc-provider and playwright-core are most of its size); without it the demo fails
 * with `demo_unavailable` (exit 3) naming the two ways to get it.
 */
export async function loadTestbed(importer: ModuleImporter = importModule): Promise<Testbed> {
  try {
    return (await importer(TESTBED_PACKAGE)) as Testbed;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    const once = commandLine([
      'npx',
      '--package=@mcp-oauth/cli',
      `--package=${TESTBED_PACKAGE}`,
      'mcp-oauth',
      'demo',
    ]);
    const install = commandLine(['npm', 'install', TESTBED_PACKAGE]);
    throw new CliError(
      'demo_unavailable',
      `the demo runs on ${TESTBED_PACKAGE} (a local OAuth world), which is not installed with the CLI`,
      {
        hint: `Run it once with \`${once}\`, or install it next to the CLI (\`${install}\`, with -g for a global CLI).`,
        cause: error,
      },
    );
  }
}
