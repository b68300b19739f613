// The device login (RFC 8628) end to end through McpOAuthClient against the testbed's real authorization servers:
// oidc-provider's device flow and the Google-like AS's, approved or denied on their verification pages by the
// headless approver; slow_down and expired_token scripted with the AS knobs; an AS without a device endpoint.
// Polling waits go through an injected sleep, so no test waits the AS's 5-second interval.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type DeviceLoginProgress, isClientError, McpOAuthClient, type Sleep } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import {
  DEFAULT_GOOGLE_CLIENT,
  headlessDeviceApproval,
  paramValues,
  startMcpServer,
  startStandardAs,
  startWorld,
  type World,
} from '@mcp-oauth/testbed';
import { MemoryStore } from '@mcp-oauth/token-store';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

type CodeEvent = Extract<DeviceLoginProgress, { type: 'code' }>;

/** A sleep that records each wait and yields briefly (real time), so the AS sees the approval in between. */
function recordingSleep(waits: number[], before?: () => Promise<void>): Sleep {
  return async (ms) => {
    waits.push(ms);
    await before?.();
    await new Promise((resolve) => setTimeout(resolve, 5));
  };
}

/** Runs a device login; `onCode` gets the code event (to approve or deny), its promise is awaited by the first wait. */
async function deviceLogin(
  client: McpOAuthClient,
  name: string,
  onCode: (code: CodeEvent) => Promise<unknown>,
  waits: number[] = [],
  events: DeviceLoginProgress[] = [],
) {
  let pending: Promise<unknown> = Promise.resolve();
  return client.deviceLogin(name, {
    onProgress: (event) => {
      events.push(event);
      if (event.type === 'code') pending = onCode(event);
    },
    sleep: recordingSleep(waits, () => pending.then(() => {})),
  });
}

async function whoami(c: McpOAuthClient, name: string) {
  const session = await c.connect(name);
  try {
    const result = await session.callTool({ name: 'whoami', arguments: {} });
    return JSON.parse((result.content as Array<{ text: string }>)[0]?.text ?? '{}') as { aud: string[] };
  } finally {
    await session.close();
  }
}

describe('device login against oidc-provider (the standard AS)', () => {
  let world: World;
  const config = () => parseConfig(`[mcp_servers.strict]\nurl = "${world.strictMcp.url}"\n`);
  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());

  test('approve: DCR asks for the device grant; one resource on the device and token requests; the strict server accepts; it refreshes', async () => {
    const client = new McpOAuthClient({ config: config(), store: new MemoryStore() });
    const mark = world.log.mark();
    const events: DeviceLoginProgress[] = [];
    const result = await deviceLogin(
      client,
      'strict',
      (code) => headlessDeviceApproval().approve(code.verificationUriComplete ?? code.verificationUri),
      [],
      events,
    );
    assert.equal(result.resource, world.strictMcp.url);
    assert.equal(result.refreshTokenIssued, true);
    assert.equal(result.registration, 'dynamic');
    const code = events.find((e): e is CodeEvent => e.type === 'code');
    assert.ok(code);
    assert.match(code.verificationUri, /\/device$/);
    assert.ok(code.secondsLeft > 0 && code.secondsLeft <= 600);

    const [register] = world.log.entries({ server: 'as', endpoint: 'register', after: mark });
    assert.ok(register);
    assert.ok(
      JSON.stringify(register.body).includes(DEVICE_GRANT) || JSON.stringify(register).includes(DEVICE_GRANT),
    );
    const [device] = world.log.entries({ server: 'as', endpoint: 'device', after: mark });
    assert.ok(device, 'a device authorization request was sent');
    assert.deepEqual(paramValues(device, 'resource'), [world.strictMcp.url]);
    const tokens = world.log.entries({ server: 'as', endpoint: 'token', after: mark });
    assert.ok(tokens.length >= 1);
    for (const t of tokens) {
      assert.deepEqual(paramValues(t, 'grant_type'), [DEVICE_GRANT]);
      assert.deepEqual(paramValues(t, 'resource'), [world.strictMcp.url]);
    }
    assert.deepEqual((await whoami(client, 'strict')).aud, [world.strictMcp.url]);

    // Stored like any login: the refresher renews it with the refresh token and the same resource.
    const stored = await client.credential('strict');
    assert.ok(stored);
    const refreshMark = world.log.mark();
    const renewed = await client.refresher.handleUnauthorized(stored.key, stored.record.access_token);
    assert.notEqual(renewed.access_token, stored.record.access_token);
    const [refresh] = world.log.entries({ server: 'as', endpoint: 'token', after: refreshMark });
    assert.deepEqual(paramValues(refresh ?? ({} as never), 'grant_type'), ['refresh_token']);
    assert.deepEqual(paramValues(refresh ?? ({} as never), 'resource'), [world.strictMcp.url]);
    assert.deepEqual((await whoami(client, 'strict')).aud, [world.strictMcp.url]);
    await client.close();
  });

  test('typed code: the approver enters the user code on the verification page', async () => {
    const client = new McpOAuthClient({ config: config(), store: new MemoryStore() });
    const result = await deviceLogin(client, 'strict', (code) =>
      headlessDeviceApproval().approve(code.verificationUri, code.userCode),
    );
    assert.equal(result.refreshTokenIssued, true);
  });

  test('deny: login_denied, nothing stored', async () => {
    const store = new MemoryStore();
    const client = new McpOAuthClient({ config: config(), store });
    let page = '';
    await assert.rejects(
      deviceLogin(client, 'strict', async (code) => {
        page = await headlessDeviceApproval({ decision: 'deny' }).approve(
          code.verificationUriComplete ?? code.verificationUri,
        );
      }),
      (error: unknown) => isClientError(error, 'login_denied'),
    );
    assert.equal(page, 'denied');
    assert.deepEqual(await store.list(), []);
  });

  test('slow_down twice: the interval grows by 5 s each time and stays grown (RFC 8628 §3.5)', async () => {
    const client = new McpOAuthClient({ config: config(), store: new MemoryStore() });
    world.standardAs.knobs.fail({
      endpoint: 'token',
      mode: { kind: 'status', status: 400, body: { error: 'slow_down' } },
      times: 2,
    });
    const waits: number[] = [];
    const events: DeviceLoginProgress[] = [];
    await deviceLogin(
      client,
      'strict',
      (code) => headlessDeviceApproval().approve(code.verificationUriComplete ?? code.verificationUri),
      waits,
      events,
    );
    // oidc-provider sends no interval: 5 s (RFC 8628 §3.2 default), then 10, then 15 after two slow_downs.
    assert.deepEqual(waits, [5000, 10_000, 15_000]);
    assert.deepEqual(
      events.filter((e) => e.type === 'slow_down').map((e) => e.intervalSeconds),
      [10, 15],
    );
  });

  test('pending: polls again at the same interval until the user approves', async () => {
    const client = new McpOAuthClient({ config: config(), store: new MemoryStore() });
    const waits: number[] = [];
    let approve: (() => Promise<unknown>) | undefined;
    let polls = 0;
    const result = await client.deviceLogin('strict', {
      onProgress: (event) => {
        if (event.type === 'code') {
          approve = () =>
            headlessDeviceApproval().approve(event.verificationUriComplete ?? event.verificationUri);
        }
        if (event.type === 'polling') polls++;
      },
      sleep: async (ms) => {
        waits.push(ms);
        // Approve only before the third poll: the first two get authorization_pending.
        if (waits.length === 3) await approve?.();
      },
    });
    assert.equal(result.refreshTokenIssued, true);
    assert.equal(polls, 3);
    assert.deepEqual(waits, [5000, 5000, 5000]);
  });

  test('expired_token from the AS: device_code_expired (retryable), nothing stored', async () => {
    const store = new MemoryStore();
    const client = new McpOAuthClient({ config: config(), store });
    world.standardAs.knobs.fail({
      endpoint: 'token',
      mode: { kind: 'status', status: 400, body: { error: 'expired_token' } },
    });
    await assert.rejects(
      deviceLogin(client, 'strict', async () => {}),
      (error: unknown) =>
        isClientError(error, 'device_code_expired') && (error as { retryable: boolean }).retryable,
    );
    assert.deepEqual(await store.list(), []);
  });

  test("the code's own expiry ends the polling without another request (injected clock)", async () => {
    let now = Date.now();
    const client = new McpOAuthClient({ config: config(), store: new MemoryStore(), now: () => now });
    const mark = world.log.mark();
    await assert.rejects(
      client.deviceLogin('strict', {
        sleep: async (ms) => {
          now += ms + 600_000; // past the 10-minute code
        },
      }),
      (error: unknown) => isClientError(error, 'device_code_expired'),
    );
    assert.equal(world.log.count({ server: 'as', endpoint: 'token', after: mark }), 0);
  });

  test('abort while waiting: login_cancelled', async () => {
    const controller = new AbortController();
    const client = new McpOAuthClient({ config: config(), store: new MemoryStore() });
    await assert.rejects(
      client.deviceLogin('strict', {
        signal: controller.signal,
        onProgress: (event) => {
          if (event.type === 'code') controller.abort();
        },
      }),
      (error: unknown) => isClientError(error, 'login_cancelled'),
    );
  });
});

describe('an authorization server without a device endpoint', () => {
  test('device_flow_unsupported naming the modes that work, before registration or any device request', async () => {
    const as = await startStandardAs({ deviceFlow: false });
    const mcp = await startMcpServer({ authServer: as, log: as.log });
    try {
      const client = new McpOAuthClient({
        config: parseConfig(`[mcp_servers.plain]\nurl = "${mcp.url}"\n`),
        store: new MemoryStore(),
      });
      assert.deepEqual((await client.loginModes('plain')).device, false);
      const mark = as.log.mark();
      await assert.rejects(client.deviceLogin('plain'), (error: unknown) => {
        assert.ok(isClientError(error, 'device_flow_unsupported'), String(error));
        assert.match((error as Error).message, /mcp-oauth login plain\b/);
        assert.match((error as Error).message, /mcp-oauth login plain --no-browser/);
        return true;
      });
      const sent = as.log.entries({ after: mark }).map((e) => e.endpoint);
      assert.ok(
        !sent.includes('register') && !sent.includes('device') && !sent.includes('token'),
        sent.join(),
      );
    } finally {
      await mcp.close();
      await as.close();
    }
  });
});

describe('device login against the Google-like AS', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());

  test('pre-registered client: no access_type/prompt on the device request, a refresh token anyway, refreshed with the secret', async () => {
    const toml = `[mcp_servers.gmail]
url = "${world.googleMcp.url}"
scopes = ["https://www.googleapis.com/auth/gmail.readonly"]
[mcp_servers.gmail.oauth]
client_id = "${DEFAULT_GOOGLE_CLIENT.client_id}"
client_secret_env_var = "GOOGLE_SECRET"
provider = "google"
`;
    const client = new McpOAuthClient({
      config: parseConfig(toml),
      store: new MemoryStore(),
      env: { GOOGLE_SECRET: DEFAULT_GOOGLE_CLIENT.client_secret },
    });
    const mark = world.log.mark();
    const events: DeviceLoginProgress[] = [];
    const result = await deviceLogin(
      client,
      'gmail',
      (code) => headlessDeviceApproval().approve(code.verificationUri, code.userCode),
      [],
      events,
    );
    assert.equal(result.refreshTokenIssued, true);
    assert.equal(result.registration, 'pre_registered');
    const code = events.find((e): e is CodeEvent => e.type === 'code');
    assert.equal(code?.verificationUriComplete, null, 'Google sends verification_url only');
    assert.equal(code?.intervalSeconds, 5);
    const [device] = world.log.entries({ server: 'google', endpoint: 'device', after: mark });
    assert.ok(device);
    assert.deepEqual(paramValues(device, 'access_type'), []);
    assert.deepEqual(paramValues(device, 'prompt'), []);
    assert.deepEqual(paramValues(device, 'client_id'), [DEFAULT_GOOGLE_CLIENT.client_id]);
    assert.deepEqual(paramValues(device, 'resource'), [world.googleMcp.url]);
    assert.deepEqual((await whoami(client, 'gmail')).aud, [DEFAULT_GOOGLE_CLIENT.client_id]);

    const stored = await client.credential('gmail');
    assert.ok(stored);
    const renewed = await client.refresher.handleUnauthorized(stored.key, stored.record.access_token);
    assert.notEqual(renewed.access_token, stored.record.access_token);
    assert.equal(renewed.refresh_token, stored.record.refresh_token, 'Google keeps the refresh token');
  });

  test('deny on the Google-like page: login_denied (its 403 access_denied)', async () => {
    const toml = `[mcp_servers.gmail]
url = "${world.googleMcp.url}"
scopes = ["https://www.googleapis.com/auth/gmail.readonly"]
[mcp_servers.gmail.oauth]
client_id = "${DEFAULT_GOOGLE_CLIENT.client_id}"
client_secret_env_var = "GOOGLE_SECRET"
`;
    const client = new McpOAuthClient({
      config: parseConfig(toml),
      store: new MemoryStore(),
      env: { GOOGLE_SECRET: DEFAULT_GOOGLE_CLIENT.client_secret },
    });
    await assert.rejects(
      deviceLogin(client, 'gmail', (code) =>
        headlessDeviceApproval({ decision: 'deny' }).approve(code.verificationUri, code.userCode),
      ),
      (error: unknown) => isClientError(error, 'login_denied'),
    );
  });
});
