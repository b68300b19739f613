import type { McpOAuthClient } from '@mcp-oauth/client';
import { resolveServer } from '@mcp-oauth/config';
import type { CommandContext, CommandInput } from './command.js';
import { usageError } from './errors.js';

/** How `login` signs in: the system browser, paste-back (`--no-browser`), `--headless`, or the device flow. */
export type LoginMode = 'browser' | 'paste' | 'headless' | 'device';

/** The options that choose a mode, and those that only apply to a browser login. */
const BROWSER_ONLY_OPTIONS = ['no-browser', 'headless', 'callback-port', 'timeout'] as const;

/** The mode the command line asks for, or undefined; `--device` with a browser-only option is a usage error. */
export function explicitLoginMode(input: CommandInput, command: string): LoginMode | undefined {
  const { values } = input;
  if (values.device === true) {
    const clash = BROWSER_ONLY_OPTIONS.find((option) => values[option] !== undefined);
    if (clash !== undefined) {
      throw usageError(
        `--device cannot be combined with --${clash}: a device login has no browser or callback, and waits as long as its code is valid`,
        command,
      );
    }
    return 'device';
  }
  if (values.headless === true) return 'headless';
  if (values['no-browser'] === true) return 'paste';
  return undefined;
}

/** Whether this machine can open a browser, and why we think so. */
export interface BrowserCheck {
  readonly usable: boolean;
  readonly reason: string;
}

/**
 * Whether a system browser can be opened: macOS and Windows always have one; elsewhere (Linux, the BSDs) a
 * graphical session (`DISPLAY` or `WAYLAND_DISPLAY`) or a `BROWSER` command is needed, which an SSH session, a
 * container or a CI runner usually lacks.
 */
export function browserAvailability(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform = process.platform,
): BrowserCheck {
  if (platform === 'darwin' || platform === 'win32') return { usable: true, reason: `${platform} desktop` };
  const set = (name: string) => env[name] !== undefined && env[name] !== '';
  if (set('BROWSER')) return { usable: true, reason: 'BROWSER is set' };
  if (set('DISPLAY')) return { usable: true, reason: 'DISPLAY is set' };
  if (set('WAYLAND_DISPLAY')) return { usable: true, reason: 'WAYLAND_DISPLAY is set' };
  return { usable: false, reason: 'no DISPLAY or WAYLAND_DISPLAY, and BROWSER is unset' };
}

/**
 * The mode of a login started without one: the server's `oauth.grant = "device_code"` → device; a usable browser →
 * browser; else {@link fallbackLoginMode}.
 */
export async function defaultLoginMode(
  client: McpOAuthClient,
  name: string,
  context: CommandContext,
  signal: AbortSignal,
  platform: NodeJS.Platform = process.platform,
): Promise<LoginMode> {
  const grant = resolveServer(client.config, name).oauth?.grant;
  if (grant?.value === 'device_code') {
    context.debug(`device login: ${grant.detail}`);
    return 'device';
  }
  const browser = browserAvailability(context.io.env, platform);
  if (browser.usable) return 'browser';
  return fallbackLoginMode(client, name, context, signal, `no usable browser here (${browser.reason})`);
}

/**
 * Without a browser: the device login when the authorization server offers it, else paste-back; says which and why
 * on stderr.
 */
export async function fallbackLoginMode(
  client: McpOAuthClient,
  name: string,
  context: CommandContext,
  signal: AbortSignal,
  why: string,
): Promise<LoginMode> {
  const modes = await client.loginModes(name, { signal });
  if (modes.device) {
    context.io.stderr.write(
      `Signing in with a code instead of a browser: ${why}, and the authorization server supports the device ` +
        'login (RFC 8628). Use --no-browser for paste-back instead.\n',
    );
    return 'device';
  }
  context.io.stderr.write(
    `Signing in with paste-back: ${why}, and the authorization server has no device login. Open the URL below in ` +
      'a browser on any machine and paste back the address it ends on.\n',
  );
  return 'paste';
}
