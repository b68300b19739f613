import type { World } from '@mcp-oauth/testbed';

/** Names of the demo's servers: one per step, so each keeps its own credentials. */
export const DEMO_SERVERS = {
  bWithoutResource: 'b_without_resource',
  bDefault: 'b_default',
  aGeneric: 'a_generic',
  aGoogle: 'a_google',
} as const;

/** Environment variable the Google-like client secret is read from (never written to the config). */
export const DEMO_SECRET_VAR = 'DEMO_GOOGLE_CLIENT_SECRET';

/**
 * The demo's config.toml: the file store in the throwaway home, the strict MCP server twice (resource off, then
 * the default policy), the Gmail-like server twice (provider generic, then google), with the Google-like AS's
 * pre-registered Desktop client.
 */
export function demoConfig(
  world: Pick<World, 'strictMcp' | 'googleMcp'>,
  google: { clientId: string; scope: string },
): string {
  const gmail = (name: string, provider: string) => `
[mcp_servers.${name}]
url = "${world.googleMcp.url}"
scopes = ["${google.scope}"]

[mcp_servers.${name}.oauth]
client_id = "${google.clientId}"
client_secret_env_var = "${DEMO_SECRET_VAR}"
provider = "${provider}"
`;
  return `mcp_oauth_credentials_store = "file"

[mcp_servers.${DEMO_SERVERS.bWithoutResource}]
url = "${world.strictMcp.url}"

[mcp_servers.${DEMO_SERVERS.bWithoutResource}.oauth]
resource = false

[mcp_servers.${DEMO_SERVERS.bDefault}]
url = "${world.strictMcp.url}"
${gmail(DEMO_SERVERS.aGeneric, 'generic')}${gmail(DEMO_SERVERS.aGoogle, 'google')}`;
}
