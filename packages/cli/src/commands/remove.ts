import { removeServer } from '@mcp-oauth/config';
import { configLocation } from '../cli-config.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';

/** `mcp-oauth remove NAME`. */
export const removeCommand: Command = {
  name: 'remove',
  summary: 'Remove a server from the config',
  usage: ['remove NAME'],
  description:
    'Removes [mcp_servers.NAME] and its sub-tables (with the comments right above them) from the config file. Every\nother line is kept as it was; validated, written atomically and locked like add. Stored credentials are not\ntouched (see logout).',
  positionals: ['NAME'],
  options: {},
  examples: [{ command: 'remove gmail', comment: 'forget server gmail' }],
  async run(input, context) {
    const name = input.positionals[0] as string;
    const { configPath } = configLocation(context);
    await removeServer(configPath, name);
    context.io.stdout.write(`Removed server ${name} from ${configPath}.\n`);
    return EXIT.ok;
  },
};
