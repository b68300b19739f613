import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { COMMANDS } from '@mcp-oauth/cli';
import { type Sandbox, sandbox } from './cli-sandbox.js';

let box: Sandbox;
before(async () => {
  box = await sandbox();
});
after(() => box.cleanup());

const ESC = '\u001b[';

test('--help lists every command, the global options and the exit codes', async () => {
  const result = await box.run(['--help']);
  assert.equal(result.code, 0);
  assert.equal(result.stderr, '');
  for (const command of COMMANDS)
    assert.match(result.stdout, new RegExp(`^ {2}${command.name} +${command.summary}`, 'm'));
  for (const option of ['--config FILE', '--codex-home DIR', '--no-color', '--version']) {
    assert.ok(result.stdout.includes(option), option);
  }
  for (const line of [
    '2  usage error',
    '3  config error',
    '4  login needed',
    '5  MCP server or authorization server error',
  ]) {
    assert.ok(result.stdout.includes(line), line);
  }
  assert.ok(!result.stdout.includes(ESC), 'no color when stdout is not a terminal');
});

test('every command has --help with usage, options and an example', async () => {
  const results = await Promise.all(COMMANDS.map((command) => box.run([command.name, '--help'])));
  for (const [index, command] of COMMANDS.entries()) {
    const result = results[index] as Awaited<ReturnType<Sandbox['run']>>;
    assert.equal(result.code, 0, command.name);
    assert.ok(result.stdout.startsWith(`Usage: mcp-oauth ${command.name}`), result.stdout);
    assert.match(result.stdout, /\nExamples:\n {2}# .+\n {2}mcp-oauth /);
    assert.ok(result.stdout.includes('--codex-home DIR'));
    assert.deepEqual(await box.run(['help', command.name]), result);
    assert.deepEqual(await box.run(['-h', command.name]), result, 'global -h before the command');
  }
});

test('--version prints the package version', async () => {
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  const result = await box.run(['--version']);
  assert.deepEqual(result, { code: 0, stdout: `${pkg.version}\n`, stderr: '' });
});

test('usage errors exit 2 with a message on stderr and nothing on stdout', async () => {
  const cases: [string[], RegExp][] = [
    [[], /^mcp-oauth: an MCP OAuth client/],
    [
      ['frobnicate'],
      /^mcp-oauth: error: unknown command "frobnicate"\nRun 'mcp-oauth --help' for usage\.\n$/,
    ],
    [
      ['list', '--bogus'],
      /^mcp-oauth: error: Unknown option '--bogus'\nRun 'mcp-oauth list --help' for usage\.\n$/,
    ],
    [
      ['logn', 'x'],
      /^mcp-oauth: error: unknown command "logn"; did you mean "login"\?\nRun 'mcp-oauth --help' for usage\.\n$/,
    ],
    [['help', 'stauts'], /^mcp-oauth: error: unknown command "stauts"; did you mean "status"\?\n/],
    [
      ['login', 'x', '--calback-port', '1'],
      /^mcp-oauth: error: Unknown option '--calback-port'; did you mean --callback-port\?\nRun 'mcp-oauth login --help' for usage\.\n$/,
    ],
    [['get'], /^mcp-oauth: error: get expects NAME, got none\n/],
    [['get', 'a', 'b'], /^mcp-oauth: error: get expects NAME, got "a" "b"\n/],
    [['list', '--', 'x'], /^mcp-oauth: error: list takes no arguments after --\n/],
    [['add', 'x'], /^mcp-oauth: error: missing --url URL \(streamable HTTP server\) or -- COMMAND/],
    [['add', 'x', '--url', 'https://x.example/mcp', '--', 'npx'], /give either --url URL or -- COMMAND/],
    [
      ['add', 'x', '--provider', 'google', '--', 'npx'],
      /--provider applies to --url servers, not stdio ones/,
    ],
    [['add', 'x', '--url', 'https://x.example/mcp', '--env', 'A=1'], /--env applies to stdio servers/],
    [
      ['add', 'x', '--url', 'https://x.example/mcp', '--oauth-resource', 'auto', '--no-oauth-resource'],
      /give either --oauth-resource URI or --no-oauth-resource/,
    ],
    [
      ['add', 'x', '--url', 'https://x.example/mcp', '--extra-authorize-param', 'prompt'],
      /expects KEY=VALUE, got "prompt"/,
    ],
    [
      [
        'add',
        'x',
        '--url',
        'https://x.example/mcp',
        '--extra-authorize-param',
        'a=1',
        '--extra-authorize-param',
        'a=2',
      ],
      /--extra-authorize-param a is given twice/,
    ],
    [['add', 'x', '--url', 'https://x.example/mcp', '--oauth-callback-port', 'abc'], /expects a port number/],
    [['--config'], /^mcp-oauth: error: Option '--config <value>' argument missing/],
  ];
  const results = await Promise.all(cases.map(([args]) => box.run(args)));
  for (const [index, [args, stderr]] of cases.entries()) {
    const result = results[index] as Awaited<ReturnType<Sandbox['run']>>;
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stdout, '', args.join(' '));
    assert.match(result.stderr, stderr, args.join(' '));
  }
});

test('colors: FORCE_COLOR turns them on, NO_COLOR and --no-color off', async () => {
  assert.ok((await box.run(['--help'], { FORCE_COLOR: '1' })).stdout.includes(ESC));
  assert.ok(!(await box.run(['--help'], { FORCE_COLOR: '1', NO_COLOR: '1' })).stdout.includes(ESC));
  assert.ok(!(await box.run(['--help', '--no-color'], { FORCE_COLOR: '1' })).stdout.includes(ESC));
  const error = await box.run(['get', 'nope'], { FORCE_COLOR: '1' });
  assert.equal(error.code, 3);
  assert.ok(error.stderr.includes(`${ESC}31m`), 'errors are red when colors are on');
  const plain = await box.run(['get', 'nope'], { FORCE_COLOR: '1', NO_COLOR: '1' });
  assert.ok(!plain.stderr.includes(ESC));
});
