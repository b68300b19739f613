// Bundles the built CLI (dist/main.js and the @mcp-oauth packages it imports) into one file, dist/mcp-oauth.js,
// which bin/mcp-oauth.js runs. Node 20 loads each ES module separately (resolve, read, compile, link): the ~190
// modules of the workspace packages cost about 50 ms at every start, a third of a tool call with a stored token
// (docs/benchmarks.md, benchmark 2). Run after `tsc` (the packages' dist/ are the input); `pnpm build` does both.
//
// Inlined: this package, the @mcp-oauth packages it depends on, jose and smol-toml (INLINED_NPM), and undici's
// agent modules (`undici/lib/…`, which the MCP fetch loads without undici's index). Left as imports:
// every other npm package (one copy
// each, shared with the MCP SDK: zod above all), Node's modules, @mcp-oauth/testbed (the demo's, loaded only by
// `mcp-oauth demo`) and @mcp-oauth/token-store (it resolves its native keyring module from its own location).
// Every package left as an import must be a dependency of this package (the testbed excepted: optional, see
// OPTIONAL_IMPORTS), or the bundle would not find it when installed: the build fails otherwise.
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(await readFile(new URL('package.json', root), 'utf8'));
const NOT_INLINED = new Set(['@mcp-oauth/testbed', '@mcp-oauth/token-store']);
/**
 * npm packages inlined too: ones no other dependency of the CLI imports (so no second copy of anything shared with
 * the MCP SDK) and whose files cost more to load one by one than inlined. jose: about 60 modules (some 50 ms of CPU
 * at every start, benchmark 2) that a call with a bearer token never runs; inlined, only the parts the packages use
 * are kept and nothing of it is compiled until it runs. smol-toml: a dozen modules the config load runs.
 */
const INLINED_NPM = new Set(['jose', 'smol-toml']);

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const result = await build({
  entryPoints: [new URL('dist/main.js', root).pathname],
  outfile: new URL('dist/mcp-oauth.js', root).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  metafile: true,
  // undici's inlined modules are CommonJS and require Node's own modules: give them a require.
  banner: {
    js: "import { createRequire as __mcpOAuthCreateRequire } from 'node:module';\nconst require = __mcpOAuthCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
  plugins: [
    {
      name: 'inline-workspace-packages-only',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          const name = packageName(args.path);
          if (name.startsWith('@mcp-oauth/') && !NOT_INLINED.has(name)) return undefined;
          if (INLINED_NPM.has(name)) return undefined;
          // undici's agent modules, which the MCP fetch loads on their own (http's undici-agent.ts): inlined; its
          // index (OAuth requests) stays an import, so the two never make two copies of one module.
          if (args.path.startsWith('undici/lib/')) return undefined;
          return { path: args.path, external: true };
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
    `dist/mcp-oauth.js imports ${[...undeclared].join(', ')}, not declared in package.json dependencies: declare them there`,
  );
}
