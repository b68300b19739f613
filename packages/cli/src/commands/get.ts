import { resolveServer } from '@mcp-oauth/config';
import { loadCliConfig } from '../cli-config.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { writeJson } from '../view/json.js';
import { renderDetails } from '../view/render-details.js';
import { serverDetails } from '../view/server-details.js';

/** `mcp-oauth get NAME [--json] [--issuer URL]`. */
export const getCommand: Command = {
  name: 'get',
  summary: "Show a server's effective settings and where each comes from",
  usage: ['get NAME [--json] [--issuer URL]'],
  description:
    'Shows the effective settings of one server: every OAuth value with its source (the config key, the provider\nprofile and why it was chosen, or the default). Secrets never appear: header and env values are hidden and client\nsecrets are only named by their environment variable. No network access: the provider profile is the configured\none, or the one --issuer would select.',
  positionals: ['NAME'],
  options: {
    json: { type: 'boolean', description: 'Print a JSON document (schema in docs/cli.md)' },
    issuer: {
      type: 'string',
      valueName: 'URL',
      description: 'Resolve as if the authorization server had this issuer (shows profile detection)',
    },
  },
  examples: [
    { command: 'get gmail', comment: 'effective settings of server gmail' },
    {
      command: 'get gmail --issuer https://accounts.google.com --json',
      comment: 'as JSON, with the profile detected from Google’s issuer',
    },
  ],
  async run(input, context) {
    const name = input.positionals[0] as string;
    const { location, config } = await loadCliConfig(context);
    const issuer = input.values.issuer as string | undefined;
    const resolved = resolveServer(config, name, issuer === undefined ? {} : { issuer });
    const details = serverDetails(resolved, location.configPath, config.warnings);
    if (input.values.json === true) writeJson(context.io.stdout, details);
    else context.io.stdout.write(renderDetails(details, context.out));
    return EXIT.ok;
  },
};
