// `mcp-oauth call` answering a server's elicitations at a real terminal (a pseudo-terminal from util-linux
// `script`), against the testbed's 2026-07-28 server and its `elicit_form` / `elicit_url` tools: answers typed
// (with re-asks on bad values), declined with Ctrl-C, cancelled with Ctrl-D, and declined without asking when
// nobody can answer (--no-input, --json, no terminal).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type McpServer,
  RequestLog,
  type StandardAs,
  startMcpServer,
  startStandardAs,
} from '@mcp-oauth/testbed';
import type { CliHome } from './support/built-cli.js';
import { e2eFile, loginThroughCli } from './support/e2e-file.js';
import { startInPty, stopAll } from './support/pty.js';

const e2e = e2eFile();

describe('call answers elicitations at the terminal', () => {
  const log = new RequestLog();
  let as: StandardAs;
  let server: McpServer;
  let home: CliHome;
  before(async () => {
    as = await startStandardAs({ log });
    server = await startMcpServer({ log, authServer: as, protocol: '2026-07-28' });
    e2e.watch(log);
    home = await e2e.home();
    await home.writeConfig(
      `mcp_oauth_credentials_store = "file"\n\n[mcp_servers.tb]\nurl = "${server.url}"\n`,
    );
    const login = await loginThroughCli(home, 'tb');
    assert.equal(login.code, 0, login.stderr);
  });
  after(async () => {
    stopAll();
    await server.close();
    await as.close();
  });

  test('form answered field by field: defaults kept with Enter, bad values asked again, choices by number', async () => {
    const run = startInPty(home, ['call', 'tb', 'elicit_form'], 'form-typed');
    await run.waitFor(/tb asks: Tell the testbed about yourself/);
    await run.waitFor(/Name \(text, 1-40 characters, required\)\s+Your display name\s+Name: /);
    let mark = run.screen().length;
    run.type('\r');
    await run.waitFor(/✗ Name is required/, mark);
    run.type('Ada\r');
    await run.waitFor(/Age \(whole number, 0-150, required\)/);
    mark = run.screen().length;
    run.type('abc\r');
    await run.waitFor(/✗ Age must be a number/, mark);
    mark = run.screen().length;
    run.type('200\r');
    await run.waitFor(/✗ Age must be at most 150/, mark);
    run.type('36\r');
    await run.waitFor(
      /1\) Red \[red\]\s+2\) Green \[green\]\s+3\) Blue \[blue\]\s+Favourite colour \[blue\]: /,
    );
    run.type('2\r');
    await run.waitFor(/Topics \(pick <= 2: numbers or values, comma-separated, optional\)/);
    await run.waitFor(/3\) dpop\s+Topics: /);
    mark = run.screen().length;
    run.type('1,2,3\r');
    await run.waitFor(/✗ Topics must be at most 2 choice\(s\)/, mark);
    run.type('1, dpop\r');
    await run.waitFor(/Subscribe \[n\]: /);
    run.type('\r');
    const result = await run.done;
    assert.equal(result.code, 0, result.screen);
    assert.equal(
      result.stdout,
      'form accepted: {"name":"Ada","age":36,"color":"green","topics":["oauth","dpop"],"subscribe":false}\n',
    );
  });

  test('Ctrl-C at a field declines the form; the call still completes', async () => {
    const run = startInPty(home, ['call', 'tb', 'elicit_form'], 'form-ctrl-c');
    await run.waitFor(/Name: /);
    run.type('Ad');
    run.type('\x03');
    const result = await run.done;
    assert.equal(result.code, 0, result.screen);
    assert.equal(result.stdout, 'form decline\n');
  });

  test('Ctrl-D (end of input) cancels the form', async () => {
    const run = startInPty(home, ['call', 'tb', 'elicit_form'], 'form-ctrl-d');
    await run.waitFor(/Name: /);
    run.type('\x04');
    const result = await run.done;
    assert.equal(result.code, 0, result.screen);
    assert.equal(result.stdout, 'form cancel\n');
  });

  test('--no-input, --json and no terminal: declined without a prompt, and stderr says why', async () => {
    const noInput = startInPty(home, ['call', 'tb', 'elicit_form', '--no-input'], 'form-no-input');
    const a = await noInput.done;
    assert.equal(a.code, 0, a.screen);
    assert.equal(a.stdout, 'form decline\n');
    assert.match(a.screen, /declined tb's form request: no one to answer it \(--no-input\)/);
    assert.doesNotMatch(a.screen, /Name/);

    const json = await home.run(['call', 'tb', 'elicit_form', '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.match(json.stderr, /declined tb's form request: no one to answer it \(--json\)/);
    assert.deepEqual((JSON.parse(json.stdout) as { content: unknown }).content, [
      { type: 'text', text: 'form decline' },
    ]);

    const piped = await home.run(['call', 'tb', 'elicit_url'], { stdin: 'y\n' });
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, 'url decline\n');
    assert.match(piped.stderr, /declined tb's URL request: no one to answer it \(stderr is not a terminal\)/);
  });

  test('URL with --no-browser: the site and the URL are shown; once the page is visited, Enter completes the step', async () => {
    const run = startInPty(home, ['call', 'tb', 'elicit_url', '--no-browser'], 'url-no-browser');
    await run.waitFor(/tb asks you to visit a page: Connect the testbed demo account/);
    await run.waitFor(new RegExp(`site: ${server.origin}`));
    const [url] = await run.waitFor(/http:\/\/127\.0\.0\.1:\d+\/elicit\/[0-9a-f-]{36}/);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    await page.text();
    await run.waitFor(/Press Enter when you have finished on that page/);
    run.type('\r');
    const result = await run.done;
    assert.equal(result.code, 0, result.screen);
    assert.equal(result.stdout, 'url step completed\n');
  });

  test('URL: answering no to "open in your browser?" declines; the browser is never started', async () => {
    const run = startInPty(home, ['call', 'tb', 'elicit_url'], 'url-no');
    await run.waitFor(new RegExp(`Open ${server.origin} in your browser\\? \\[y/N\\] `));
    run.type('n\r');
    const result = await run.done;
    assert.equal(result.code, 0, result.screen);
    assert.equal(result.stdout, 'url decline\n');
    assert.doesNotMatch(result.screen, /\/elicit\//, 'the full URL is not shown: only its site');
  });
});

e2e.scanForSecrets();
