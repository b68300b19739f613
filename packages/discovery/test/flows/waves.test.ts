import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDiscovery } from '@mcp-oauth/discovery';
import type { LoggedRequest } from '@mcp-oauth/testbed';
import { asMetadata, hang, json, startFakeServer } from '../support/fake-server.js';
import { observingClient } from '../support/observing-client.js';
import { testHttpClient, withWorld } from '../support/world.js';

const seqs = (entries: LoggedRequest[]) => entries.map((e) => e.seq);

describe('one round trip per stage', () => {
  test('OIDC path-appended metadata (as Entra) and root-only PRM: two waves, the PRM URLs with the probe', async () => {
    await withWorld(
      { issuerPath: '/tenant1', metadataLayouts: ['oidc-path-appended'] },
      { challengeResourceMetadata: false, prmLocation: 'root' },
      async ({ mcp, as, http, log }) => {
        // Latency keeps every answer back long enough for the client's other requests of the stage to arrive.
        as.knobs.latencyMs = 300;
        mcp.knobs.latencyMs = 300;
        const client = observingClient(http, log);
        const result = await createDiscovery({ http: client }).discover({ resourceUrl: mcp.url });
        assert.equal(result.sources.prm.source, 'root');
        assert.equal(result.sources.authorizationServer.source, 'oidc-path-appended');

        const probe = log.entries({ endpoint: 'mcp' });
        const prm = log.entries({ endpoint: 'prm' });
        const meta = log.entries({ endpoint: 'metadata' });
        assert.deepEqual(
          prm.map((e) => e.path),
          ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource'],
        );
        assert.deepEqual(
          meta.map((e) => e.path).sort(),
          [
            '/.well-known/oauth-authorization-server/tenant1',
            '/.well-known/openid-configuration/tenant1',
            '/tenant1/.well-known/openid-configuration',
          ].sort(),
        );
        // Two waves: the probe with both well-known PRM URLs, then the AS metadata candidates. Every request of
        // the first wave arrived before any of the second.
        const first = [...probe, ...prm];
        assert.ok(Math.max(...seqs(first)) < Math.min(...seqs(meta)), 'probe and PRM before the AS stage');
        // One wave each: the first answer of a wave reached the client only after all its requests had arrived at
        // the servers (a client that waited for the probe's answer, or tried the URLs one after the other, would
        // see fewer requests here).
        for (const [name, entries, isOfWave] of [
          ['probe and PRM', first, (url: string) => url.startsWith(mcp.origin)],
          ['AS metadata', meta, (url: string) => url.startsWith(as.origin)],
        ] as const) {
          const answer = client.observations.find((o) => isOfWave(o.url));
          assert.ok(answer, `an answer of the ${name} wave`);
          assert.ok(
            answer.logSeq >= Math.max(...seqs(entries)),
            `${name}: first answer arrived when the log was at ${answer.logSeq}, requests ${seqs(entries)}`,
          );
        }
        assert.equal(log.count(), 1 + 2 + 3);
      },
    );
  });

  test('the winner does not wait for lower-priority candidates: losers are cancelled', async () => {
    const fake = await startFakeServer();
    const http = testHttpClient({ timeouts: { headersMs: 60_000, bodyMs: 60_000, totalMs: 60_000 } });
    const closed = { count: 0 };
    try {
      const issuer = `${fake.origin}/t`;
      const resourceUrl = `${fake.origin}/mcp`;
      fake.route(
        '/.well-known/oauth-protected-resource/mcp',
        json({ resource: resourceUrl, authorization_servers: [issuer] }),
      );
      fake.route('/.well-known/oauth-protected-resource', hang(closed));
      fake.route('/.well-known/oauth-authorization-server/t', json(asMetadata(issuer)));
      fake.route('/.well-known/openid-configuration/t', hang(closed));
      fake.route('/t/.well-known/openid-configuration', hang(closed));
      const result = await createDiscovery({ http }).discover({ resourceUrl });
      assert.equal(result.sources.authorizationServer.source, 'oauth-path-inserted');
      for (let i = 0; i < 100 && closed.count < 3; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(closed.count, 3, 'the three hanging loser requests were aborted by the client');
    } finally {
      await http.close();
      await fake.close();
    }
  });

  test('a lower-priority answer waits for the higher-priority one: priority order, not arrival order', async () => {
    const fake = await startFakeServer();
    const http = testHttpClient();
    try {
      const resourceUrl = `${fake.origin}/mcp`;
      const issuerA = `${fake.origin}/a`;
      // The path-inserted document answers late; the root one at once. Path-inserted must still win.
      fake.route('/.well-known/oauth-protected-resource/mcp', (req, res) => {
        setTimeout(() => json({ resource: resourceUrl, authorization_servers: [issuerA] })(req, res), 200);
      });
      fake.route(
        '/.well-known/oauth-protected-resource',
        json({ resource: resourceUrl, authorization_servers: ['https://other.example'] }),
      );
      fake.route('/.well-known/oauth-authorization-server/a', json(asMetadata(issuerA)));
      const result = await createDiscovery({ http }).discover({ resourceUrl });
      assert.equal(result.sources.prm.source, 'path-inserted');
      assert.equal(result.issuer, issuerA);
    } finally {
      await http.close();
      await fake.close();
    }
  });
});
