#!/usr/bin/env node
// `pnpm testbed`: starts the standard local OAuth world and runs until Ctrl-C.
import { parseArgs } from 'node:util';
import { DEFAULT_GOOGLE_CLIENT, GMAIL_READONLY_SCOPE } from './google-like-as.js';
import { startWorld } from './world.js';

const USAGE = `Usage: pnpm testbed [--access-token-ttl SECONDS] [--json]

Starts a local OAuth world on 127.0.0.1 and runs until Ctrl-C:
  - a standard authorization server (oidc-provider: PKCE, dynamic registration, RFC 8707, refresh rotation)
  - a strict MCP server that only accepts tokens whose audience is its own URL
  - the same at protocol revision 2026-07-28, with elicitation tools (elicit_form, elicit_url)
  - a Google-like authorization server (pre-registered client with secret; refresh token only with
    access_type=offline)
  - an MCP server that accepts any live Google-like token with the Gmail read-only scope

Options:
  --access-token-ttl SECONDS  access-token lifetime of both authorization servers (default 3600)
  --json                      print the URLs as one JSON object instead of the human-readable text
  -h, --help                  this help

Example:
  pnpm testbed --access-token-ttl 60
`;

const { values } = parseArgs({
  options: {
    'access-token-ttl': { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const ttlText = values['access-token-ttl'];
const ttl = ttlText === undefined ? undefined : Number(ttlText);
if (ttl !== undefined && !(Number.isInteger(ttl) && ttl > 0)) {
  process.stderr.write(
    `testbed: --access-token-ttl must be a positive whole number of seconds, got ${JSON.stringify(ttlText)}\n`,
  );
  process.exit(2);
}

const world = await startWorld(ttl ? { accessTokenTtl: ttl } : {});
const secretVar = 'TESTBED_GOOGLE_CLIENT_SECRET';
const urls = {
  standardAs: world.standardAs.issuer,
  strictMcp: world.strictMcp.url,
  modernMcp: world.modernMcp.url,
  googleAs: world.googleAs.issuer,
  googleMcp: world.googleMcp.url,
};

if (values.json) {
  process.stdout.write(
    `${JSON.stringify({ ...urls, googleClientId: DEFAULT_GOOGLE_CLIENT.client_id, googleClientSecretEnvVar: secretVar })}\n`,
  );
} else {
  process.stdout.write(`mcp-oauth testbed is running on 127.0.0.1

  standard AS (oidc-provider)   ${urls.standardAs}
  strict MCP server             ${urls.strictMcp}
  2026-07-28 MCP server         ${urls.modernMcp}   (tools elicit_form, elicit_url: mcp-oauth call testbed-2026 elicit_form)
  Google-like AS                ${urls.googleAs}
  Google-backed MCP server      ${urls.googleMcp}

The Google-like AS has one pre-registered Desktop client. Its secret is the fixed test value
"${DEFAULT_GOOGLE_CLIENT.client_secret}" (not a real secret):
  export ${secretVar}=${DEFAULT_GOOGLE_CLIENT.client_secret}

# config for mcp-oauth ($MCP_OAUTH_HOME/config.toml, default ~/.mcp-oauth/config.toml)
[mcp_servers.testbed]
url = "${urls.strictMcp}"

[mcp_servers.testbed-2026]
url = "${urls.modernMcp}"

[mcp_servers.testbed-google]
url = "${urls.googleMcp}"
scopes = ["${GMAIL_READONLY_SCOPE}"]

[mcp_servers.testbed-google.oauth]
client_id = "${DEFAULT_GOOGLE_CLIENT.client_id}"
client_secret_env_var = "${secretVar}"
provider = "google"

# config for Codex (~/.codex/config.toml): Codex sends resource, but cannot add access_type=offline
# nor send a client secret, so only the first server works there (see docs/upstream/).
[mcp_servers.testbed]
url = "${urls.strictMcp}"

Press Ctrl-C to stop.
`);
}

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await world.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
