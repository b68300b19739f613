// The conformance entry configures the client as a user would, with no escape hatch, from the suite's context.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConfig, resolveServer } from '@mcp-oauth/config';
import {
  CONFORMANCE_CIMD_URL,
  CONFORMANCE_KEY_VAR,
  CONFORMANCE_SECRET_VAR,
  CONFORMANCE_SERVER,
  CONFORMANCE_WORKLOAD_TOKEN_VAR,
  idpSignIn,
  parseContext,
  plannedToolCalls,
  scenarioConfig,
  scenarioToolCalls,
} from './scenario-config.js';

const URL_ = 'http://localhost:41234/mcp';

function oauthOf(toml: string) {
  const oauth = resolveServer(parseConfig(toml), CONFORMANCE_SERVER).oauth;
  assert.ok(oauth);
  return oauth;
}

describe('scenarioConfig', () => {
  test('client-credentials-basic: a machine client with its secret in the environment only', () => {
    const { toml, env } = scenarioConfig(
      URL_,
      { client_id: 'conformance-test-client', client_secret: 'conformance-test-secret' },
      'auth/client-credentials-basic',
    );
    const oauth = oauthOf(toml);
    assert.equal(oauth.grant.value, 'client_credentials');
    assert.equal(oauth.clientId.value, 'conformance-test-client');
    assert.equal(oauth.clientSecretEnvVar.value, CONFORMANCE_SECRET_VAR);
    assert.deepEqual(oauth.resource.value, { kind: 'auto' });
    assert.ok(!toml.includes('conformance-test-secret'));
    assert.deepEqual(env, { [CONFORMANCE_SECRET_VAR]: 'conformance-test-secret' });
  });

  test('client-credentials-jwt: the PEM key in the environment, the algorithm from the context', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n';
    const { toml, env } = scenarioConfig(
      URL_,
      { client_id: 'conformance-test-client', private_key_pem: pem, signing_algorithm: 'ES256' },
      'auth/client-credentials-jwt',
    );
    const oauth = oauthOf(toml);
    assert.equal(oauth.grant.value, 'client_credentials');
    assert.equal(oauth.privateKeyEnvVar.value, CONFORMANCE_KEY_VAR);
    assert.equal(oauth.clientAssertionAlg.value, 'ES256');
    assert.ok(!toml.includes('PRIVATE KEY'));
    assert.deepEqual(env, { [CONFORMANCE_KEY_VAR]: pem });
  });

  test('no context: auto registration (CIMD URL offered, else DCR), auto resource, nothing relaxed', () => {
    const { toml, env } = scenarioConfig(URL_, {});
    const config = parseConfig(toml);
    assert.equal(config.servers[0]?.name, CONFORMANCE_SERVER);
    assert.equal(config.servers[0]?.transport === 'streamable_http' && config.servers[0].url, URL_);
    const oauth = oauthOf(toml);
    assert.equal(oauth.registration.value, 'auto');
    assert.equal(oauth.clientMetadataUrl.value, CONFORMANCE_CIMD_URL);
    assert.deepEqual(oauth.resource.value, { kind: 'auto' });
    assert.equal(oauth.clientId.value, undefined);
    assert.equal(oauth.allowIssuerMismatch.value, false);
    assert.equal(oauth.allowMissingPkceMetadata.value, false);
    assert.deepEqual(env, {});
  });

  test('pre-registered client from the context: client_id in the config, the secret only in the environment', () => {
    const context = parseContext(
      JSON.stringify({
        name: 'auth/pre-registration',
        client_id: 'pre-registered-client',
        client_secret: 's3cr3t-value',
      }),
    );
    const { toml, env } = scenarioConfig(URL_, context);
    const oauth = oauthOf(toml);
    assert.equal(oauth.clientId.value, 'pre-registered-client');
    assert.equal(oauth.clientSecretEnvVar.value, CONFORMANCE_SECRET_VAR);
    assert.deepEqual(env, { [CONFORMANCE_SECRET_VAR]: 's3cr3t-value' });
    assert.ok(!toml.includes('s3cr3t-value'));
  });

  test('a client id without a secret: a public pre-registered client', () => {
    const { toml, env } = scenarioConfig(URL_, { client_id: 'public' });
    assert.equal(oauthOf(toml).clientId.value, 'public');
    assert.equal(oauthOf(toml).clientSecretEnvVar.value, undefined);
    assert.deepEqual(env, {});
  });

  test('values that need escaping stay one TOML string', () => {
    const { toml } = scenarioConfig(URL_, { client_id: 'a"b\\c' });
    assert.equal(oauthOf(toml).clientId.value, 'a"b\\c');
  });
});

describe('parseContext and plannedToolCalls', () => {
  test('an absent or empty context is empty; a non-object is refused', () => {
    assert.deepEqual(parseContext(undefined), {});
    assert.deepEqual(parseContext(''), {});
    assert.throws(() => parseContext('[1]'), /not a JSON object/);
    assert.throws(() => parseContext('null'), /not a JSON object/);
  });

  test("the context's toolCalls, in order, with their arguments; none when it names none", () => {
    const context = parseContext(
      JSON.stringify({
        toolCalls: [
          { name: 'test_custom_headers', arguments: { region: 'us-west1', verbose: null } },
          { name: 'no_arguments' },
          { arguments: { nameless: true } },
        ],
      }),
    );
    assert.deepEqual(plannedToolCalls(context), [
      { name: 'test_custom_headers', arguments: { region: 'us-west1', verbose: null } },
      { name: 'no_arguments', arguments: {} },
    ]);
    assert.equal(plannedToolCalls({}), undefined);
    assert.equal(plannedToolCalls({ toolCalls: 'x' }), undefined);
  });
});

describe('scenarioToolCalls', () => {
  test("json-schema-2020-12-preservation: the echo tool gets the focal tool's schema as listed", () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: { a: {} },
    };
    const tools = [
      { name: 'json_schema_2020_12_tool', inputSchema: schema },
      { name: 'json_schema_echo', inputSchema: { type: 'object' } },
    ];
    assert.deepEqual(scenarioToolCalls('json-schema-2020-12-preservation', tools), [
      { name: 'json_schema_echo', arguments: { schema } },
    ]);
  });

  test('sep-2322-client-request-state: every listed tool, in order', () => {
    const tools = [
      { name: 'test_mrtr_echo_state' },
      { name: 'test_mrtr_no_state' },
      { name: 'test_mrtr_unrelated' },
    ];
    assert.deepEqual(
      scenarioToolCalls('sep-2322-client-request-state', tools).map((c) => c.name),
      ['test_mrtr_echo_state', 'test_mrtr_no_state', 'test_mrtr_unrelated'],
    );
  });

  test('others: the auth test tool, else the first tool with its arguments; none for a list-only scenario', () => {
    assert.deepEqual(scenarioToolCalls('auth/basic', [{ name: 'a' }, { name: 'test-tool' }]), [
      { name: 'test-tool', arguments: {} },
    ]);
    assert.deepEqual(scenarioToolCalls('tools_call', [{ name: 'add_numbers' }]), [
      { name: 'add_numbers', arguments: { a: 2, b: 3 } },
    ]);
    assert.deepEqual(scenarioToolCalls('json-schema-ref-no-deref', [{ name: 'lookup_user' }]), []);
    assert.deepEqual(scenarioToolCalls('tools_call', []), []);
  });
});

describe('extension scenarios', () => {
  const idToken = `e30.${Buffer.from(JSON.stringify({ exp: 2_000_000_000 })).toString('base64url')}.sig`;
  const ema = {
    client_id: 'xaa-client',
    client_secret: 'xaa-secret',
    idp_client_id: 'idp-client',
    idp_id_token: idToken,
    idp_issuer: 'http://localhost:41235',
  };

  test('enterprise-managed authorization: Codex keys, ema_auth, the AS client and its secret by env var', () => {
    const { toml, env } = scenarioConfig(URL_, ema);
    const config = parseConfig(toml);
    assert.equal(config.useXaa, true);
    assert.deepEqual(config.enterpriseIdp, { issuer: 'http://localhost:41235', clientId: 'idp-client' });
    const server = config.servers[0];
    assert.ok(server?.transport === 'streamable_http' && server.auth === 'ema_auth');
    assert.equal(server.oauth.clientId, 'xaa-client');
    assert.deepEqual(env, { [CONFORMANCE_SECRET_VAR]: 'xaa-secret' });
    assert.equal(toml.includes('xaa-secret'), false);
    const signIn = idpSignIn(ema, 5);
    assert.equal(signIn?.record.id_token, idToken);
    assert.equal(signIn?.record.expires_at, 2_000_000_000_000);
    assert.equal(idpSignIn({}, 5), undefined);
  });

  test('workload identity: grant, client id, the JWT through an environment variable', () => {
    const { toml, env } = scenarioConfig(URL_, { client_id: 'wif-client', valid_jwt: 'a.b.c' });
    const server = parseConfig(toml).servers[0];
    assert.ok(server?.transport === 'streamable_http');
    assert.equal(server.oauth.grant, 'workload_identity');
    assert.deepEqual(server.oauth.workloadIdentity, { tokenEnvVar: CONFORMANCE_WORKLOAD_TOKEN_VAR });
    assert.deepEqual(env, { [CONFORMANCE_WORKLOAD_TOKEN_VAR]: 'a.b.c' });
  });
});
