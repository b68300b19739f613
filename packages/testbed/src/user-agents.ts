import { existsSync } from 'node:fs';

/**
 * Completes a login given an authorization URL, the way a person in a browser would, and returns the URL the
 * authorization server redirected to (the client's `redirect_uri` with `code`/`state` or `error`).
 */
export interface UserAgent {
  /**
   * @param authorizationUrl the URL the client would open in a browser
   * @param options.deliver also load the callback URL (so a client's loopback listener receives it). Default false
   *   for the headless agent; a real browser (chromium) always loads it.
   */
  authorize(authorizationUrl: string, options?: { deliver?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export interface UserAgentOptions {
  /** User name typed into login forms. Default `alice`. */
  login?: string;
  /** Which consent button to press. Default `allow`. */
  decision?: 'allow' | 'deny';
}

export class UserAgentError extends Error {
  override name = 'UserAgentError';
}

function redirectTarget(authorizationUrl: string): string {
  const redirectUri = new URL(authorizationUrl).searchParams.get('redirect_uri');
  if (!redirectUri) throw new UserAgentError('authorization URL has no redirect_uri');
  const u = new URL(redirectUri);
  return `${u.origin}${u.pathname}`;
}

function isCallback(location: string, target: string): boolean {
  const u = new URL(location);
  return `${u.origin}${u.pathname}` === target;
}

interface ParsedForm {
  action: string;
  method: string;
  fields: Array<[string, string]>;
  buttons: Array<[string, string]>;
}

function attr(tag: string, name: string): string | undefined {
  const m = tag.match(new RegExp(`\\s${name}="([^"]*)"`, 'i'));
  return m?.[1]
    ?.replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

function parseForm(html: string): ParsedForm | undefined {
  const form = html.match(/<form\b[^>]*>[\s\S]*?<\/form>/i)?.[0];
  if (!form) return undefined;
  const open = form.match(/<form\b[^>]*>/i)?.[0] ?? '';
  const fields: Array<[string, string]> = [];
  for (const input of form.match(/<input\b[^>]*>/gi) ?? []) {
    const name = attr(input, 'name');
    if (name) fields.push([name, attr(input, 'value') ?? '']);
  }
  const buttons: Array<[string, string]> = [];
  for (const button of form.match(/<button\b[^>]*>/gi) ?? []) {
    const name = attr(button, 'name');
    if (name) buttons.push([name, attr(button, 'value') ?? '']);
  }
  return {
    action: attr(open, 'action') ?? '',
    method: (attr(open, 'method') ?? 'get').toUpperCase(),
    fields,
    buttons,
  };
}

/**
 * A user agent in plain HTTP: follows redirects, keeps cookies, fills `login`/`password` inputs and presses the
 * consent button. For tests and automation; works with any AS whose pages are simple HTML forms.
 */
export function headlessUserAgent(options: UserAgentOptions = {}): UserAgent {
  const login = options.login ?? 'alice';
  const decision = options.decision ?? 'allow';
  return {
    async authorize(authorizationUrl, { deliver = false } = {}) {
      const target = redirectTarget(authorizationUrl);
      const cookies = new Map<string, string>();
      let url = authorizationUrl;
      let method = 'GET';
      let body: string | undefined;
      for (let step = 0; step < 25; step++) {
        if (method === 'GET' && isCallback(url, target)) {
          if (deliver) await fetch(url);
          return url;
        }
        const res = await fetch(url, {
          method,
          redirect: 'manual',
          headers: {
            ...(cookies.size ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
            ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
          ...(body !== undefined ? { body } : {}),
        });
        for (const c of res.headers.getSetCookie()) {
          const [pair] = c.split(';');
          const i = pair?.indexOf('=') ?? -1;
          if (pair && i > 0) cookies.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
        }
        const location = res.headers.get('location');
        if (res.status >= 300 && res.status < 400 && location) {
          await res.body?.cancel();
          url = new URL(location, url).href;
          method = 'GET';
          body = undefined;
          continue;
        }
        const html = await res.text();
        const form = res.ok ? parseForm(html) : undefined;
        if (!form)
          throw new UserAgentError(
            `login stopped at ${new URL(url).pathname} (HTTP ${res.status}) with no form`,
          );
        const fields = new URLSearchParams();
        for (const [name, value] of form.fields) {
          if (name === 'login' || name === 'username' || name === 'email') fields.append(name, login);
          else if (name === 'password') fields.append(name, 'testbed-password');
          else fields.append(name, value);
        }
        const button = form.buttons.find(([, v]) => v === decision) ?? form.buttons[0];
        if (button) fields.append(button[0], button[1]);
        const action = new URL(form.action || url, url);
        if (form.method === 'POST') {
          url = action.href;
          method = 'POST';
          body = fields.toString();
        } else {
          action.search = fields.toString();
          url = action.href;
          method = 'GET';
          body = undefined;
        }
      }
      throw new UserAgentError('login did not reach the redirect URI within 25 steps');
    },
    async close() {},
  };
}

export interface ChromiumUserAgentOptions extends UserAgentOptions {
  /** Default `/usr/bin/chromium` (Debian's package; never downloads a browser). */
  executablePath?: string;
  /** Per-step timeout in milliseconds. Default 15000 (15 seconds). */
  timeoutMs?: number;
}

/** Flags for Chromium on a machine with a closed network (SPEC-NOTES §5, the machine notes). */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** The Chromium binary, or undefined when it is not installed. */
export function findChromium(path = '/usr/bin/chromium'): string | undefined {
  return existsSync(path) ? path : undefined;
}

/**
 * A real browser: playwright-core driving headless Chromium. It returns the callback URL as soon as the browser
 * requests it; like any real browser it also loads that URL, so the client's loopback listener (when there is one)
 * receives the callback whatever `deliver` says.
 */
export function chromiumUserAgent(options: ChromiumUserAgentOptions = {}): UserAgent {
  const login = options.login ?? 'alice';
  const decision = options.decision ?? 'allow';
  const timeout = options.timeoutMs ?? 15_000;
  let browserPromise: Promise<import('playwright-core').Browser> | undefined;
  const browser = () => {
    browserPromise ??= (async () => {
      const executablePath = options.executablePath ?? '/usr/bin/chromium';
      if (!existsSync(executablePath)) {
        throw new UserAgentError(
          `Chromium not found at ${executablePath}: install Debian's chromium package`,
        );
      }
      const { chromium } = await import('playwright-core');
      return chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout });
    })();
    return browserPromise;
  };
  return {
    async authorize(authorizationUrl) {
      const target = redirectTarget(authorizationUrl);
      const context = await (await browser()).newContext();
      try {
        const page = await context.newPage();
        page.setDefaultTimeout(timeout);
        let resolve!: (url: string) => void;
        const captured = new Promise<string>((r) => {
          resolve = r;
        });
        // Redirects are not interceptable with page.route, so the callback is seen as a request: the browser then
        // goes on to load it, as a real one would (it reaches the client's listener when there is one).
        page.on('request', (request) => {
          if (isCallback(request.url(), target)) resolve(request.url());
        });
        const settle = <T>(p: Promise<T>) => Promise.race([captured, p.then(() => undefined)]);
        const first = await settle(page.goto(authorizationUrl).catch(() => captured));
        if (first !== undefined) return first;
        for (let step = 0; step < 10; step++) {
          const next = await settle(page.waitForSelector('form'));
          if (next !== undefined) return next;
          if (await page.$('input[name=login]')) await page.fill('input[name=login]', login);
          if (await page.$('input[name=password]'))
            await page.fill('input[name=password]', 'testbed-password');
          const button =
            (await page.$(`form button[value="${decision}"]`)) ?? (await page.$('form button[type=submit]'));
          if (!button) throw new UserAgentError('no submit button on the login page');
          const before = page.url();
          // A navigation to an absent listener fails (connection refused) after the callback was seen: not an error.
          const moved = await settle(
            Promise.all([page.waitForURL((u) => u.href !== before), button.click()]).catch(async (err) => {
              if ((await Promise.race([captured, Promise.resolve(undefined)])) === undefined) throw err;
            }),
          );
          if (moved !== undefined) return moved;
        }
        throw new UserAgentError('login did not reach the redirect URI within 10 pages');
      } finally {
        await context.close();
      }
    },
    async close() {
      if (browserPromise) await (await browserPromise).close();
      browserPromise = undefined;
    },
  };
}

/** Approves or denies RFC 8628 device logins on a testbed AS's verification pages, as a person on a phone would. */
export interface DeviceApprover {
  /**
   * Opens `verificationUri` (or the `verification_uri_complete`, which carries the code), types `userCode` when
   * asked, signs in and presses the decision button; returns what the AS's result page says (`approved`, `denied`).
   */
  approve(verificationUri: string, userCode?: string): Promise<string>;
}

/**
 * A plain-HTTP device approver (cookies, redirects, forms), for the standard AS's oidc-provider pages and the
 * Google-like AS's device page. `decision: 'deny'` presses Deny on the first page that offers it.
 */
export function headlessDeviceApproval(options: UserAgentOptions = {}): DeviceApprover {
  const login = options.login ?? 'alice';
  const decision = options.decision ?? 'allow';
  return {
    async approve(verificationUri, userCode) {
      const cookies = new Map<string, string>();
      let url = verificationUri;
      let method = 'GET';
      let body: string | undefined;
      for (let step = 0; step < 25; step++) {
        const res = await fetch(url, {
          method,
          redirect: 'manual',
          headers: {
            ...(cookies.size ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
            ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
          ...(body !== undefined ? { body } : {}),
        });
        for (const c of res.headers.getSetCookie()) {
          const [pair] = c.split(';');
          const i = pair?.indexOf('=') ?? -1;
          if (pair && i > 0) cookies.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
        }
        const location = res.headers.get('location');
        if (res.status >= 300 && res.status < 400 && location) {
          await res.body?.cancel();
          url = new URL(location, url).href;
          method = 'GET';
          body = undefined;
          continue;
        }
        const html = await res.text();
        const result = html.match(/id="device-result">([^<]*)</)?.[1];
        if (result !== undefined) return result;
        const form = parseForm(html);
        if (!form)
          throw new UserAgentError(
            `device approval stopped at ${new URL(url).pathname} (HTTP ${res.status})`,
          );
        const fields = new URLSearchParams();
        for (const [name, value] of form.fields) {
          if (name === 'login' || name === 'username' || name === 'email') fields.append(name, login);
          else if (name === 'password') fields.append(name, 'testbed-password');
          else if (name === 'user_code' && value === '') {
            if (userCode === undefined)
              throw new UserAgentError('the verification page asks for the user code');
            fields.append(name, userCode);
          } else fields.append(name, value);
        }
        const button = form.buttons.find(([, v]) => v === decision) ?? form.buttons[0];
        if (button) fields.append(button[0], button[1]);
        const action = new URL(form.action || url, url);
        if (form.method === 'POST') {
          url = action.href;
          method = 'POST';
          body = fields.toString();
        } else {
          action.search = fields.toString();
          url = action.href;
          method = 'GET';
          body = undefined;
        }
      }
      throw new UserAgentError('device approval did not reach a result page within 25 steps');
    },
  };
}
