import type { Command } from './command.js';
import { addCommand } from './commands/add.js';
import { callCommand } from './commands/call.js';
import { demoCommand } from './commands/demo.js';
import { getCommand } from './commands/get.js';
import { listCommand } from './commands/list.js';
import { loginCommand } from './commands/login.js';
import { logoutCommand } from './commands/logout.js';
import { removeCommand } from './commands/remove.js';
import { statusCommand } from './commands/status.js';
import { toolsCommand } from './commands/tools.js';

/** Every command, in the order `--help` lists them. A new command is one file in `commands/` plus one line here. */
export const COMMANDS: readonly Command[] = Object.freeze([
  demoCommand,
  addCommand,
  removeCommand,
  listCommand,
  getCommand,
  loginCommand,
  logoutCommand,
  statusCommand,
  toolsCommand,
  callCommand,
]);
