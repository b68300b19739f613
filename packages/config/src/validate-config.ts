import type { z } from 'zod';
import { keysOf } from './config-keys.js';
import { deepFreeze } from './deep-freeze.js';
import { closestKey } from './did-you-mean.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { formatKey, formatKeyPath } from './key-path.js';
import type { KeyLocator } from './locate-keys.js';
import {
  RESERVED_AUTHORIZE_PARAMS,
  RESERVED_TOKEN_PARAMS,
  type ReservedParam,
  reservedParamMessage,
} from './reserved-params.js';
import type {
  ClientAssertionAlg,
  CredentialsStoreMode,
  DpopMode,
  EnterpriseIdpConfig,
  EnvVarRef,
  HttpServerConfig,
  McpOAuthConfig,
  OAuthConfig,
  OAuthGrant,
  ProviderId,
  RegistrationMode,
  ResourcePolicy,
  ServerCommon,
  ServerConfig,
  StdioServerConfig,
  ToolConfig,
  WorkloadIdentityConfig,
} from './types.js';
import { FEATURE_SCHEMAS, OAUTH_SCHEMAS, SERVER_SCHEMAS, TOP_SCHEMAS } from './value-schemas.js';

type Path = readonly (string | number)[];
type Table = Record<string, unknown>;

const SERVER_NAME = /^[A-Za-z0-9_-]+$/;
const TOP_KEYS = keysOf('top');
/** Top-level keys a near miss is checked against: the MCP ones (Codex's other keys stay silent). */
const MCP_TOP_KEYS = [...TOP_KEYS.keys()].filter((key) => key.startsWith('mcp_'));
const SERVER_KEYS = keysOf('server');
const OAUTH_KEYS = keysOf('oauth');
/** Keys worth suggesting for a typo (never a refused key). */
const suggestible = (keys: ReadonlyMap<string, { refused?: boolean }>) =>
  [...keys].filter(([, info]) => info.refused !== true).map(([key]) => key);

function isTable(value: unknown): value is Table {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a float';
  if (typeof value === 'boolean') return 'a boolean';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date';
  return 'a table';
}

function valueAt(value: unknown, subPath: readonly PropertyKey[]): unknown {
  let current = value;
  for (const segment of subPath) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

interface RawIssue {
  readonly path: Path;
  readonly message: string;
}

/** Collects every issue of a document, so all are reported at once. */
class Collector {
  readonly errors: RawIssue[] = [];
  readonly warnings: RawIssue[] = [];

  error(path: Path, message: string): void {
    this.errors.push({ path, message });
  }

  warn(path: Path, message: string): void {
    this.warnings.push({ path, message });
  }

  /** Validates one value with its schema; records the issues and returns whether it is valid. */
  check(schema: z.ZodType | undefined, value: unknown, path: Path): boolean {
    if (schema === undefined) throw new Error(`no schema for ${formatKeyPath(path)}`);
    const result = schema.safeParse(value);
    if (result.success) return true;
    for (const issue of result.error.issues) {
      const sub = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
      const found = issue.code === 'invalid_type' ? ` (found ${describe(valueAt(value, issue.path))})` : '';
      this.error([...path, ...sub], `${issue.message}${found}`);
    }
    return false;
  }
}

const stringRecord = (value: unknown): Readonly<Record<string, string>> =>
  Object.fromEntries(Object.entries(value as Table) as [string, string][]);

function checkReservedParams(
  params: unknown,
  reserved: Readonly<Record<string, ReservedParam>>,
  path: Path,
  serverName: string,
  out: Collector,
): void {
  if (!isTable(params)) return;
  for (const key of Object.keys(params)) {
    if (key === '') out.error([...path, key], 'parameter names must not be empty');
    // Compared without case, as the authorize step does: a `Resource` would otherwise pass here and fail at login.
    const name = key.toLowerCase();
    const rule = Object.hasOwn(reserved, name) ? reserved[name] : undefined;
    if (rule !== undefined)
      out.error([...path, key], reservedParamMessage(name, rule, formatKey(serverName)));
  }
}

function toResourcePolicy(value: unknown): ResourcePolicy {
  if (value === false) return { kind: 'off' };
  if (value === 'auto') return { kind: 'auto' };
  return { kind: 'uri', uri: value as string };
}

function checkOAuth(
  name: string,
  table: Table,
  oauthResource: string | undefined,
  auth: unknown,
  out: Collector,
): OAuthConfig {
  const base = ['mcp_servers', name, 'oauth'];
  const server = `mcp_servers.${formatKey(name)}`;
  let valid = true;
  for (const [key, value] of Object.entries(table)) {
    if (!OAUTH_KEYS.has(key)) {
      // Unknown keys in the oauth table are errors: a typo must never silently do nothing.
      const guess = closestKey(key, suggestible(OAUTH_KEYS));
      const hint =
        guess !== undefined
          ? `; did you mean ${JSON.stringify(guess)}?`
          : '; see docs/config.md for the oauth keys';
      out.error([...base, key], `unknown key in the oauth table${hint}`);
      valid = false;
    } else if (!out.check(OAUTH_SCHEMAS[key], value, [...base, key])) valid = false;
  }
  checkReservedParams(
    table.extra_authorize_params,
    RESERVED_AUTHORIZE_PARAMS,
    [...base, 'extra_authorize_params'],
    name,
    out,
  );
  checkReservedParams(
    table.extra_token_params,
    RESERVED_TOKEN_PARAMS,
    [...base, 'extra_token_params'],
    name,
    out,
  );
  if (oauthResource !== undefined && table.resource !== undefined && table.resource !== oauthResource) {
    out.error(
      [...base, 'resource'],
      `conflicts with ${server}.oauth_resource = ${JSON.stringify(oauthResource)} (Codex's spelling of the same setting); set only one`,
    );
  }
  if (table.registration === 'preregistered' && table.client_id === undefined) {
    out.error([...base, 'registration'], `"preregistered" needs ${server}.oauth.client_id`);
  }
  if (table.registration === 'cimd' && table.client_metadata_url === undefined) {
    out.error([...base, 'registration'], `"cimd" needs ${server}.oauth.client_metadata_url`);
  }
  if (table.client_secret !== undefined && table.client_secret_env_var !== undefined) {
    out.error(
      [...base, 'client_secret'],
      `set either ${server}.oauth.client_secret (inline) or ${server}.oauth.client_secret_env_var, not both`,
    );
  }
  if (table.client_secret !== undefined && table.client_id === undefined) {
    out.error(
      [...base, 'client_secret'],
      `needs ${server}.oauth.client_id: a client secret belongs to a pre-registered client`,
    );
  }
  // Codex 0.171 refuses these two outside enterprise-managed authorization, with the same words. A
  // client-credentials client (an mcp-oauth extension) also names its token_endpoint_auth_method: checkGrant.
  const machine = table.grant === 'client_credentials';
  for (const key of ['authorization_server_issuer', 'token_endpoint_auth_method']) {
    if (machine && key === 'token_endpoint_auth_method') continue;
    if (table[key] !== undefined && auth !== 'ema_auth') {
      out.error(
        [...base, key],
        `requires ${server}.auth = "ema_auth" (Codex refuses it otherwise): it belongs to enterprise-managed authorization; delete it or set auth = "ema_auth"`,
      );
    }
  }
  if (!machine && table.token_endpoint_auth_method !== undefined) {
    if (table.client_secret === undefined) {
      out.error(
        [...base, 'token_endpoint_auth_method'],
        `requires ${server}.oauth.client_secret (Codex refuses it otherwise)`,
      );
    } else if (table.token_endpoint_auth_method === 'private_key_jwt') {
      out.error(
        [...base, 'token_endpoint_auth_method'],
        `must be "client_secret_basic" or "client_secret_post" with auth = "ema_auth" (as Codex requires)`,
      );
    }
  }
  const urlPort = callbackUrlPort(table.callback_url);
  if (urlPort !== undefined && typeof table.callback_port === 'number' && table.callback_port !== urlPort) {
    out.error(
      [...base, 'callback_port'],
      `is ${table.callback_port} but ${server}.oauth.callback_url names port ${urlPort}: make them agree or delete one`,
    );
  }
  if (table.client_secret_env_var !== undefined && table.client_id === undefined) {
    out.error(
      [...base, 'client_secret_env_var'],
      `needs ${server}.oauth.client_id: a client secret belongs to a pre-registered client`,
    );
  }
  checkGrant(table, base, server, out);
  checkWorkloadGrant(table, base, server, out);
  if (!valid) return {};
  const resourceValue = table.resource ?? oauthResource;
  return {
    clientId: table.client_id as string | undefined,
    clientSecretEnvVar: table.client_secret_env_var as string | undefined,
    clientSecret: table.client_secret as string | undefined,
    callbackPort: table.callback_port as number | undefined,
    callbackUrl: table.callback_url as string | undefined,
    authorizationServerIssuer: table.authorization_server_issuer as string | undefined,
    registration: table.registration as RegistrationMode | undefined,
    grant: table.grant as OAuthGrant | undefined,
    clientMetadataUrl: table.client_metadata_url as string | undefined,
    provider: table.provider as ProviderId | undefined,
    resource: resourceValue === undefined ? undefined : toResourcePolicy(resourceValue),
    resourceKey:
      table.resource !== undefined
        ? 'oauth.resource'
        : oauthResource !== undefined
          ? 'oauth_resource'
          : undefined,
    extraAuthorizeParams:
      table.extra_authorize_params === undefined ? undefined : stringRecord(table.extra_authorize_params),
    extraTokenParams:
      table.extra_token_params === undefined ? undefined : stringRecord(table.extra_token_params),
    allowMissingPkceMetadata: table.allow_missing_pkce_metadata as boolean | undefined,
    allowIssuerMismatch: table.allow_issuer_mismatch as boolean | undefined,
    allowEndpointDowngrade: table.allow_endpoint_downgrade as boolean | undefined,
    workloadIdentity: workloadIdentityOf(table.workload_identity),
    privateKeyFile: table.private_key_file as string | undefined,
    privateKeyEnvVar: table.private_key_env_var as string | undefined,
    clientAssertionAlg: table.client_assertion_alg as ClientAssertionAlg | undefined,
    clientAssertionKid: table.client_assertion_kid as string | undefined,
    tokenEndpointAuthMethod: table.token_endpoint_auth_method as OAuthConfig['tokenEndpointAuthMethod'],
    dpop: table.dpop as DpopMode | undefined,
  };
}

/** `grant = "workload_identity"` needs its table with exactly one token source and a client id, and vice versa. */
function checkWorkloadGrant(table: Table, base: Path, server: string, out: Collector): void {
  const wif = table.workload_identity;
  if (table.grant === 'workload_identity') {
    if (!isTable(wif)) {
      out.error(
        [...base, 'grant'],
        `"workload_identity" needs ${server}.oauth.workload_identity = { token_file = "/path/to/token" } (or token_env_var, or token_command)`,
      );
    } else {
      const sources = ['token_file', 'token_env_var', 'token_command'].filter((k) => wif[k] !== undefined);
      if (sources.length !== 1) {
        out.error(
          [...base, 'workload_identity'],
          `set exactly one of token_file, token_env_var, token_command (found ${sources.length === 0 ? 'none' : sources.join(', ')})`,
        );
      }
    }
    if (table.client_id === undefined) {
      out.error(
        [...base, 'grant'],
        `"workload_identity" needs ${server}.oauth.client_id (this client's id at the AS)`,
      );
    }
  } else if (wif !== undefined) {
    out.error(
      [...base, 'workload_identity'],
      `is used only with ${server}.oauth.grant = "workload_identity"`,
    );
  }
}

function workloadIdentityOf(value: unknown): WorkloadIdentityConfig | undefined {
  if (!isTable(value)) return undefined;
  return dropUndefined({
    tokenFile: value.token_file as string | undefined,
    tokenEnvVar: value.token_env_var as string | undefined,
    tokenCommand: value.token_command as string[] | undefined,
    audience: value.audience as string | undefined,
    issuer: value.issuer as string | undefined,
  });
}

/**
 * Codex's rules for `auth = "ema_auth"` (`mcp_ema.rs`): never combined with another credential (a static bearer
 * token, custom headers, an inline client secret). A missing IdP or `use_xaa` is a warning here (the rest of the
 * file still loads, as Codex's would) and a named error when the server is used.
 */
function checkEmaServer(name: string, table: Table, doc: Table, out: Collector): void {
  if (table.auth !== 'ema_auth') return;
  const base = ['mcp_servers', name];
  for (const key of ['bearer_token_env_var', 'http_headers', 'env_http_headers']) {
    if (table[key] !== undefined)
      out.error([...base, key], 'ema_auth cannot be combined with alternate HTTP credentials');
  }
  if (isTable(table.oauth) && table.oauth.grant === 'workload_identity') {
    out.error([...base, 'oauth', 'grant'], 'ema_auth and grant = "workload_identity" exclude each other');
  }
  if (!isTable(doc.mcp_enterprise_managed_auth)) {
    out.warn(
      [...base, 'auth'],
      'ema_auth needs [mcp_enterprise_managed_auth.idp] (issuer, client_id); this server cannot log in until it is set',
    );
  }
  if (!isTable(doc.features) || doc.features.use_xaa !== true) {
    out.warn([...base, 'auth'], 'ema_auth is off until [features] use_xaa = true is set');
  }
}

function enterpriseIdpOf(value: unknown): EnterpriseIdpConfig | undefined {
  if (!isTable(value) || !isTable(value.idp)) return undefined;
  const idp = value.idp;
  return dropUndefined({
    issuer: idp.issuer as string,
    clientId: idp.client_id as string,
    clientSecret: idp.client_secret as string | undefined,
    tokenEndpointAuthMethod: idp.token_endpoint_auth_method as EnterpriseIdpConfig['tokenEndpointAuthMethod'],
    clientSecretEnvVar: idp.client_secret_env_var as string | undefined,
    scopes: idp.scopes as string[] | undefined,
    extraAuthorizeParams:
      idp.extra_authorize_params === undefined ? undefined : stringRecord(idp.extra_authorize_params),
    callbackPort: idp.callback_port as number | undefined,
  });
}

/** The credentials a client-credentials client can authenticate with; exactly one must be set. */
const CLIENT_CREDENTIALS = [
  'client_secret_env_var',
  'client_secret',
  'private_key_file',
  'private_key_env_var',
] as const;

/**
 * Cross-key rules of `grant`: a client-credentials client is pre-registered (`client_id`) and authenticates with
 * exactly one secret or private key (RFC 6749 §4.4.2: the client MUST authenticate); the private-key settings
 * belong to `grant = "client_credentials"`.
 */
function checkGrant(table: Table, base: Path, server: string, out: Collector): void {
  const clientCredentials = table.grant === 'client_credentials';
  const set = CLIENT_CREDENTIALS.filter((key) => table[key] !== undefined);
  if (clientCredentials) {
    if (table.client_id === undefined) {
      out.error(
        [...base, 'grant'],
        `"client_credentials" needs ${server}.oauth.client_id: the client is registered at the authorization server beforehand`,
      );
    }
    if (set.length === 0) {
      out.error(
        [...base, 'grant'],
        `"client_credentials" needs the client's credentials: set ${server}.oauth.client_secret_env_var or ${server}.oauth.private_key_file (or private_key_env_var)`,
      );
    }
    if (set.length > 1) {
      out.error(
        [...base, set[1] as string],
        `set only one of ${set.map((key) => `${server}.oauth.${key}`).join(', ')}: the client authenticates one way`,
      );
    }
    const method = table.token_endpoint_auth_method;
    const keyed = table.private_key_file !== undefined || table.private_key_env_var !== undefined;
    if (method !== undefined && set.length > 0 && (method === 'private_key_jwt') !== keyed) {
      out.error(
        [...base, 'token_endpoint_auth_method'],
        method === 'private_key_jwt'
          ? `"private_key_jwt" needs ${server}.oauth.private_key_file or private_key_env_var`
          : `${JSON.stringify(method)} authenticates with a client secret: set ${server}.oauth.client_secret_env_var instead of a private key`,
      );
    }
    for (const key of ['registration', 'client_metadata_url', 'callback_port', 'callback_url'] as const) {
      if (table[key] !== undefined) {
        out.error(
          [...base, key],
          `has no use with grant = "client_credentials" (no browser login): remove it`,
        );
      }
    }
    return;
  }
  for (const key of [
    'private_key_file',
    'private_key_env_var',
    'client_assertion_alg',
    'client_assertion_kid',
  ] as const) {
    if (table[key] !== undefined) {
      out.error(
        [...base, key],
        `is used with grant = "client_credentials" only: set ${server}.oauth.grant = "client_credentials", or remove it`,
      );
    }
  }
}

/** The explicit port of a callback URL, or undefined (none written, or not a URL: reported elsewhere). */
function callbackUrlPort(value: unknown): number | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) return undefined;
  const port = new URL(value).port;
  return port === '' ? undefined : Number(port);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function checkServerKeys(
  name: string,
  table: Table,
  transport: 'stdio' | 'streamable_http',
  out: Collector,
): boolean {
  const base = ['mcp_servers', name];
  const server = `mcp_servers.${formatKey(name)}`;
  let valid = true;
  for (const [key, value] of Object.entries(table)) {
    const info = SERVER_KEYS.get(key);
    if (info === undefined) {
      if (OAUTH_KEYS.has(key)) {
        out.error(
          [...base, key],
          `belongs in the oauth table: write it under [${server}.oauth] (${server}.oauth.${key})`,
        );
        valid = false;
        continue;
      }
      // Unknown server-level keys are warnings: Codex grows, and its config must keep loading.
      const guess = closestKey(key, suggestible(SERVER_KEYS));
      out.warn(
        [...base, key],
        `unknown key, ignored${guess !== undefined ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}`,
      );
      continue;
    }
    if (key === 'bearer_token') {
      out.error(
        [...base, key],
        `inline bearer tokens are not allowed (Codex refuses them too): put the token in an environment variable and set ${server}.bearer_token_env_var = "VAR_NAME"`,
      );
      valid = false;
      continue;
    }
    if (info.transport !== undefined && info.transport !== transport) {
      const [kind, marker, other] =
        transport === 'stdio'
          ? ['a stdio server (command is set)', 'url', 'streamable HTTP servers']
          : ['a streamable HTTP server (url is set)', 'command', 'stdio servers'];
      out.error([...base, key], `not supported for ${kind}; it applies to ${other} (${marker})`);
      valid = false;
      continue;
    }
    if (key === 'oauth') {
      if (!isTable(value)) {
        out.error([...base, key], `must be a table ([${server}.oauth])`);
        valid = false;
      }
      continue;
    }
    if (!out.check(SERVER_SCHEMAS[key], value, [...base, key])) valid = false;
  }
  return valid;
}

function commonOf(name: string, table: Table): ServerCommon {
  const startupSec = table.startup_timeout_sec as number | undefined;
  const startupMs = table.startup_timeout_ms as number | undefined;
  const toolSec = table.tool_timeout_sec as number | undefined;
  const tools = table.tools as Record<string, { approval_mode?: ToolConfig['approvalMode'] }> | undefined;
  return dropUndefined({
    name,
    enabled: (table.enabled as boolean | undefined) ?? true,
    required: (table.required as boolean | undefined) ?? false,
    // Codex: startup_timeout_sec wins over startup_timeout_ms.
    startupTimeoutMs: startupSec !== undefined ? Math.round(startupSec * 1000) : startupMs,
    toolTimeoutMs: toolSec !== undefined ? Math.round(toolSec * 1000) : undefined,
    enabledTools: table.enabled_tools as string[] | undefined,
    disabledTools: table.disabled_tools as string[] | undefined,
    supportsParallelToolCalls: (table.supports_parallel_tool_calls as boolean | undefined) ?? false,
    defaultToolsApprovalMode: table.default_tools_approval_mode as ServerCommon['defaultToolsApprovalMode'],
    tools:
      tools === undefined
        ? undefined
        : Object.fromEntries(
            Object.entries(tools).map(([tool, config]) => [
              tool,
              dropUndefined({ approvalMode: config.approval_mode }),
            ]),
          ),
    experimentalEnvironment: table.experimental_environment as string | undefined,
    auth: table.auth as ServerCommon['auth'],
    startupReadiness: table.startup_readiness as ServerCommon['startupReadiness'],
    environmentId: table.environment_id as string | undefined,
    unknownKeys: Object.keys(table).filter((key) => !SERVER_KEYS.has(key) && !OAUTH_KEYS.has(key)),
  });
}

function checkServer(
  name: string,
  value: unknown,
  document: unknown,
  out: Collector,
): ServerConfig | undefined {
  const base = ['mcp_servers', name];
  if (!SERVER_NAME.test(name)) {
    out.error(
      base,
      `server names may contain only letters, digits, "_" and "-", got ${JSON.stringify(name)}`,
    );
  }
  if (!isTable(value)) {
    out.error(base, `must be a table ([mcp_servers.${formatKey(name)}])`);
    return undefined;
  }
  const hasCommand = value.command !== undefined;
  const hasUrl = value.url !== undefined;
  if (hasCommand && hasUrl) {
    out.error(base, 'set either url (streamable HTTP server) or command (stdio server), not both');
    return undefined;
  }
  if (!hasCommand && !hasUrl) {
    out.error(base, 'needs url (streamable HTTP server) or command (stdio server)');
    return undefined;
  }
  const transport = hasCommand ? 'stdio' : 'streamable_http';
  const keysValid = checkServerKeys(name, value, transport, out);
  if (transport === 'stdio') {
    if (!keysValid) return undefined;
    const envVars = (
      (value.env_vars as (string | { name: string; source?: 'local' | 'remote' })[] | undefined) ?? []
    ).map((entry): EnvVarRef => (typeof entry === 'string' ? { name: entry } : dropUndefined({ ...entry })));
    const stdio: StdioServerConfig = dropUndefined({
      ...commonOf(name, value),
      transport: 'stdio' as const,
      command: value.command as string,
      args: (value.args as string[] | undefined) ?? [],
      env: value.env === undefined ? undefined : stringRecord(value.env),
      envVars,
      cwd: value.cwd as string | undefined,
    });
    return stdio;
  }
  if (isTable(document)) checkEmaServer(name, value, document, out);
  const oauthResource = typeof value.oauth_resource === 'string' ? value.oauth_resource : undefined;
  const oauth = isTable(value.oauth)
    ? checkOAuth(name, value.oauth, oauthResource, value.auth, out)
    : undefined;
  if (!keysValid) return undefined;
  const http: HttpServerConfig = dropUndefined({
    ...commonOf(name, value),
    transport: 'streamable_http' as const,
    url: value.url as string,
    bearerTokenEnvVar: value.bearer_token_env_var as string | undefined,
    httpHeadersHelper: value.http_headers_helper as string | undefined,
    httpHeaders: value.http_headers === undefined ? undefined : stringRecord(value.http_headers),
    envHttpHeaders: value.env_http_headers === undefined ? undefined : stringRecord(value.env_http_headers),
    scopes: value.scopes as string[] | undefined,
    oauth: dropUndefined(
      oauth ??
        (oauthResource !== undefined
          ? { resource: toResourcePolicy(oauthResource), resourceKey: 'oauth_resource' }
          : {}),
    ),
  });
  return http;
}

/**
 * A near miss of an MCP top-level key (`mcp_oauth_calback_url`, `[mcp_server.X]`) is a warning with a suggestion.
 * Only keys that start with `mcp` or contain `oauth` are compared: Codex's many other keys are not this schema's.
 */
function checkTopTypos(doc: Table, out: Collector): void {
  for (const key of Object.keys(doc)) {
    if (TOP_KEYS.has(key)) continue;
    const lower = key.toLowerCase();
    if (!lower.startsWith('mcp') && !lower.includes('oauth')) continue;
    const guess = closestKey(key, MCP_TOP_KEYS);
    if (guess === undefined) continue;
    out.warn(
      [key],
      guess === 'mcp_servers'
        ? `unknown table, ignored: did you mean [mcp_servers.NAME]? (servers are read only from mcp_servers)`
        : `unknown key, ignored (did you mean ${JSON.stringify(guess)}?)`,
    );
  }
}

function checkTop(doc: Table, out: Collector) {
  checkTopTypos(doc, out);
  for (const [key, schema] of Object.entries(TOP_SCHEMAS)) {
    if (doc[key] !== undefined) out.check(schema, doc[key], [key]);
  }
  const store = doc.mcp_oauth_credentials_store;
  if (store === 'keyv' && doc.mcp_oauth_keyv_url === undefined) {
    out.error(
      ['mcp_oauth_keyv_url'],
      'is required when mcp_oauth_credentials_store = "keyv" (e.g. "redis://127.0.0.1:6379")',
    );
  }
  const features = doc.features;
  if (isTable(features)) {
    for (const [key, schema] of Object.entries(FEATURE_SCHEMAS)) {
      if (features[key] !== undefined) out.check(schema, features[key], ['features', key]);
    }
  }
  const idp = valueAt(doc.mcp_enterprise_managed_auth, ['idp']);
  if (isTable(idp) && idp.token_endpoint_auth_method !== undefined && idp.client_secret === undefined) {
    out.error(
      ['mcp_enterprise_managed_auth', 'idp', 'token_endpoint_auth_method'],
      'requires mcp_enterprise_managed_auth.idp.client_secret (Codex refuses it otherwise)',
    );
  }
  if (store !== 'keyv' && doc.mcp_oauth_keyv_url !== undefined) {
    out.warn(['mcp_oauth_keyv_url'], 'ignored: it is used only when mcp_oauth_credentials_store = "keyv"');
  }
}

/** Codex `mcp_ema.rs`: only host, user or managed configuration selects the IdP; never a project. */
function checkProjectLayer(doc: Table, out: Collector): void {
  if (doc.mcp_enterprise_managed_auth !== undefined) {
    out.error(
      ['mcp_enterprise_managed_auth'],
      "the enterprise IdP is trusted only from the user's own config file, never from a project's: move it there",
    );
  }
  if (isTable(doc.features) && doc.features.use_xaa !== undefined) {
    out.error(
      ['features', 'use_xaa'],
      "is read only from the user's own config file, never from a project's",
    );
  }
  // A checked-out repository may not let a remote server aim the user's requests at their own machine.
  if (isTable(doc.mcp_servers)) {
    for (const [name, server] of Object.entries(doc.mcp_servers)) {
      const oauth = isTable(server) ? server.oauth : undefined;
      if (isTable(oauth) && oauth.allow_endpoint_downgrade !== undefined) {
        out.error(
          ['mcp_servers', name, 'oauth', 'allow_endpoint_downgrade'],
          "is read only from the user's own config file, never from a project's",
        );
      }
    }
  }
}

/** Options of {@link validateConfig} and {@link parseConfig}. */
export interface ValidateConfigOptions {
  /** The file name used in messages and recorded as `config.path`. */
  readonly path?: string;
  /** Places keys in the source text, for line numbers in messages. */
  readonly locator?: KeyLocator;
  /**
   * Which configuration layer this file is. `user` (default): the user's own file (`--config`, `MCP_OAUTH_HOME`,
   * `CODEX_HOME`, `~/.mcp-oauth`). `project`: a file from a project or working directory, which an embedder may
   * merge in: it may not set the enterprise IdP (`mcp_enterprise_managed_auth`) or turn `features.use_xaa` on, as
   * in Codex, so a checked-out repository can never redirect the user's enterprise sign-in; nor set a server's
   * `oauth.allow_endpoint_downgrade`, so it can never let a remote server aim requests at the user's machine.
   */
  readonly layer?: 'user' | 'project';
}

/**
 * Validates an already-parsed TOML document (a plain object) into a typed, deeply frozen {@link McpOAuthConfig}.
 * Top-level keys other than this schema's (Codex's `model`, `profiles`, …) are ignored silently.
 *
 * @throws {ConfigError} `config_invalid` with every issue of the document.
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/config.md
 */
export function validateConfig(document: unknown, options: ValidateConfigOptions = {}): McpOAuthConfig {
  const out = new Collector();
  const servers: ServerConfig[] = [];
  if (!isTable(document)) {
    out.error([], 'the configuration must be a table');
  } else {
    checkTop(document, out);
    if (options.layer === 'project') checkProjectLayer(document, out);
    const table = document.mcp_servers;
    if (table !== undefined && !isTable(table))
      out.error(['mcp_servers'], 'must be a table of [mcp_servers.NAME] tables');
    if (isTable(table)) {
      for (const [name, value] of Object.entries(table)) {
        const server = checkServer(name, value, document, out);
        if (server !== undefined) servers.push(server);
      }
    }
  }
  const place = (issue: RawIssue): ConfigIssue => ({
    path: formatKeyPath(issue.path),
    message: issue.message,
    ...options.locator?.locate(issue.path),
  });
  const byPlace = (a: ConfigIssue, b: ConfigIssue) =>
    (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER) ||
    (a.column ?? 0) - (b.column ?? 0);
  if (out.errors.length > 0) {
    throw new ConfigError('config_invalid', out.errors.map(place).sort(byPlace), { file: options.path });
  }
  const doc = document as Table;
  return deepFreeze(
    dropUndefined({
      path: options.path,
      credentialsStore: doc.mcp_oauth_credentials_store as CredentialsStoreMode | undefined,
      keyvUrl: doc.mcp_oauth_keyv_url as string | undefined,
      callbackPort: doc.mcp_oauth_callback_port as number | undefined,
      callbackUrl: doc.mcp_oauth_callback_url as string | undefined,
      optionalStartupGraceMs: doc.mcp_optional_startup_grace_ms as number | undefined,
      enterpriseIdp: enterpriseIdpOf(doc.mcp_enterprise_managed_auth),
      useXaa: isTable(doc.features) && doc.features.use_xaa === true ? true : undefined,
      maxResponseBytes: doc.mcp_oauth_max_response_bytes as number | undefined,
      servers,
      warnings: out.warnings.map(place).sort(byPlace),
    }),
  );
}
