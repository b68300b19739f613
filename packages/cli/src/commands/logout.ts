import { getServer } from '@mcp-oauth/config';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { withClient } from '../open-client.js';

/** `mcp-oauth logout NAME [--revoke]`. */
export const logoutCommand: Command = {
  name: 'logout',
  summary: "Remove a server's stored credentials, optionally revoking them",
  usage: ['logout NAME [--revoke]'],
  description: [
    'Removes the credentials of server NAME from the credential store. With --revoke it first asks the authorization',
    'server to revoke them (RFC 7009: the refresh token, which ends the whole grant at most servers, else the access',
    'token). The local credentials are removed either way; a refused or failed revocation exits with 5. When the',
    'authorization server asked to wait (rate_limited, exit 5: a 429 now, or a deadline in rate-limits.json), nothing',
    'is removed, so the revocation can be retried after the time it names; logout NAME without --revoke removes them.',
  ].join('\n'),
  positionals: ['NAME'],
  options: {
    revoke: {
      type: 'boolean',
      description: 'Revoke the tokens at the authorization server first (RFC 7009)',
    },
  },
  examples: [
    { command: 'logout gmail', comment: 'forget the credentials of gmail on this machine' },
    { command: 'logout linear --revoke', comment: 'also end the grant at the authorization server' },
  ],
  async run(input, context) {
    const name = input.positionals[0] as string;
    const revoke = input.values.revoke === true;
    return withClient(context, async ({ client, config }) => {
      getServer(config, name);
      const result = await client.logout(name, { revoke });
      const { stdout } = context.io;
      if (!result.removed) {
        stdout.write(`No credentials stored for ${name}: nothing to do.\n`);
        return EXIT.ok;
      }
      stdout.write(`Logged out of ${name}: credentials removed.\n`);
      if (result.revoked === 'yes') stdout.write('The authorization server revoked the tokens.\n');
      if (result.revoked === 'unsupported')
        context.warn(
          'the authorization server has no revocation endpoint: the tokens stay valid until they expire',
        );
      if (result.revoked === 'failed') {
        throw new CliError(
          'server_error',
          'the authorization server did not confirm the revocation (the local credentials are removed)',
          { hint: 'Run with --debug for details.' },
        );
      }
      return EXIT.ok;
    });
  },
};
