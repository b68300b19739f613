import type { Command } from './command.js';
import { addCommand } from './commands/add.js';
import { getCommand } from './commands/get.js';
import { listCommand } from './commands/list.js';
import { removeCommand } from './commands/remove.js';

/** Every command, in the order `--help` lists them. A new command is one file in `commands/` plus one line here. */
export const COMMANDS: readonly Command[] = Object.freeze([
  addCommand,
  removeCommand,
  listCommand,
  getCommand,
]);
