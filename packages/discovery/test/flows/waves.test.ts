import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDiscovery } from '@mcp-oauth/discovery';
import type { LoggedRequest } from '@mcp-oauth/testbed';
import { asMetadata, hang, json, startFakeServer } from '../support/fake-server.js';
import { observingClient } from '../support/observing-client.js';
import { testHttpClient, withWorld } from '../support/world.js';

const seqs = (entries: LoggedRequest[]) => entries.map((e) => e.seq);

describe('one round trip per stage', () => {
  test('OIDC path-appended metadata (as Entra) and root-only PRM: each stage is one wave', async () => {
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
        // Stages in order: every request of a stage arrived before any request of the next stage.
        assert.ok(Math.max(...seqs(probe)) < Math.min(...seqs(prm)), 'probe before PRM');
        assert.ok(Math.max(...seqs(prm)) < Math.min(...seqs(meta)), 'PRM stage before AS stage');
        // One wave per stage: the first answer of a stage reached the client only after all its requests had
        // arrived at the servers (a client trying the URLs one after the other would see one request here).
        for (const [name, entries, isOfStage] of [
          ['PRM', prm, (url: string) => url.includes('/.well-known/oauth-protected-resource')],
          ['AS metadata', meta, (url: string) => url.startsWith(as.origin)],
        ] as const) {
          const first = client.observations.find((o) => isOfStage(o.url));
          assert.ok(first, `an answer of the ${name} stage`);
          assert.ok(
            first.logSeq >= Math.max(...seqs(entries)),
            `${name}: first answer arrived when the log was at ${first.logSeq}, requests ${seqs(entries)}`,
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
