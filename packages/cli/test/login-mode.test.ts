// How `login` picks its mode, and how a device login is printed: server text escaped, the code alone on stdout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandContext, CommandInput } from '../src/command.js';
import { deviceAgent } from '../src/device-agent.js';
import { browserAvailability, explicitLoginMode } from '../src/login-mode.js';
import { createStyle } from '../src/style.js';

const input = (values: Record<string, unknown>) =>
  ({ positionals: ['docs'], values }) as unknown as CommandInput;

test('a browser is usable on macOS and Windows, or with DISPLAY, WAYLAND_DISPLAY or BROWSER; not over bare SSH', () => {
  assert.equal(browserAvailability({}, 'darwin').usable, true);
  assert.equal(browserAvailability({}, 'win32').usable, true);
  assert.equal(browserAvailability({ DISPLAY: ':0' }, 'linux').usable, true);
  assert.equal(browserAvailability({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux').usable, true);
  assert.equal(browserAvailability({ BROWSER: 'w3m' }, 'linux').usable, true);
  const bare = browserAvailability({ DISPLAY: '', SSH_CONNECTION: '1 2 3 4' }, 'linux');
  assert.deepEqual(bare, { usable: false, reason: 'no DISPLAY or WAYLAND_DISPLAY, and BROWSER is unset' });
  assert.equal(browserAvailability({}, 'freebsd').usable, false);
});

test('the mode the command line asks for; --device with a browser-only option is a usage error', () => {
  assert.equal(explicitLoginMode(input({}), 'login'), undefined);
  assert.equal(explicitLoginMode(input({ device: true }), 'login'), 'device');
  assert.equal(explicitLoginMode(input({ 'no-browser': true }), 'login'), 'paste');
  assert.equal(explicitLoginMode(input({ headless: true }), 'login'), 'headless');
  for (const option of ['no-browser', 'headless', 'callback-port', 'timeout']) {
    assert.throws(
      () =>
        explicitLoginMode(
          input({ device: true, [option]: option.includes('-port') ? '8765' : true }),
          'login',
        ),
      (error: Error & { code?: string }) =>
        error.code === 'usage' && error.message.includes(`--device cannot be combined with --${option}`),
    );
  }
});

test('device progress: the code alone on stdout, escaped; the addresses on stderr, escaped', () => {
  let stdout = '';
  let stderr = '';
  const context = {
    io: {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      env: {},
      homedir: '/nonexistent',
    },
    globals: {},
    out: createStyle(false),
    err: createStyle(false),
    warn: () => {},
    debug: () => {},
  } as unknown as CommandContext;
  const agent = deviceAgent(context);
  agent.options.onProgress?.({
    type: 'code',
    userCode: 'ABCD-\u001b[2JEFGH',
    verificationUri: 'https://as.example/device\u001b]8;;evil\u0007',
    verificationUriComplete: 'https://as.example/device?user_code=\u202eABCD',
    expiresAt: Date.now() + 600_000,
    secondsLeft: 600,
    intervalSeconds: 5,
  });
  agent.done();
  assert.equal(stdout.split('\n').length, 2, 'one line');
  for (const raw of ['\u001b', '\u0007', '\u202e']) {
    assert.ok(!stdout.includes(raw) && !stderr.includes(raw), JSON.stringify(raw));
  }
  assert.match(stderr, /open https:\/\/as\.example\/device.* on any device and enter the code:\n/);
  assert.match(stderr, /Or open https:\/\/as\.example\/device\?user_code=.*ABCD \(the code is filled in/);
});
