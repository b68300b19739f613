import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { COMMAND_NAMES, commandIndex } from './command-line.js';
import {
  buildIdOf,
  type CompileCacheEntry,
  compileCacheDir,
  compileCacheKey,
  readCompileCache,
  writeCompileCache,
} from './compile-cache.js';
import type { LaunchContext } from './main.js';

/** What the bundle exports (`main.ts`). */
interface BundleExports {
  main(argv: readonly string[], launch: LaunchContext): Promise<never>;
}

/**
 * V8's budget before it compiles a WebAssembly function again with its optimizing compiler (Node 20's default is
 * 1.8 million, Node 22's 13 million; "a rough approximation of bytes executed"). undici parses HTTP with llhttp in
 * WebAssembly: after a few responses V8 recompiles its one large function on a background thread, some 60-100 ms of
 * CPU on this project's 2-core machines, which a command that ends a few responses later never gets back and which
 * its exit waits for (process exit joins V8's threads; measured with `perf`: a tool call's process lived 60-125 ms
 * past `process.exit`, 10 ms with the recompilation off). With this budget a short command stays on the first
 * compilation and a long session (a tool streaming for minutes) still gets the optimized parser.
 */
const WASM_TIERING_BUDGET = 1_000_000_000;

/**
 * The bundle's `import()` of an optional package (a store backend, the demo's testbed): this module's, since a
 * script's own `import()` needs an experimental flag (`scripts/bundle.mjs`). Resolved from dist/, as the bundle's.
 */
const importModule = (specifier: string): Promise<unknown> => import(specifier);

/** The name of the compile cache for this command line: its command, or `other` (help, version, a typo). */
export function cacheNameOf(argv: readonly string[]): string {
  const name = argv[commandIndex(argv)];
  return name !== undefined && COMMAND_NAMES.includes(name) ? name : 'other';
}

/** What the launcher found of the compile cache, read for `source`; `off` and `unbuilt` read nothing. */
function openCache(source: string, argv: readonly string[]): CompileCacheEntry & { key?: string } {
  const dir = compileCacheDir(process.env, process.platform, homedir());
  if (dir === undefined) return { status: 'off', file: undefined, data: undefined };
  const buildId = buildIdOf(source);
  if (buildId === undefined) return { status: 'unbuilt', file: undefined, data: undefined };
  const key = compileCacheKey(buildId);
  return { ...readCompileCache(dir, cacheNameOf(argv), key), key };
}

/** The CLI bundle, loaded and ready to run. */
export interface LoadedCli {
  /** The bundle's `main` (`main.ts`). */
  readonly main: BundleExports['main'];
  /** How it was loaded, for `--debug`: `compile cache: used (…/call.v8)`. */
  readonly startupNote: string;
  /** Writes the compile cache, when this run should (there was none, or V8 refused it); else undefined. */
  readonly saveCache: (() => void) | undefined;
}

/**
 * Loads the CLI bundle (`dist/mcp-oauth.cjs`, one CommonJS file) as Node loads a CommonJS module, but through
 * `vm.Script` with V8's code cache of the command `argv` runs (`compile-cache.ts`). Node 22's
 * `module.enableCompileCache()` does the same for any module; Node 20 has no such API, and `vm.Script`'s
 * `cachedData` is stable on both.
 *
 * @param bundle The bundle's path or file URL.
 * @see https://nodejs.org/api/vm.html#new-vmscriptcode-options
 */
export function loadCli(bundle: string | URL, argv: readonly string[]): LoadedCli {
  // Before anything is compiled: V8's flags are part of what its code cache must match.
  v8.setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
  const path = bundle instanceof URL || bundle.startsWith('file:') ? fileURLToPath(bundle) : bundle;
  if (process.sourceMapsEnabled) return loadWithSourceMaps(path);
  const source = readFileSync(path, 'utf8');
  const cache = openCache(source, argv);
  // Node's CommonJS wrapper (and the importer), on the first line: line numbers in stack traces and the source map
  // stay the bundle's.
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname, __mcpOAuthImport) {${source}\n})`,
    { filename: path, ...(cache.data === undefined ? {} : { cachedData: cache.data }) },
  );
  const rejected = cache.data !== undefined && script.cachedDataRejected === true;
  const module = { exports: {} as BundleExports };
  script.runInThisContext()(module.exports, createRequire(path), module, path, dirname(path), importModule);
  const status = cache.status === 'found' ? (rejected ? 'rejected by V8' : 'used') : cache.status;
  const { file, key } = cache;
  return {
    main: module.exports.main,
    startupNote: `compile cache: ${status}${file === undefined ? '' : ` (${file})`}`,
    saveCache:
      file !== undefined && key !== undefined && (cache.status !== 'found' || rejected)
        ? () => void writeCompileCache(file, key, script.createCachedData())
        : undefined,
  };
}

/**
 * With `node --enable-source-maps`, the bundle is loaded by Node's own CommonJS loader, which maps its stack traces to
 * the TypeScript sources (a `vm.Script` is not mapped), without the compile cache. The bundle's `__mcpOAuthImport`
 * is then a global.
 */
function loadWithSourceMaps(path: string): LoadedCli {
  Object.assign(globalThis, { __mcpOAuthImport: importModule });
  const exports = createRequire(import.meta.url)(path) as BundleExports;
  return { main: exports.main, startupNote: 'compile cache: off (source maps are on)', saveCache: undefined };
}

/**
 * Starts the `mcp-oauth` process: loads the CLI bundle ({@link loadCli}) and runs its `main`, which writes the
 * compile cache after a run that had none (or one V8 refused), once the command's output is out.
 *
 * @param bundle The bundle's path or file URL.
 */
export async function launch(
  bundle: string | URL,
  argv: readonly string[] = process.argv.slice(2),
): Promise<never> {
  const cli = loadCli(bundle, argv);
  return cli.main(argv, {
    startupNote: cli.startupNote,
    ...(cli.saveCache === undefined ? {} : { beforeExit: cli.saveCache }),
  });
}
