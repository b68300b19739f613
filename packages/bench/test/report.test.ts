import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBenchArgs } from '../src/bench-options.js';
import type { ColdLoginResult, LoginSample, LoginSide } from '../src/cold-login.js';
import type { RefreshStormResult, StormSample } from '../src/refresh-storm.js';
import { type BenchRun, renderReport } from '../src/report.js';
import type { ScaleWorkerResult } from '../src/scale-worker.js';
import type { CallSample, CallSide, ToolCallResult } from '../src/tool-call.js';

const machine = { cores: 2, cpuModel: 'Test CPU', memoryGiB: 24, node: 'v20.20.2', os: 'linux test' };

function run(parts: Partial<BenchRun>, argv: string[] = []): BenchRun {
  return {
    options: parseBenchArgs(argv),
    machine,
    versions: { 'mcp-remote': '0.15.1' },
    startedAt: new Date('2026-11-21T00:00:00Z'),
    durationMs: 1000,
    ...parts,
  };
}

const login = (
  ms: number,
  roundTrips: number,
  discoveryRoundTrips: number,
  discoveryRequests = 3,
): LoginSample => ({
  ms,
  roundTrips,
  requests: roundTrips,
  discoveryRequests,
  discoveryRoundTrips,
});

function coldLogin(
  oursMs: number,
  sdkMs: number,
  warmDiscovery = 0,
  oursDiscoveryRoundTrips = 3,
): ColdLoginResult {
  const samples = (side: LoginSide): LoginSample[] => {
    if (side === 'oursCold') return [login(oursMs, oursDiscoveryRoundTrips + 1, oursDiscoveryRoundTrips)];
    if (side === 'oursWarm') return [login(2, 0, 0, warmDiscovery)];
    if (side.endsWith('Warm')) return [login(1, 0, 0, 0)];
    return [login(sdkMs, 6, 5)];
  };
  const sides = [
    'oursCold',
    'sdkConnectCold',
    'sdkAuthCold',
    'oursWarm',
    'sdkConnectWarm',
    'sdkAuthWarm',
  ] as const;
  return {
    latencyMs: 50,
    issuerPath: '/tenant1',
    rounds: 1,
    layouts: (['oauth-path-inserted', 'oidc-path-inserted', 'oidc-path-appended'] as const).map((layout) => ({
      layout,
      samples: Object.fromEntries(sides.map((s) => [s, samples(s)])) as Record<LoginSide, LoginSample[]>,
      verified: Object.fromEntries(sides.map((s) => [s, true])) as Record<LoginSide, boolean>,
    })),
  };
}

function toolCall(cliMs: number, floorMs: number, remoteMs: number): ToolCallResult {
  const sample = (resultMs: number): CallSample[] => [{ resultMs, exitMs: resultMs + 10, requests: 4 }];
  const samples: Record<CallSide, CallSample[]> = {
    cli: sample(cliMs),
    cliNoCache: sample(cliMs + 100),
    sdkFloor: sample(floorMs),
    sdkV2Floor: sample(floorMs),
    mcpRemote: sample(remoteMs),
  };
  return {
    rounds: 1,
    imports: [
      { what: 'nothing (Node start)', importMs: 1, spawnMs: 60 },
      { what: 'the CLI without its compile cache', importMs: 250, spawnMs: 310 },
      { what: 'the CLI through its compile cache', importMs: 50, spawnMs: 110 },
    ],
    samples,
    mcpRemoteVersion: '0.15.1',
    requests: {
      cli: ['mcp POST tools/call → 200'],
      cliNoCache: ['mcp POST tools/call → 200'],
      sdkFloor: [],
      sdkV2Floor: [],
      mcpRemote: [],
    },
  };
}

const storm = (tokenRequests: number, extra: Partial<StormSample> = {}): StormSample => ({
  processes: 1,
  calls: 10,
  ok: 10,
  failures: 0,
  errors: {},
  p50: 5,
  p99: 9,
  wallMs: 10,
  tokenRequests,
  invalidGrant: 0,
  grantAlive: true,
  loginsDemanded: 0,
  ...extra,
});

function refreshStorm(oursRequests: number): RefreshStormResult {
  const sdk = storm(7, {
    ok: 1,
    failures: 9,
    invalidGrant: 6,
    grantAlive: false,
    errors: { Unauthorized: 9 },
  });
  return {
    rounds: 1,
    calls: 10,
    accessTokenTtl: 5,
    oneProcess: { ours: [storm(oursRequests)], sdk: [sdk] },
    fourProcesses: { ours: [storm(1, { processes: 4 })], sdk: [sdk] },
    baseline: { ours: [{ p50: 4, p99: 8, failures: 0 }], sdkStatic: [{ p50: 3, p99: 6, failures: 0 }] },
  };
}

function scale(
  credentials: number,
  heapBytes: number,
  timers = 1,
  sharedTokensHeapBytes = heapBytes / 2,
): ScaleWorkerResult {
  return {
    credentials,
    schedulerHeapBytes: heapBytes,
    schedulerHeapSharedTokensBytes: sharedTokensHeapBytes,
    keysBytes: credentials * 160,
    memoryStoreRecordsBytes: credentials * 1500,
    timersAlive: timers,
    timerArmed: true,
    scheduled: credentials,
    cpuPerScheduleUs: 10,
    cpuPerUseDecisionUs: 2,
    cpuPerDueUs: 0.5,
    sameInstant: { peakPerSecond: credentials / 72, spreadMs: 72_000, peakWithoutJitter: credentials },
    steadyState: { peakPerSecond: 40 },
  };
}

const verdict = (report: ReturnType<typeof renderReport>, prefix: string) =>
  report.verdicts.find((v) => v.goal.startsWith(prefix));

test('login goals: stages, the 2× ratio on the path-appended layout, warm discovery', () => {
  const slow = renderReport(run({ coldLogin: coldLogin(200, 300) }));
  assert.equal(verdict(slow, '(1a)')?.met, true);
  assert.equal(verdict(slow, '(1b)')?.met, false);
  assert.match(
    verdict(slow, '(1b)')?.measured ?? '',
    /1\.50× the SDK connect flow \(200 vs 300 ms; 4 vs 6 round trips\)/,
  );
  assert.match(slow.markdown, /short by 1\.33× \(1\.50× of 2×\)/);
  assert.equal(verdict(slow, '(1c)')?.met, true);
  const fast = renderReport(run({ coldLogin: coldLogin(100, 250, 2) }));
  assert.equal(verdict(fast, '(1b)')?.met, true);
  assert.equal(verdict(fast, '(1c)')?.met, false, 'two discovery requests while warm');
  // Fewer round trips than stages (the metadata URLs with the probe) meets (1a); more than one per stage does not.
  const prefetched = renderReport(run({ coldLogin: coldLogin(160, 320, 0, 2) }));
  assert.equal(verdict(prefetched, '(1a)')?.met, true);
  assert.match(
    verdict(prefetched, '(1b)')?.measured ?? '',
    /2\.00× the SDK connect flow \(160 vs 320 ms; 3 vs 6/,
  );
  assert.equal(verdict(prefetched, '(1b)')?.met, true);
  const sequential = renderReport(run({ coldLogin: coldLogin(250, 300, 0, 4) }));
  assert.equal(verdict(sequential, '(1a)')?.met, false);
});

test('tool-call goals: at most 1.0× the SDK v2 floor and 2.5× faster than mcp-remote, to result and to exit', () => {
  const within = renderReport(run({ toolCall: toolCall(100, 100, 300) }));
  assert.equal(verdict(within, '(2a)')?.met, true);
  assert.equal(verdict(within, '(2b)')?.met, true);
  assert.match(
    verdict(within, '(2b)')?.measured ?? '',
    /3\.00× to the result \(300 vs 100 ms\), 2\.82× to exit/,
  );
  const over = renderReport(run({ toolCall: toolCall(120, 100, 250) }));
  assert.equal(verdict(over, '(2a)')?.met, false);
  assert.match(over.markdown, /\(2a\)[^\n]*over by 1\.20×/);
  assert.equal(verdict(over, '(2b)')?.met, false, '2.08× to the result');
  // To exit counts too: the same result times, a CLI that lingers 30 ms longer before exiting.
  const lingering = toolCall(100, 100, 300);
  const cli = lingering.samples.cli.map((s) => ({ ...s, exitMs: s.exitMs + 30 }));
  const slowExit = renderReport(run({ toolCall: { ...lingering, samples: { ...lingering.samples, cli } } }));
  assert.equal(verdict(slowExit, '(2a)')?.met, false);
});

test('tool-call goal (2a) over budget: the prose names the requests the floor does not send, from the data', () => {
  const floorSent = [
    'mcp POST initialize → 200',
    'mcp POST notifications/initialized → 202',
    'mcp POST tools/call → 200',
  ];
  const withRequests = (cli: string[]) => {
    const result = toolCall(150, 100, 300);
    return renderReport(
      run({ toolCall: { ...result, requests: { ...result.requests, cli, sdkV2Floor: floorSent } } }),
    );
  };
  const probing = withRequests(['mcp POST server/discover → 400', ...floorSent]);
  assert.equal(verdict(probing, '(2a)')?.met, false);
  assert.match(
    probing.markdown,
    /Requests the floor does not send \(last round\): `mcp POST server\/discover → 400`\./,
  );
  const same = withRequests(floorSent);
  assert.doesNotMatch(same.markdown, /server\/discover|does not send/);
  assert.match(same.markdown, /It sent the same requests as the floor \(last round\)\./);
  assert.doesNotMatch(same.markdown, /undici/);
});

test('storm goal: exactly one token request in every storm of ours', () => {
  assert.equal(verdict(renderReport(run({ refreshStorm: refreshStorm(1) })), '(3)')?.met, true);
  const two = renderReport(run({ refreshStorm: refreshStorm(2) }));
  assert.equal(verdict(two, '(3)')?.met, false);
  assert.match(two.markdown, /\*\*no\*\* \(1\/1 revoked\)/, 'the SDK grant shows as revoked');
  assert.match(two.markdown, /18 × `Unauthorized`/, 'both storms of the SDK, added');
});

test('scale goal: judged at 1M only; not measured when 1M did not run', () => {
  const sizes = (heap: number, timers = 1) => ({
    schedulerScale: {
      rounds: 1,
      sizes: [{ credentials: 1_000_000, runs: [scale(1_000_000, heap, timers)] }],
    },
  });
  const within = renderReport(run(sizes(200 * 2 ** 20)));
  assert.equal(verdict(within, '(4)')?.met, true);
  assert.match(
    verdict(within, '(4)')?.measured ?? '',
    /CPU 10\.00 µs per schedule, 0\.50 µs per due credential/,
  );
  assert.equal(verdict(renderReport(run(sizes(250 * 2 ** 20))), '(4)')?.met, true, '250 MB is within');
  const heavy = renderReport(run(sizes(300 * 2 ** 20)));
  assert.equal(verdict(heavy, '(4)')?.met, false);
  assert.match(heavy.markdown, /over by 50\.0 MB/);
  assert.equal(verdict(renderReport(run(sizes(200 * 2 ** 20, 2))), '(4)')?.met, false, 'two timers');
  const hundredK = renderReport(
    run({
      schedulerScale: { rounds: 1, sizes: [{ credentials: 100_000, runs: [scale(100_000, 2 ** 20)] }] },
    }),
  );
  assert.equal(verdict(hundredK, '(4)')?.met, null);
  const quick = renderReport(
    run({ schedulerScale: { rounds: 1, sizes: [{ credentials: 1000, runs: [scale(1000, 2 ** 20)] }] } }, [
      '--quick',
    ]),
  );
  assert.equal(verdict(quick, '(4)')?.met, null);
  assert.match(
    quick.markdown,
    /\| \(4\) 1M credentials ≤ 250 MB with one live timer \| .* \| not measured \|/,
  );
  assert.match(quick.markdown, /Smoke mode/);
});

test('scale goal over budget: the cause is read from the heap with one shared token string', () => {
  const over = (sharedTokens: number, timers = 1) =>
    renderReport(
      run({
        schedulerScale: {
          rounds: 1,
          sizes: [{ credentials: 1_000_000, runs: [scale(1_000_000, 300 * 2 ** 20, timers, sharedTokens)] }],
        },
      }),
    ).markdown;
  const tokens = over(60 * 2 ** 20);
  assert.match(tokens, /One timer holds, but the scheduler keeps each credential's token/);
  assert.match(tokens, /about 240\.0 MB \(252 B per credential\) follows the tokens/);
  const state = over(299 * 2 ** 20);
  assert.match(state, /the tokens cost nothing \(299\.0 MB with one shared token string\)/);
  assert.match(state, /the scheduler's own state \(315 B per credential/);
  assert.doesNotMatch(state, /keeps each credential's token/);
  assert.match(over(299 * 2 ** 20, 2), /2 live timers, not one/);
});

test('the report names the machine, the versions and the commands, and only its own sections', () => {
  const report = renderReport(run({ toolCall: toolCall(120, 100, 300) }, ['--only', 'tool-call']));
  assert.match(report.markdown, /\| CPU \| 2 cores, Test CPU \|/);
  assert.match(report.markdown, /\| Node \| v20\.20\.2 \|/);
  assert.match(report.markdown, /\| mcp-remote \| 0\.15\.1 \|/);
  assert.match(report.markdown, /pnpm bench --quick/);
  assert.match(report.markdown, /`--only tool-call`/);
  assert.ok(!report.markdown.includes('## 1.'), 'no login section when it did not run');
  assert.equal(report.verdicts.length, 2);
});

test('valid-token goal (5): ≤ 1.03× the static header at p50 and p99, in 1 and 4 processes', () => {
  const s = (p50: number, p99: number) => ({ p50, p99, ok: 1000, failures: 0, errors: {} });
  const validToken = (oursFour: number) => ({
    rounds: 1,
    calls: 1000,
    oneProcess: { ours: [s(102, 200)], oursSession: [s(120, 240)], staticBearer: [s(100, 200)] },
    fourProcesses: { ours: [s(100, oursFour)], oursSession: [s(120, 240)], staticBearer: [s(100, 200)] },
    ops: { oneProcess: [{ get: 0, version: 1 }], fourProcesses: [{ get: 0, version: 4 }] },
    sent: {
      ours: ['POST tools/call → 200, Authorization: Bearer <token>'],
      oursSession: ['POST tools/call → 200, Authorization: Bearer <token>'],
      staticBearer: ['POST tools/call → 200, Authorization: Bearer <token>'],
    },
  });
  const within = renderReport(run({ validToken: validToken(206) }));
  assert.equal(verdict(within, '(5)')?.met, true);
  assert.match(within.markdown, /## 5\. Calls with a valid token/);
  assert.match(within.markdown, /0 reads, 1 checks/);
  assert.match(
    within.markdown,
    /`McpOAuthClient.connect` \(context\) \| 1000 \/ 0 \| 120 \| 240 \| 1\.20× \/ 1\.20×/,
  );
  const over = renderReport(run({ validToken: validToken(210) }));
  assert.equal(verdict(over, '(5)')?.met, false, 'p99 in four processes is 1.05×');
  assert.match(verdict(over, '(5)')?.measured ?? '', /4 processes, one file store: p50 1\.00×, p99 1\.05×/);
});

test('valid-token: the per-round ratios show the noise, the client CPU the work, and the setup names the backlog', () => {
  const s = (p50: number, p99: number) => ({ p50, p99, ok: 1000, failures: 0, errors: {} });
  const c = <T>(sample: T, clientCpuUs: number) => ({ ...sample, clientCpuUs });
  const sent = ['POST tools/call → 200, Authorization: Bearer <token>'];
  const report = renderReport(
    run({
      validToken: {
        rounds: 3,
        calls: 1000,
        oneProcess: {
          ours: [s(90, 200), s(120, 220), s(100, 210)],
          oursSession: [s(120, 240), s(120, 240), s(120, 240)],
          staticBearer: [s(100, 200), s(100, 200), s(100, 200)],
        },
        fourProcesses: {
          ours: [c(s(100, 200), 810), c(s(100, 200), 790), c(s(100, 200), 805)],
          oursSession: [c(s(120, 240), 900), c(s(120, 240), 900), c(s(120, 240), 900)],
          staticBearer: [c(s(100, 200), 800), c(s(100, 200), 780), c(s(100, 200), 795)],
        },
        ops: { oneProcess: [], fourProcesses: [] },
        sent: { ours: sent, oursSession: sent, staticBearer: sent },
      },
    }),
  );
  assert.match(
    report.markdown,
    /Noise: .*1 process: p50 0\.90×–1\.20× \(1\.00×\), p99 1\.00×–1\.10× \(1\.05×\); 4 processes, one file store: p50 1\.00×–1\.00× \(1\.00×\)/,
  );
  assert.match(report.markdown, /listens with a backlog of 2000 connections/);
  assert.match(
    report.markdown,
    /CPU of the client processes per call .*: authorized fetch 805 µs, our whole session 900 µs, static header 795 µs; the authorized fetch adds \+10 µs \(1\.01× the static side's\)\./,
  );
  const why = verdict(report, '(5)')?.why ?? '';
  assert.match(why, /static header 795 µs, a difference of \+10 µs/);
  assert.match(why, /1 process: p50 0\.90×–1\.20×/);
});
