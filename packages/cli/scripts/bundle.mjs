// Bundles the built CLI (dist/main.js and everything it imports) into one CommonJS file, dist/mcp-oauth.cjs, which
// dist/launch.js loads through V8's code cache (src/launch.ts, docs/architecture.md "The CLI bundle and its compile
// cache"). Node 20 loads each ES module separately (resolve, read, compile, link) and caches no compiled code between
// runs: the CLI's ~190 workspace modules and the MCP SDK's, zod's, jose's and undici's cost more than half of a tool
// call with a stored token (docs/benchmarks.md, benchmark 2). One script can be compiled from V8's code cache
// (`vm.Script` `cachedData`, stable on Node 20; ES modules cannot), so everything the CLI runs is inlined: one copy
// of each package, zod included (the SDK's and the config's are the same one, inside the bundle). Run after `tsc`
// (the packages' dist/ are the input); `pnpm build` does both.
//
// Left as imports: Node's modules; the optional store backends (`@napi-rs/keyring` with its native module, `keyv`,
// `@keyv/redis`), which token-store resolves on first use from the bundle's location, i.e. from this package's
// dependencies; and @mcp-oauth/testbed (the demo's, loaded only by `mcp-oauth demo`). Every package left as an
// import must be a dependency of this package (the testbed excepted: optional, see OPTIONAL_IMPORTS), or an
// installed CLI would not find it: the build fails otherwise.
//
// The bundle never calls `import()` itself: `vm.Script` runs it only with an experimental flag or warning. The two
// `import(specifier)` of an optional package (token-store's backend loader, the demo's testbed loader) call
// `__mcpOAuthImport`, the launcher's `import()`, instead; the build fails when either is not found or another
// `import()` of a computed specifier is left.
//
// The first line of the bundle is `// mcp-oauth-build <sha256>`, the SHA-256 of the rest of the file: the compile
// cache is keyed on it, so a cache written for one build is never used with another, whatever their sizes and
// modification times (npm gives every file of a package the same mtime).
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(await readFile(new URL('package.json', root), 'utf8'));
const outfile = new URL('dist/mcp-oauth.cjs', root).pathname;
/** Loaded on first use from this package's dependencies, never inlined (native code, or optional backends). */
const EXTERNAL = ['@napi-rs/keyring', 'keyv', '@keyv/redis', '@mcp-oauth/testbed'];
/** The first line's placeholder, replaced by the hash of the rest once it is known (same length: the map holds). */
const BUILD_LINE = `// mcp-oauth-build ${'0'.repeat(64)}`;

/** The modules whose `import(specifier)` goes through the launcher's importer (see above). */
const DYNAMIC_IMPORTERS =
  /[\\/](token-store[\\/](?:dist|src)[\\/]optional-backend|cli[\\/](?:dist|src)[\\/]demo[\\/]load-testbed)\.[jt]s$/;
const DYNAMIC_IMPORT = '(specifier) => import(specifier)';

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const result = await build({
  entryPoints: [new URL('dist/main.js', root).pathname],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  // The map names the sources (shipped in each package's src/) without a copy of them: 2 MB instead of 7.
  sourcesContent: false,
  metafile: true,
  // ES module packages (the MCP SDK, zod, jose, smol-toml) are preferred in their ESM form, as Node loads them.
  mainFields: ['module', 'main'],
  conditions: ['import', 'node', 'default'],
  // The two uses of import.meta.url (the package.json next to dist/, token-store's backend resolution) mean "this
  // file": the bundle's own URL.
  define: { 'import.meta.url': '__mcpOAuthBundleUrl' },
  // Strict mode for the whole file, as the ES modules it is made of were (esbuild's own "use strict" comes after the
  // banner, where it is no longer a directive).
  banner: {
    js: `${BUILD_LINE}\n'use strict';\nconst __mcpOAuthBundleUrl = require('node:url').pathToFileURL(__filename).href;`,
  },
  external: EXTERNAL,
  logLevel: 'warning',
  plugins: [
    {
      name: 'dynamic-import-through-launcher',
      setup(b) {
        b.onLoad({ filter: DYNAMIC_IMPORTERS }, async (args) => {
          const text = await readFile(args.path, 'utf8');
          if (!text.includes(DYNAMIC_IMPORT))
            throw new Error(`${args.path} has no \`${DYNAMIC_IMPORT}\` to route`);
          const contents = text.replace(DYNAMIC_IMPORT, '(specifier) => __mcpOAuthImport(specifier)');
          return {
            contents,
            loader: args.path.endsWith('.ts') ? 'ts' : 'js',
            resolveDir: dirname(args.path),
          };
        });
      },
    },
  ],
});

// The testbed is imported only by `demo`, which says how to get it when it is absent (demo_unavailable): it is not
// installed with the CLI. Not a peer dependency either: Changesets would turn every testbed release into a major
// release of the CLI (and, in the fixed group, of every package).
const OPTIONAL_IMPORTS = ['@mcp-oauth/testbed'];
const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...OPTIONAL_IMPORTS]);
const undeclared = new Set();
for (const output of Object.values(result.metafile.outputs)) {
  for (const { path, external } of output.imports) {
    if (!external || path.startsWith('node:') || builtinModules.includes(path)) continue;
    if (!declared.has(packageName(path))) undeclared.add(packageName(path));
  }
}
if (undeclared.size > 0) {
  throw new Error(
    `dist/mcp-oauth.cjs imports ${[...undeclared].join(', ')}, not declared in package.json dependencies: declare them there`,
  );
}

const text = await readFile(outfile, 'utf8');
const routed = text.split('__mcpOAuthImport(specifier)').length - 1;
const computedImport = /(?<![\w$.])import\((?!\s*['"`])/.exec(
  text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ''),
);
if (routed !== 2 || computedImport) {
  throw new Error(
    `dist/mcp-oauth.cjs: ${routed} of 2 optional imports go through the launcher${computedImport ? `; an import() is left: ${computedImport.input.slice(computedImport.index, computedImport.index + 80)}` : ''}`,
  );
}
if (!text.startsWith(`${BUILD_LINE}\n`))
  throw new Error('dist/mcp-oauth.cjs does not start with its build line');
const rest = text.slice(BUILD_LINE.length);
const hash = createHash('sha256').update(rest).digest('hex');
await writeFile(outfile, `// mcp-oauth-build ${hash}${rest}`);
