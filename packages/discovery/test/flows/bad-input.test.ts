import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDiscovery, type DiscoveryError, isDiscoveryError } from '@mcp-oauth/discovery';
import { type StandardAs, startStandardAs } from '@mcp-oauth/testbed';
import { challenge, type FakeServer, html, json, redirect, startFakeServer } from '../support/fake-server.js';
import { testHttpClient, withWorld } from '../support/world.js';

const PRM = '/.well-known/oauth-protected-resource';

/** Runs discovery and returns the DiscoveryError it must throw. */
async function failure(promise: Promise<unknown>): Promise<DiscoveryError> {
  try {
    await promise;
  } catch (error) {
    if (isDiscoveryError(error)) return error;
    throw error;
  }
  assert.fail('discovery succeeded where it must fail');
}

function discover(http: ReturnType<typeof testHttpClient>, resourceUrl: string, extra = {}) {
  return createDiscovery({ http }).discover({ resourceUrl, ...extra });
}

describe('bad input at an MCP server that is not the testbed (HTML, redirects, broken challenges)', () => {
  let as: StandardAs;
  let fake: FakeServer;
  const http = testHttpClient();
  const resourceUrl = () => `${fake.origin}/mcp`;
  const goodPrm = () => ({ resource: resourceUrl(), authorization_servers: [as.issuer] });

  before(async () => {
    as = await startStandardAs();
  });
  after(async () => {
    await http.close();
    await as.close();
  });
  const fresh = async () => {
    await fake?.close();
    fake = await startFakeServer();
  };
  after(async () => fake?.close());

  test('an HTML page with 200 where the metadata should be: metadata_not_json, naming the URL', async () => {
    await fresh();
    fake.route(`${PRM}/mcp`, html());
    const error = await failure(discover(http, resourceUrl()));
    assert.equal(error.code, 'metadata_not_json');
    assert.equal(error.stage, 'prm');
    assert.match(error.message, new RegExp(`${PRM}/mcp.*not JSON`));
    assert.match(
      error.message,
      /URLs tried, in order: .*\/mcp \(path-inserted\): HTTP 200, not JSON; .* \(root\): HTTP 404/,
    );
  });

  test('an HTML page at the path-inserted URL does not hide valid metadata at the root', async () => {
    await fresh();
    fake.route(`${PRM}/mcp`, html());
    fake.route(PRM, json(goodPrm()));
    const result = await discover(http, resourceUrl());
    assert.equal(result.sources.prm.source, 'root');
  });

  test('HTML where the authorization-server metadata should be: metadata_not_json in the AS stage', async () => {
    await fresh();
    fake.route(
      `${PRM}/mcp`,
      json({ resource: resourceUrl(), authorization_servers: [`${fake.origin}/tenant`] }),
    );
    for (const path of [
      '/.well-known/oauth-authorization-server/tenant',
      '/.well-known/openid-configuration/tenant',
      '/tenant/.well-known/openid-configuration',
    ]) {
      fake.route(path, html());
    }
    const error = await failure(discover(http, resourceUrl()));
    assert.equal(error.code, 'metadata_not_json');
    assert.equal(error.stage, 'as');
    assert.equal(error.attempts.length, 3);
  });

  test('a redirect to another origin is not followed: metadata_cross_origin_redirect', async () => {
    await fresh();
    fake.route(`${PRM}/mcp`, redirect(`${as.origin}/elsewhere`));
    const error = await failure(discover(http, resourceUrl()));
    assert.equal(error.code, 'metadata_cross_origin_redirect');
    assert.match(error.message, /redirect to another origin/);
    assert.equal(as.log.count({ endpoint: 'other' }), 0);
  });

  test('a redirect within the same origin is followed', async () => {
    await fresh();
    fake.route(`${PRM}/mcp`, redirect('/moved/prm.json'));
    fake.route('/moved/prm.json', json(goodPrm()));
    const result = await discover(http, resourceUrl());
    assert.equal(result.sources.prm.source, 'path-inserted');
    assert.equal(result.issuer, as.issuer);
  });

  test('every candidate answers 404: prm_not_found, listing the URLs tried', async () => {
    await fresh();
    const error = await failure(discover(http, resourceUrl()));
    assert.equal(error.code, 'prm_not_found');
    assert.equal(error.retryable, false);
    assert.ok(error.message.includes(`${fake.origin}${PRM}/mcp (path-inserted): HTTP 404`), error.message);
    assert.ok(error.message.includes(`${fake.origin}${PRM} (root): HTTP 404`), error.message);
  });

  test('an empty WWW-Authenticate is ignored (www_authenticate_empty, kept as a warning); well-known URLs are probed', async () => {
    await fresh();
    fake.route('/mcp', challenge(''));
    fake.route(`${PRM}/mcp`, json(goodPrm()));
    const result = await discover(http, resourceUrl());
    assert.equal(result.sources.prm.source, 'path-inserted');
    assert.equal(result.sources.challenge, 'none');
    assert.equal(result.warnings[0]?.code, 'www_authenticate_ignored');
    assert.match(result.warnings[0]?.message ?? '', /www_authenticate_empty/);
  });

  test('a garbage WWW-Authenticate and no metadata: the error says both', async () => {
    await fresh();
    fake.route('/mcp', challenge('Bearer resource_metadata="http://127.0.0.1:1/x'));
    const error = await failure(discover(http, resourceUrl()));
    assert.equal(error.code, 'prm_not_found');
    assert.match(
      error.message,
      /WWW-Authenticate was ignored \(www_authenticate_malformed\): .*unterminated quoted-string/,
    );
  });

  test('a garbage challenge passed by the caller is ignored the same way', async () => {
    await fresh();
    fake.route(`${PRM}/mcp`, json(goodPrm()));
    const result = await discover(http, resourceUrl(), { challenge: 'Bearer realm="a" scope="b"' });
    assert.equal(result.warnings[0]?.code, 'www_authenticate_ignored');
    assert.match(result.warnings[0]?.message ?? '', /caller's WWW-Authenticate .*www_authenticate_malformed/);
    assert.equal(fake.requests.includes('/mcp'), false, 'no probe when the caller passes a challenge');
  });

  test('a resource_metadata URL that gives nothing falls back to the well-known URLs, with a warning', async () => {
    await fresh();
    fake.route('/mcp', challenge(`Bearer resource_metadata="${fake.origin}/gone"`));
    fake.route(`${PRM}/mcp`, json(goodPrm()));
    const result = await discover(http, resourceUrl());
    assert.equal(result.sources.prm.source, 'path-inserted');
    assert.equal(result.warnings[0]?.code, 'prm_header_url_failed');
    assert.deepEqual(
      result.attempts.slice(0, 2).map((a) => [a.source, a.outcome]),
      [
        ['header', 'prm_not_found'],
        ['path-inserted', 'ok'],
      ],
    );
  });

  test('a resource_metadata URL on plain http to a non-loopback host is never requested', async () => {
    await fresh();
    fake.route('/mcp', challenge('Bearer resource_metadata="http://metadata.example.com/prm"'));
    const error = await failure(discover(http, resourceUrl()));
    assert.equal(error.code, 'insecure_url');
    assert.equal(error.attempts[0]?.source, 'header');
  });
});

describe('bad protected-resource metadata from the testbed MCP server', () => {
  test('resource mismatch (RFC 9728 §3.3): prm_resource_mismatch naming both values', async () => {
    await withWorld(
      {},
      { transformMetadata: (doc) => ({ ...doc, resource: 'https://evil.example/mcp' }) },
      async ({ mcp, http }) => {
        const error = await failure(discover(http, mcp.url));
        assert.equal(error.code, 'prm_resource_mismatch');
        assert.equal(error.stage, 'prm');
        assert.ok(error.message.includes('"https://evil.example/mcp"'), error.message);
        assert.ok(error.message.includes(JSON.stringify(mcp.url)), error.message);
        assert.ok(error.message.includes(mcp.resourceMetadataUrl), error.message);
      },
    );
  });

  for (const [label, transform] of [
    ['absent', ({ authorization_servers: _, ...doc }: Record<string, unknown>) => doc],
    ['empty', (doc: Record<string, unknown>) => ({ ...doc, authorization_servers: [] })],
  ] as const) {
    test(`authorization_servers ${label}: prm_no_authorization_servers`, async () => {
      await withWorld({}, { transformMetadata: transform }, async ({ mcp, http }) => {
        const error = await failure(discover(http, mcp.url));
        assert.equal(error.code, 'prm_no_authorization_servers');
        assert.match(error.message, /lists no "authorization_servers"/);
      });
    });
  }

  test('scopes_supported of the wrong type: prm_invalid', async () => {
    await withWorld(
      {},
      { transformMetadata: (doc) => ({ ...doc, scopes_supported: 'mcp:tools' }) },
      async ({ mcp, http }) => {
        const error = await failure(discover(http, mcp.url));
        assert.equal(error.code, 'prm_invalid');
        assert.match(error.message, /"scopes_supported" is not an array of strings/);
      },
    );
  });

  test('an oversized document: metadata_too_large', async () => {
    await withWorld(
      {},
      { transformMetadata: (doc) => ({ ...doc, padding: 'x'.repeat(1_100_000) }) },
      async ({ mcp, http }) => {
        const error = await failure(discover(http, mcp.url));
        assert.equal(error.code, 'metadata_too_large');
        assert.equal(error.retryable, false);
      },
    );
  });

  test('a body that stalls: metadata_timeout, retryable', async () => {
    await withWorld({}, {}, async ({ mcp, http }) => {
      mcp.knobs.fail({ endpoint: 'prm', mode: { kind: 'stall' }, times: Number.POSITIVE_INFINITY });
      const error = await failure(discover(http, mcp.url));
      assert.equal(error.code, 'metadata_timeout');
      assert.equal(error.retryable, true);
      assert.match(error.message, /timed out \(body\)/);
    });
  });

  test('no answer at all: metadata_timeout (headers)', async () => {
    await withWorld({}, {}, async ({ mcp, http }) => {
      mcp.knobs.fail({ endpoint: 'prm', mode: { kind: 'hang' }, times: Number.POSITIVE_INFINITY });
      const error = await failure(discover(http, mcp.url));
      assert.equal(error.code, 'metadata_timeout');
      assert.match(error.message, /timed out \(headers\)/);
    });
  });

  test('5xx on every candidate: metadata_unavailable, retryable', async () => {
    await withWorld({}, { challengeResourceMetadata: false }, async ({ mcp, http, log }) => {
      mcp.knobs.fail({
        endpoint: 'prm',
        mode: { kind: 'status', status: 503 },
        times: Number.POSITIVE_INFINITY,
      });
      const error = await failure(discover(http, mcp.url));
      assert.equal(error.code, 'metadata_unavailable');
      assert.equal(error.retryable, true);
      assert.equal(log.count({ endpoint: 'prm' }), 2);
      assert.match(error.message, /path-inserted\): HTTP 503; .*\(root\): HTTP 503/);
    });
  });
});

describe('bad authorization-server metadata from the testbed AS', () => {
  const withAs =
    (transformMetadata: (doc: Record<string, unknown>) => Record<string, unknown>) =>
    (body: Parameters<typeof withWorld>[2]) =>
      withWorld({ issuerPath: '/t', transformMetadata }, {}, body);

  test('issuer mismatch (RFC 8414 §3.3): as_issuer_mismatch on every layout', async () => {
    await withAs((doc) => ({ ...doc, issuer: 'https://evil.example' }))(async ({ mcp, as, http }) => {
      const error = await failure(discover(http, mcp.url));
      assert.equal(error.code, 'as_issuer_mismatch');
      assert.equal(error.stage, 'as');
      assert.deepEqual(
        error.attempts.map((a) => a.outcome),
        ['as_issuer_mismatch', 'as_issuer_mismatch', 'as_issuer_mismatch'],
      );
      assert.ok(
        error.message.includes(`"https://evil.example", not ${JSON.stringify(as.issuer)}`),
        error.message,
      );
    });
  });

  test('issuer mismatch with allowIssuerMismatch: accepted, recorded as a warning', async () => {
    await withAs((doc) => ({ ...doc, issuer: 'https://login.example.com/{tenantid}/v2.0' }))(
      async ({ mcp, as, http }) => {
        const result = await discover(http, mcp.url, { allowIssuerMismatch: true });
        assert.equal(result.issuer, as.issuer);
        assert.equal(result.authorizationServerMetadata.issuer, 'https://login.example.com/{tenantid}/v2.0');
        assert.deepEqual(
          result.warnings.map((w) => w.code),
          ['issuer_mismatch_allowed'],
        );
        assert.equal(result.policy.allowIssuerMismatch, true);
      },
    );
  });

  test('no code_challenge_methods_supported: pkce_s256_not_supported naming the override', async () => {
    await withAs(({ code_challenge_methods_supported: _, ...doc }) => doc)(async ({ mcp, http }) => {
      const error = await failure(discover(http, mcp.url));
      assert.equal(error.code, 'pkce_s256_not_supported');
      assert.match(error.message, /allow_missing_pkce_metadata/);
    });
  });

  test('no code_challenge_methods_supported with allowMissingPkceMetadata: accepted with a warning', async () => {
    await withAs(({ code_challenge_methods_supported: _, ...doc }) => doc)(async ({ mcp, http }) => {
      const result = await discover(http, mcp.url, { allowMissingPkceMetadata: true });
      assert.deepEqual(
        result.warnings.map((w) => w.code),
        ['pkce_metadata_missing_allowed'],
      );
    });
  });

  test('only "plain": pkce_s256_not_supported even with allowMissingPkceMetadata', async () => {
    await withAs((doc) => ({ ...doc, code_challenge_methods_supported: ['plain'] }))(
      async ({ mcp, http }) => {
        const error = await failure(discover(http, mcp.url, { allowMissingPkceMetadata: true }));
        assert.equal(error.code, 'pkce_s256_not_supported');
        assert.match(error.message, /\["plain"\]/);
      },
    );
  });

  test('response_types_supported without "code": response_type_code_not_supported', async () => {
    await withAs((doc) => ({ ...doc, response_types_supported: ['token'] }))(async ({ mcp, http }) => {
      const error = await failure(discover(http, mcp.url));
      assert.equal(error.code, 'response_type_code_not_supported');
    });
  });

  for (const endpoint of [
    'javascript:alert(document.cookie)',
    'data:text/html,<h1>hi</h1>',
    'file:///etc/passwd',
  ]) {
    test(`authorization_endpoint ${endpoint.split(':')[0]}: disallowed_url_scheme`, async () => {
      await withAs((doc) => ({ ...doc, authorization_endpoint: endpoint }))(async ({ mcp, http }) => {
        const error = await failure(discover(http, mcp.url));
        assert.equal(error.code, 'disallowed_url_scheme');
        assert.match(error.message, /"authorization_endpoint" in the authorization-server metadata at /);
      });
    });
  }

  for (const name of ['token_endpoint', 'authorization_endpoint', 'registration_endpoint']) {
    test(`${name} on http to a non-loopback host: insecure_url`, async () => {
      await withAs((doc) => ({ ...doc, [name]: 'http://as.example.com/endpoint' }))(async ({ mcp, http }) => {
        const error = await failure(discover(http, mcp.url));
        assert.equal(error.code, 'insecure_url');
        assert.ok(error.message.includes(`"${name}"`), error.message);
        assert.ok(error.message.includes('"http://as.example.com/endpoint"'), error.message);
      });
    });
  }

  test('5xx on every candidate: metadata_unavailable, retryable, three URLs listed', async () => {
    await withWorld({ issuerPath: '/t' }, {}, async ({ mcp, as, http }) => {
      as.knobs.fail({
        endpoint: 'metadata',
        mode: { kind: 'status', status: 502 },
        times: Number.POSITIVE_INFINITY,
      });
      const error = await failure(discover(http, mcp.url));
      assert.equal(error.code, 'metadata_unavailable');
      assert.equal(error.retryable, true);
      assert.equal(error.attempts.length, 3);
      assert.equal(as.log.count({ endpoint: 'metadata' }), 3);
    });
  });

  test('every candidate 404: as_metadata_not_found listing the three URLs', async () => {
    await withWorld({ issuerPath: '/t', metadataLayouts: [] }, {}, async ({ mcp, as, http }) => {
      const error = await failure(discover(http, mcp.url));
      assert.equal(error.code, 'as_metadata_not_found');
      for (const layout of ['oauth-path-inserted', 'oidc-path-inserted', 'oidc-path-appended'] as const) {
        assert.ok(error.message.includes(`${as.metadataUrl(layout)} (${layout}): HTTP 404`), error.message);
      }
    });
  });

  test('stalled AS metadata body: metadata_timeout', async () => {
    await withWorld({}, {}, async ({ mcp, as, http }) => {
      as.knobs.fail({ endpoint: 'metadata', mode: { kind: 'stall' }, times: Number.POSITIVE_INFINITY });
      const error = await failure(discover(http, mcp.url));
      assert.equal(error.code, 'metadata_timeout');
      assert.equal(error.stage, 'as');
    });
  });
});

describe('bad authorization_servers entries and bad MCP URLs', () => {
  for (const [entry, code] of [
    ['http://as.example.com', 'insecure_url'],
    ['https://as.example.com/t?x=1', 'invalid_issuer'],
    ['ftp://as.example.com', 'disallowed_url_scheme'],
    ['not a url', 'invalid_url'],
  ] as const) {
    test(`authorization_servers [${JSON.stringify(entry)}]: ${code}, nothing requested`, async () => {
      await withWorld(
        {},
        { transformMetadata: (doc) => ({ ...doc, authorization_servers: [entry] }) },
        async ({ mcp, http, log }) => {
          const error = await failure(discover(http, mcp.url));
          assert.equal(error.code, code);
          assert.equal(error.stage, 'as');
          assert.equal(log.count({ server: 'as' }), 0);
        },
      );
    });
  }

  for (const url of [
    'ftp://mcp.example.com/mcp',
    'http://mcp.example.com/mcp',
    'https://mcp.example.com/mcp#x',
    'mcp.example.com',
  ]) {
    test(`resource URL ${JSON.stringify(url)}: invalid_resource_url`, async () => {
      const http = testHttpClient();
      try {
        const error = await failure(discover(http, url));
        assert.equal(error.code, 'invalid_resource_url');
      } finally {
        await http.close();
      }
    });
  }

  test('an MCP server that does not answer: resource_unreachable, retryable', async () => {
    const fake = await startFakeServer();
    const origin = fake.origin;
    await fake.close();
    const http = testHttpClient();
    try {
      const error = await failure(discover(http, `${origin}/mcp`));
      assert.equal(error.code, 'resource_unreachable');
      assert.equal(error.retryable, true);
      assert.equal(error.stage, 'probe');
    } finally {
      await http.close();
    }
  });
});
