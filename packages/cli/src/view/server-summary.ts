import { redactUri, type ServerConfig } from '@mcp-oauth/config';

/** One server in `list --json`. Every field is always present (null when it does not apply). */
export interface ServerSummaryJson {
  readonly name: string;
  readonly transport: 'stdio' | 'streamable_http';
  readonly enabled: boolean;
  readonly required: boolean;
  readonly url: string | null;
  readonly command: string | null;
  readonly args: readonly string[];
  /** `oauth` (the default for streamable HTTP), `bearer_token_env_var`, or `none` (stdio). */
  readonly auth: 'oauth' | 'bearer_token_env_var' | 'none';
  readonly bearer_token_env_var: string | null;
  /** The configured provider profile, or null when it will be detected from the issuer (or for stdio). */
  readonly provider: string | null;
}

export function serverSummary(server: ServerConfig): ServerSummaryJson {
  if (server.transport === 'stdio') {
    return {
      name: server.name,
      transport: server.transport,
      enabled: server.enabled,
      required: server.required,
      url: null,
      command: server.command,
      args: server.args,
      auth: 'none',
      bearer_token_env_var: null,
      provider: null,
    };
  }
  return {
    name: server.name,
    transport: server.transport,
    enabled: server.enabled,
    required: server.required,
    url: redactUri(server.url),
    command: null,
    args: [],
    auth: server.bearerTokenEnvVar === undefined ? 'oauth' : 'bearer_token_env_var',
    bearer_token_env_var: server.bearerTokenEnvVar ?? null,
    provider: server.oauth.provider ?? null,
  };
}
