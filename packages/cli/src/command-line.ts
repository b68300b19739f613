import { GLOBAL_VALUE_OPTIONS } from './global-options.js';

/**
 * Every command's name, and `help`: what the command line's first word may be. `registry.ts` holds the commands
 * themselves (a test checks that the two agree); this list is for code that must not load them, such as the
 * launcher choosing a compile cache (`launch.ts`).
 */
export const COMMAND_NAMES: readonly string[] = Object.freeze([
  'demo',
  'add',
  'remove',
  'list',
  'get',
  'login',
  'logout',
  'status',
  'tools',
  'call',
  'help',
]);

/** Index of the command name: the first token that is not a global option or its value; -1 when there is none. */
export function commandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--') return -1;
    if (!token.startsWith('-')) return i;
    if (GLOBAL_VALUE_OPTIONS.has(token)) i++;
  }
  return -1;
}
