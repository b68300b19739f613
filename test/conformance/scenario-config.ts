// Maps one conformance-suite client scenario onto this project's configuration: the TOML a user would write for
// the suite's MCP server, and the environment it reads secrets from. Pure: no I/O.

/**
 * The Client ID Metadata Document URL the suite's authorization servers expect as `client_id` when they advertise
 * `client_id_metadata_document_supported` (scenario auth/basic-cimd). It does not resolve; the suite's AS accepts
 * it as is, as a real AS would after fetching it.
 */
export const CONFORMANCE_CIMD_URL = 'https://conformance-test.local/client-metadata.json';

/** The environment variable `client_secret_env_var` names when the scenario pre-registers a confidential client. */
export const CONFORMANCE_SECRET_VAR = 'MCP_CONFORMANCE_CLIENT_SECRET';

/** The environment variable `private_key_env_var` names for the client-credentials `private_key_jwt` scenario. */
export const CONFORMANCE_KEY_VAR = 'MCP_CONFORMANCE_PRIVATE_KEY';

/**
 * Scenarios of the `oauth-client-credentials` extension: the client is a machine client (`grant =
 * "client_credentials"`) whose credentials the context names (a secret, or a PEM key and its algorithm).
 */
export const CLIENT_CREDENTIALS_SCENARIO = /^auth\/client-credentials-/;

/** The server's name in the generated config. */
export const CONFORMANCE_SERVER = 'conformance';

/** The environment variable the workload-identity scenario's JWT is read from (`token_env_var`). */
export const CONFORMANCE_WORKLOAD_TOKEN_VAR = 'MCP_CONFORMANCE_WORKLOAD_JWT';

/** `MCP_CONFORMANCE_CONTEXT`: scenario data such as pre-registered client credentials. */
export interface ConformanceContext {
  readonly name?: string;
  readonly client_id?: string;
  readonly client_secret?: string;
  /** `auth/client-credentials-jwt`: the client's private key (PKCS#8 PEM) and its JWS algorithm. */
  readonly private_key_pem?: string;
  /** auth/enterprise-managed-authorization: the IdP, its client id, and an ID token it issued for that client. */
  readonly idp_issuer?: string;
  readonly idp_client_id?: string;
  readonly idp_id_token?: string;
  /** auth/wif-jwt-bearer: a workload JWT for the suite's AS. */
  readonly valid_jwt?: string;
  readonly signing_algorithm?: string;
  readonly [key: string]: unknown;
}

export interface ScenarioConfig {
  /** Config text for `parseConfig`. */
  readonly toml: string;
  /** Environment the client reads `client_secret_env_var` from. */
  readonly env: Readonly<Record<string, string>>;
}

/** Parses `MCP_CONFORMANCE_CONTEXT` (absent for most scenarios). */
export function parseContext(text: string | undefined): ConformanceContext {
  if (text === undefined || text === '') return {};
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('MCP_CONFORMANCE_CONTEXT is not a JSON object');
  }
  return value as ConformanceContext;
}

/** A TOML basic string: JSON's escapes are a subset of TOML's for the characters JSON.stringify emits. */
const tomlString = (value: string) => JSON.stringify(value);

/**
 * The config for the suite's server at `serverUrl`: registration `auto` (pre-registered when the context names a
 * client, else CIMD when the AS supports it, else Dynamic Client Registration), resource policy `auto` (the
 * protected-resource metadata's `resource`, verbatim), scopes from the challenge or metadata. Nothing is relaxed:
 * no escape hatch (`allow_issuer_mismatch`, `allow_missing_pkce_metadata`) is ever set.
 */
export function scenarioConfig(
  serverUrl: string,
  context: ConformanceContext,
  scenario = '',
): ScenarioConfig {
  if (CLIENT_CREDENTIALS_SCENARIO.test(scenario)) return clientCredentialsConfig(serverUrl, context);
  if (typeof context.idp_id_token === 'string') return enterpriseConfig(serverUrl, context);
  if (typeof context.valid_jwt === 'string') return workloadConfig(serverUrl, context);
  const lines = [
    `[mcp_servers.${CONFORMANCE_SERVER}]`,
    `url = ${tomlString(serverUrl)}`,
    '',
    `[mcp_servers.${CONFORMANCE_SERVER}.oauth]`,
    'registration = "auto"',
    'resource = "auto"',
    `client_metadata_url = ${tomlString(CONFORMANCE_CIMD_URL)}`,
  ];
  const env: Record<string, string> = {};
  if (typeof context.client_id === 'string') {
    lines.push(`client_id = ${tomlString(context.client_id)}`);
    if (typeof context.client_secret === 'string') {
      lines.push(`client_secret_env_var = ${tomlString(CONFORMANCE_SECRET_VAR)}`);
      env[CONFORMANCE_SECRET_VAR] = context.client_secret;
    }
  }
  return { toml: `${lines.join('\n')}\n`, env };
}

/**
 * A machine client as a user would configure it: `grant = "client_credentials"`, the context's `client_id`, and its
 * secret (`client_secret_env_var`) or private key (`private_key_env_var`, with `client_assertion_alg` when the
 * context names the algorithm); resource policy `auto`, scopes from the challenge or metadata.
 */
function clientCredentialsConfig(serverUrl: string, context: ConformanceContext): ScenarioConfig {
  const lines = [
    `[mcp_servers.${CONFORMANCE_SERVER}]`,
    `url = ${tomlString(serverUrl)}`,
    '',
    `[mcp_servers.${CONFORMANCE_SERVER}.oauth]`,
    'grant = "client_credentials"',
    'resource = "auto"',
  ];
  const env: Record<string, string> = {};
  if (typeof context.client_id === 'string') lines.push(`client_id = ${tomlString(context.client_id)}`);
  if (typeof context.private_key_pem === 'string') {
    lines.push(`private_key_env_var = ${tomlString(CONFORMANCE_KEY_VAR)}`);
    env[CONFORMANCE_KEY_VAR] = context.private_key_pem;
    if (typeof context.signing_algorithm === 'string') {
      lines.push(`client_assertion_alg = ${tomlString(context.signing_algorithm)}`);
    }
  } else if (typeof context.client_secret === 'string') {
    lines.push(`client_secret_env_var = ${tomlString(CONFORMANCE_SECRET_VAR)}`);
    env[CONFORMANCE_SECRET_VAR] = context.client_secret;
  }
  return { toml: `${lines.join('\n')}\n`, env };
}

/**
 * auth/enterprise-managed-authorization: Codex's keys (`[features] use_xaa`, `[mcp_enterprise_managed_auth.idp]`,
 * `auth = "ema_auth"`) with the client pre-registered at the server's AS (id and secret from the context). The
 * user's IdP sign-in is the context's ID token, stored by the entry before connecting ({@link idpSignIn}).
 */
function enterpriseConfig(serverUrl: string, context: ConformanceContext): ScenarioConfig {
  const lines = [
    '[features]',
    'use_xaa = true',
    '',
    '[mcp_enterprise_managed_auth.idp]',
    `issuer = ${tomlString(String(context.idp_issuer))}`,
    `client_id = ${tomlString(String(context.idp_client_id))}`,
    '',
    `[mcp_servers.${CONFORMANCE_SERVER}]`,
    `url = ${tomlString(serverUrl)}`,
    'auth = "ema_auth"',
    '',
    `[mcp_servers.${CONFORMANCE_SERVER}.oauth]`,
    'resource = "auto"',
  ];
  const env: Record<string, string> = {};
  if (typeof context.client_id === 'string') lines.push(`client_id = ${tomlString(context.client_id)}`);
  if (typeof context.client_secret === 'string') {
    lines.push(`client_secret_env_var = ${tomlString(CONFORMANCE_SECRET_VAR)}`);
    env[CONFORMANCE_SECRET_VAR] = context.client_secret;
  }
  return { toml: `${lines.join('\n')}\n`, env };
}

/** auth/wif-jwt-bearer: `grant = "workload_identity"` with the context's JWT in an environment variable. */
function workloadConfig(serverUrl: string, context: ConformanceContext): ScenarioConfig {
  const lines = [
    `[mcp_servers.${CONFORMANCE_SERVER}]`,
    `url = ${tomlString(serverUrl)}`,
    '',
    `[mcp_servers.${CONFORMANCE_SERVER}.oauth]`,
    'grant = "workload_identity"',
    'resource = "auto"',
    `client_id = ${tomlString(String(context.client_id))}`,
    `workload_identity = { token_env_var = ${tomlString(CONFORMANCE_WORKLOAD_TOKEN_VAR)} }`,
  ];
  return {
    toml: `${lines.join('\n')}\n`,
    env: { [CONFORMANCE_WORKLOAD_TOKEN_VAR]: String(context.valid_jwt) },
  };
}

/**
 * The stored IdP sign-in the enterprise scenario starts from: the ID token the suite's IdP issued (the scenario has
 * no browser sign-in; a user would have run `mcp-oauth login --idp`). No IdP access or refresh token is given, so
 * the record holds a placeholder access token that is never sent anywhere; its expiry is the ID token's.
 */
export function idpSignIn(context: ConformanceContext, now: number) {
  const issuer = context.idp_issuer;
  const idToken = context.idp_id_token;
  if (typeof issuer !== 'string' || typeof idToken !== 'string' || typeof context.idp_client_id !== 'string')
    return undefined;
  const payload = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    exp?: number;
  };
  return {
    key: { serverName: '@idp', serverUrl: issuer, issuer },
    record: {
      version: 1 as const,
      server_name: '@idp',
      server_url: issuer,
      issuer,
      resource: null,
      access_token: 'conformance-idp-sign-in',
      token_type: 'Bearer',
      expires_at: typeof payload.exp === 'number' ? payload.exp * 1000 : null,
      refresh_token: null,
      scopes: ['openid'],
      client: {
        client_id: context.idp_client_id,
        registration: 'pre_registered' as const,
        client_secret: null,
        client_secret_expires_at: null,
      },
      reacquire: null,
      needs_login: null,
      updated_at: now,
      // DPoP for enterprise and workload grants is not wired yet: bearer tokens.
      dpop: null,
      id_token: idToken,
    },
  };
}

/** A tool call the scenario asks for in its context (`toolCalls`), with the arguments to send. */
export interface PlannedToolCall {
  readonly name: string;
  readonly arguments: Record<string, unknown>;
}

/**
 * The tool calls a scenario's context asks for (`toolCalls: [{ name, arguments }]`, as http-custom-headers sends to
 * check how argument values are mirrored into `Mcp-Param-*` headers), or undefined when it names none.
 */
export function plannedToolCalls(context: ConformanceContext): PlannedToolCall[] | undefined {
  const calls = context.toolCalls;
  if (!Array.isArray(calls)) return undefined;
  return calls.flatMap((call: unknown) => {
    const c = call as { name?: unknown; arguments?: unknown };
    if (typeof c?.name !== 'string') return [];
    const args = c.arguments;
    const valid = args !== null && typeof args === 'object' && !Array.isArray(args);
    return [{ name: c.name, arguments: valid ? (args as Record<string, unknown>) : {} }];
  });
}

/** Arguments for tools whose mock needs them; any other tool is called with `{}`. */
const TOOL_ARGUMENTS: Readonly<Record<string, Record<string, unknown>>> = { add_numbers: { a: 2, b: 3 } };

/** Scenarios whose server serves `tools/list` only (calling a tool there is an error by design). */
const LIST_ONLY = new Set(['json-schema-ref-no-deref']);

/** A tool as `tools/list` returned it. */
export interface ListedTool {
  readonly name: string;
  readonly inputSchema?: unknown;
}

/**
 * The tool calls a scenario expects, from its name and the tools its server lists:
 * - `json-schema-2020-12-preservation`: `json_schema_echo` with the `inputSchema` this client observed for
 *   `json_schema_2020_12_tool`, passed back as it was listed (the suite checks what survived);
 * - `sep-2322-client-request-state`: every listed tool in order (each checks one rule of the `input_required`
 *   round trip, `test_mrtr_unrelated` that no state leaks into another call);
 * - `json-schema-ref-no-deref`: none (the server serves `tools/list` only);
 * - any other: the suite's auth test tool (`test-tool`), else the first tool listed.
 */
export function scenarioToolCalls(scenario: string, tools: readonly ListedTool[]): PlannedToolCall[] {
  if (LIST_ONLY.has(scenario)) return [];
  if (scenario === 'json-schema-2020-12-preservation') {
    const focal = tools.find((t) => t.name === 'json_schema_2020_12_tool');
    return [{ name: 'json_schema_echo', arguments: { schema: focal?.inputSchema ?? {} } }];
  }
  if (scenario === 'sep-2322-client-request-state') {
    return tools.map((t) => ({ name: t.name, arguments: TOOL_ARGUMENTS[t.name] ?? {} }));
  }
  const picked = (tools.find((t) => t.name === 'test-tool') ?? tools[0])?.name;
  return picked === undefined ? [] : [{ name: picked, arguments: TOOL_ARGUMENTS[picked] ?? {} }];
}
