export { alternate } from './alternate.js';
export { BENCHMARKS, type BenchmarkId, type BenchOptions, parseBenchArgs, USAGE } from './bench-options.js';
export { describeMachine, type Machine } from './machine.js';
export { ms, table, times } from './markdown.js';
export { sequentialRoundTrips } from './round-trips.js';
export { SdkProvider, type SdkProviderState } from './sdk-provider.js';
export { median, percentile, type Summary, speedup, summarize } from './stats.js';
