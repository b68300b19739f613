// An outsider's install (issue 15): every publishable package packed, a fresh npm project in a temporary directory
// outside the workspace, the install commands of docs/embedding.md run with npm (the tarballs standing in for the
// registry; the npm cache keeps it fast), every ts block of that page type-checked under `nodenext` and `bundler`
// with the repository's TypeScript, and its two complete programs run against the testbed: `connect` with a login
// pasted through a pipe (the process must exit by itself) and the SDK adapter with a plain SDK 1.x Client. The
// client-only install with a file store holds none of the optional or test-only packages; the global CLI install
// holds no testbed and `mcp-oauth demo` says how to get it. The sizes of both installs are printed.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { headlessUserAgent, startWorld, type World } from '@mcp-oauth/testbed';
import { extractSnippets } from '../docs/snippets.js';
import { assertBuilt, ROOT } from './support/built-cli.js';
import {
  installCommands,
  installedPackages,
  npm,
  npmInstallArgs,
  outsiderEnv,
  packAll,
  sizeMb,
} from './support/outsider.js';

const run = promisify(execFile);
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
/** What a client-only embed with a file store must not install. */
const NOT_IN_CLIENT_ONLY = [
  '@keyv/redis',
  'keyv',
  '@napi-rs/keyring',
  'oidc-provider',
  'playwright-core',
  '@mcp-oauth/testbed',
  '@mcp-oauth/cli',
];

assertBuilt();
let dir: string;
let world: World;
let tarballs: Map<string, string>;
let commands: string[];
/** The global CLI install, started in `before` next to the client project's work (they are independent). */
let cliInstall: Promise<{ prefix: string } | { error: unknown }>;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-outsider-'));
  const doc = await readFile(join(ROOT, 'docs/embedding.md'), 'utf8');
  commands = installCommands(doc, '## Install');
  await mkdir(join(dir, 'tarballs'));
  [tarballs, world] = await Promise.all([packAll(join(dir, 'tarballs')), startWorld()]);
  const prefix = join(dir, 'cli-prefix');
  cliInstall = (async () => {
    const cli = command('install --global @mcp-oauth/cli');
    assert.match(cli, /--global/);
    await npm([...npmInstallArgs(cli, tarballs), '--prefix', prefix], dir);
    return { prefix };
  })().catch((error: unknown) => ({ error }));
});

after(async () => {
  await world?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** The documented command that mentions `needle`. */
function command(needle: string): string {
  const found = commands.find((c) => c.includes(needle));
  assert.ok(found, `docs/embedding.md's Install section has an npm install command with ${needle}`);
  return found;
}

test('every publishable tarball carries LICENSE, README.md and dist, and no workspace: range', async () => {
  for (const [name, tarball] of tarballs) {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    for (const file of ['package/LICENSE', 'package/README.md', 'package/package.json']) {
      assert.ok(stdout.split('\n').includes(file), `${name}: ${file} in the tarball`);
    }
    const { stdout: manifest } = await run('tar', ['-xzOf', tarball, 'package/package.json']);
    assert.doesNotMatch(manifest, /workspace:/, `${name}: no workspace: range left`);
  }
});

test('the client-only install, the doc examples type-checked, both complete programs run', async (t) => {
  const project = join(dir, 'embed');
  await mkdir(join(project, 'examples'), { recursive: true });
  await writeFile(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'outsider-embed', private: true, type: 'module' }, null, 2)}\n`,
  );

  // 1. The one-command install of docs/embedding.md.
  const base = commands[0] ?? '';
  assert.match(base, /^npm install @mcp-oauth\/client /);
  await npm(npmInstallArgs(base, tarballs), project);
  const clientOnly = installedPackages(join(project, 'node_modules'));
  assert.ok(clientOnly.has('@mcp-oauth/client') && clientOnly.has('@mcp-oauth/refresh'));
  for (const name of NOT_IN_CLIENT_ONLY) {
    assert.ok(!clientOnly.has(name), `a client-only install must not contain ${name}`);
  }
  assert.ok(!clientOnly.has('@modelcontextprotocol/sdk'), 'SDK 1.x is an optional peer of the client');
  t.diagnostic(
    `client-only install (file store): node_modules ${await sizeMb(join(project, 'node_modules'))} MB`,
  );

  // 2. Without the optional backends: the named error with the install command, auto falls back to the file.
  const { stdout: missing } = await run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { createCredentialStore, openCredentialStore } from '@mcp-oauth/token-store';
       const codes = [];
       try { createCredentialStore({ kind: 'keyring', home: 'h' }); } catch (e) { codes.push(e.code + ': ' + e.message); }
       try { await openCredentialStore({ kind: 'keyv', keyvUrl: 'redis://127.0.0.1:1' }); } catch (e) { codes.push(e.code + ': ' + e.message); }
       const auto = createCredentialStore({ kind: 'auto', home: 'h' });
       codes.push('auto: ' + (await auto.status()).active);
       console.log(JSON.stringify(codes));`,
    ],
    { cwd: project, env: outsiderEnv() },
  );
  const [keyring, keyv, auto] = JSON.parse(missing) as string[];
  assert.match(keyring ?? '', /^store_backend_missing: .*; run: npm install @napi-rs\/keyring$/);
  assert.match(keyv ?? '', /^store_backend_missing: .*; run: npm install @keyv\/redis$/);
  assert.equal(auto, 'auto: file');

  // 3. The doc's ts blocks as files of the project; the complete programs under their own names.
  const doc = await readFile(join(ROOT, 'docs/embedding.md'), 'utf8');
  const programs: string[] = [];
  for (const snippet of extractSnippets('docs/embedding.md', doc)) {
    const named = /^\/\/ file: (\S+\.ts)/.exec(snippet.code)?.[1];
    if (named !== undefined) programs.push(named);
    const text = `${snippet.setup === '' ? '' : `${snippet.setup}\n`}${snippet.code}\nexport {};\n`;
    await writeFile(join(project, 'examples', named ?? `line-${snippet.line}.ts`), text);
  }
  assert.deepEqual(programs.sort(), ['connect.ts', 'sdk-adapter.ts']);
  const tsconfig = (compilerOptions: Record<string, unknown>) =>
    JSON.stringify({
      compilerOptions: { target: 'es2022', strict: true, types: ['node'], ...compilerOptions },
      include: ['examples'],
    });

  // The minimum settings of the doc (skipLibCheck) hold for the client-only install (no SDK 1.x).
  await npm(
    ['install', '--save-dev', '@types/node@^20', '--prefer-offline', '--no-audit', '--no-fund'],
    project,
  );
  await writeFile(
    join(project, 'tsconfig.minimal.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        target: 'es2022',
        strict: true,
        skipLibCheck: true,
        noEmit: true,
      },
      files: ['examples/connect.ts'],
    }),
  );
  await tsc(project, 'tsconfig.minimal.json');

  // 4. The feature installs the examples need (SDK 1.x, the protocol packages), then both settings.
  await npm(npmInstallArgs(command('@modelcontextprotocol/sdk'), tarballs), project);
  await npm(npmInstallArgs(command('@mcp-oauth/discovery'), tarballs), project);
  await writeFile(
    join(project, 'tsconfig.nodenext.json'),
    tsconfig({ module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: true, outDir: 'out' }),
  );
  await writeFile(
    join(project, 'tsconfig.bundler.json'),
    tsconfig({ module: 'preserve', moduleResolution: 'bundler', skipLibCheck: true, noEmit: true }),
  );
  await Promise.all([tsc(project, 'tsconfig.nodenext.json'), tsc(project, 'tsconfig.bundler.json')]);

  // 5. connect.ts: the login is pasted through a pipe that stays open; the process must exit by itself.
  const home = join(project, 'agent-home');
  const url = world.strictMcp.url;
  const connect = spawn(process.execPath, ['out/connect.js', url, home], {
    cwd: project,
    env: outsiderEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const connected = outcome(connect);
  const authorizationUrl = await firstLine(connect, /^https?:\/\/\S+$/);
  const callback = await headlessUserAgent().authorize(authorizationUrl);
  connect.stdin?.write(`${callback}\n`); // and never ended: the paste agent must release it
  const first = await connected;
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^tools: \S/m);

  // 6. sdk-adapter.ts: a plain SDK 1.x Client with the adapter, on the credential connect.ts stored.
  const adapter = spawn(process.execPath, ['out/sdk-adapter.js', url, home], {
    cwd: project,
    env: outsiderEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const second = await outcome(adapter);
  assert.equal(second.code, 0, second.stderr);
  const tools = (text: string) => /^tools: (.*)$/m.exec(text)?.[1];
  assert.equal(tools(second.stdout), tools(first.stdout));
});

test('the global CLI install holds no testbed, and demo says how to get it', async (t) => {
  const cliResult = await cliInstall;
  if ('error' in cliResult) throw cliResult.error;
  const { prefix } = cliResult;
  const modules = join(prefix, 'lib/node_modules');
  const installed = installedPackages(modules);
  assert.ok(
    installed.has('@mcp-oauth/cli') && installed.has('@napi-rs/keyring') && installed.has('@keyv/redis'),
  );
  for (const name of ['oidc-provider', 'playwright-core', '@mcp-oauth/testbed']) {
    assert.ok(!installed.has(name), `the CLI install must not contain ${name}`);
  }
  t.diagnostic(`CLI install (global): node_modules ${await sizeMb(modules)} MB`);
  const demo = spawn(join(prefix, 'bin/mcp-oauth'), ['demo'], {
    cwd: dir,
    env: { ...outsiderEnv(), HOME: dir, MCP_OAUTH_HOME: join(dir, 'cli-home') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = await outcome(demo);
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /@mcp-oauth\/testbed/);
  assert.match(result.stderr, /npx --package=@mcp-oauth\/cli --package=@mcp-oauth\/testbed mcp-oauth demo/);
});

async function tsc(cwd: string, project: string): Promise<void> {
  const started = Date.now();
  try {
    await run(process.execPath, [TSC, '-p', project], { cwd, env: outsiderEnv() });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    assert.fail(`tsc -p ${project} failed in the outsider project:\n${stdout}${stderr}`);
  }
  console.log(`tsc ${project}: ${Date.now() - started} ms`);
}

/** How `child` ended, with what it printed. It must end by itself: after 90 s it is killed and reported. */
function outcome(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the process did not exit by itself; stdout: ${stdout}; stderr: ${stderr}`));
    }, 90_000);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The first line of `child`'s stdout that matches `pattern`. */
function firstLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer | string) => {
      buffer += String(chunk);
      const line = buffer.split('\n').find((l) => pattern.test(l.trim()));
      if (line !== undefined) {
        child.stdout?.off('data', onData);
        resolve(line.trim());
      }
    };
    child.stdout?.on('data', onData);
    child.on('exit', () => reject(new Error(`exited before printing a line matching ${pattern}: ${buffer}`)));
  });
}
