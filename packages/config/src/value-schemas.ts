import { z } from 'zod';
import { CLIENT_ASSERTION_ALGS } from './types.js';
import { checkAbsoluteUri, checkCallbackUrl, checkHttpsUrl, checkResourceUri } from './url-rules.js';

// Per-key value schemas (zod). Cross-key rules (transport, reserved params, conflicts) live in parse-config.ts.

const text = () => z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' });
const bool = () => z.boolean({ error: 'must be true or false' });
const stringList = () => z.array(text(), { error: 'must be an array of strings' });
const stringTable = () =>
  z.record(z.string(), z.string({ error: 'must be a string (quote numbers and booleans)' }), {
    error: 'must be a table of strings, e.g. { key = "value" }',
  });
const port = () =>
  z
    .number({ error: 'must be an integer port number' })
    .int({ error: 'must be an integer port number' })
    .min(1, { error: 'must be between 1 and 65535' })
    .max(65535, { error: 'must be between 1 and 65535' });
const seconds = () =>
  z
    .number({ error: 'must be a number of seconds' })
    .nonnegative({ error: 'must not be negative' })
    .finite({ error: 'must be finite' });
const milliseconds = () =>
  z
    .number({ error: 'must be an integer number of milliseconds' })
    .int({ error: 'must be an integer number of milliseconds' })
    .nonnegative({ error: 'must not be negative' });
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}` });
const withCheck = (check: (value: string) => string | undefined) =>
  text().superRefine((value, ctx) => {
    const problem = check(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
const envVarName = () =>
  text().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    error: 'must be the name of an environment variable (letters, digits and _), not the secret itself',
  });
const approvalMode = () => oneOf(['auto', 'prompt', 'writes', 'approve'] as const);
/** Codex's client authentication methods of a pre-registered enterprise client. */
const secretAuthMethod = () => oneOf(['client_secret_basic', 'client_secret_post'] as const);

const absolutePath = () =>
  text().refine((value) => value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value), {
    error: 'must be an absolute path',
  });

/** Codex's `[mcp_enterprise_managed_auth.idp]` (issuer, client_id) with this project's optional additions. */
const enterpriseIdp = () =>
  z.strictObject(
    {
      issuer: withCheck(checkHttpsUrl),
      client_id: text(),
      // Codex 0.171: an inline secret and its method (basic or post; the method needs the secret).
      client_secret: text().optional(),
      token_endpoint_auth_method: secretAuthMethod().optional(),
      client_secret_env_var: envVarName().optional(),
      scopes: stringList().optional(),
      extra_authorize_params: stringTable().optional(),
      callback_port: port().optional(),
    },
    { error: 'must be a table with issuer and client_id' },
  );

/** `[mcp_servers.NAME.oauth.workload_identity]`; the one-source rule is checked by the validator. */
const workloadIdentity = () =>
  z.strictObject(
    {
      token_file: absolutePath().optional(),
      token_env_var: envVarName().optional(),
      token_command: z
        .array(text(), { error: 'must be an array of strings (program, then arguments)' })
        .min(1, {
          error: 'must name a program',
        })
        .optional(),
      audience: text().optional(),
      issuer: text().optional(),
    },
    { error: 'must be a table, e.g. { token_file = "/var/run/secrets/tokens/mcp" }' },
  );

/** Schemas of the top-level keys (except `mcp_servers`, walked by the parser). */
export const TOP_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  mcp_enterprise_managed_auth: z.strictObject(
    { idp: enterpriseIdp() },
    { error: 'must be a table with an idp table ([mcp_enterprise_managed_auth.idp])' },
  ),
  mcp_oauth_credentials_store: oneOf(['auto', 'keyring', 'file', 'keyv'] as const),
  mcp_oauth_keyv_url: withCheck(checkAbsoluteUri),
  mcp_oauth_callback_port: port(),
  mcp_oauth_callback_url: withCheck(checkCallbackUrl),
  mcp_oauth_max_response_bytes: z
    .number({ error: 'must be an integer number of bytes' })
    .int({ error: 'must be an integer number of bytes' })
    .min(1024, { error: 'must be at least 1024 bytes' }),
  mcp_optional_startup_grace_ms: milliseconds(),
};

/** Schemas of the `[features]` keys this project reads (Codex has many more; the others are ignored). */
export const FEATURE_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  use_xaa: bool(),
};

/** Schemas of `[mcp_servers.NAME]` keys (except `oauth` and the refused `bearer_token`). */
export const SERVER_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  command: text(),
  args: z.array(z.string({ error: 'must be a string' }), { error: 'must be an array of strings' }),
  env: stringTable(),
  env_vars: z.array(
    z.union(
      [text(), z.strictObject({ name: text(), source: oneOf(['local', 'remote'] as const).optional() })],
      {
        error: 'must be a variable name or { name = "VAR", source = "local" | "remote" }',
      },
    ),
    { error: 'must be an array' },
  ),
  cwd: text(),
  url: withCheck(checkHttpsUrl),
  bearer_token_env_var: text(),
  http_headers: stringTable(),
  env_http_headers: stringTable(),
  scopes: stringList(),
  oauth_resource: withCheck(checkResourceUri),
  enabled: bool(),
  required: bool(),
  startup_timeout_sec: seconds(),
  startup_timeout_ms: milliseconds(),
  tool_timeout_sec: seconds(),
  enabled_tools: stringList(),
  disabled_tools: stringList(),
  supports_parallel_tool_calls: bool(),
  default_tools_approval_mode: approvalMode(),
  tools: z.record(z.string(), z.strictObject({ approval_mode: approvalMode().optional() }), {
    error: 'must be a table of { approval_mode = "auto" | "prompt" | "writes" | "approve" }',
  }),
  experimental_environment: text(),
  name: z.string({ error: 'must be a string' }),
  auth: oneOf(['oauth', 'chatgpt', 'ema_auth'] as const),
  http_headers_helper: text(),
  startup_readiness: oneOf(['connection', 'catalog'] as const),
  environment_id: text(),
};

/** Schemas of `[mcp_servers.NAME.oauth]` keys. */
export const OAUTH_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  client_id: text(),
  client_secret: text(),
  client_secret_env_var: envVarName(),
  callback_url: withCheck(checkCallbackUrl),
  authorization_server_issuer: withCheck(checkHttpsUrl),
  callback_port: port(),
  registration: oneOf(['auto', 'preregistered', 'cimd', 'dcr'] as const),
  grant: oneOf(['authorization_code', 'device_code', 'client_credentials', 'workload_identity'] as const),
  client_metadata_url: withCheck(checkHttpsUrl),
  provider: oneOf(['google', 'entra', 'auth0', 'atlassian', 'github', 'keycloak', 'generic'] as const),
  resource: z.unknown().superRefine((value, ctx) => {
    if (value === false || value === 'auto') return;
    if (typeof value !== 'string') {
      ctx.addIssue({ code: 'custom', message: 'must be "auto", an absolute URI, or false' });
      return;
    }
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) {
      const message = `must be "auto", false, or an absolute URI such as https://mcp.example.com/mcp, got ${JSON.stringify(value)}`;
      ctx.addIssue({ code: 'custom', message });
      return;
    }
    const problem = checkResourceUri(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
  extra_authorize_params: stringTable(),
  extra_token_params: stringTable(),
  allow_missing_pkce_metadata: bool(),
  allow_issuer_mismatch: bool(),
  allow_endpoint_downgrade: bool(),
  workload_identity: workloadIdentity(),
  private_key_file: text(),
  private_key_env_var: envVarName(),
  client_assertion_alg: oneOf(CLIENT_ASSERTION_ALGS),
  client_assertion_kid: text(),
  token_endpoint_auth_method: oneOf([
    'client_secret_basic',
    'client_secret_post',
    'private_key_jwt',
  ] as const),
  dpop: z.union([z.literal('auto'), z.boolean()], { error: 'must be "auto", true or false' }),
};
