import { spawn } from 'node:child_process';
import { ClientError } from './client-error.js';

/** The command that opens a URL on this platform. */
function opener(platform: NodeJS.Platform): { command: string; args: string[] } {
  if (platform === 'darwin') return { command: 'open', args: [] };
  // `start` is a cmd built-in; rundll32 opens a URL without a shell interpreting it.
  if (platform === 'win32') return { command: 'rundll32', args: ['url.dll,FileProtocolHandler'] };
  return { command: 'xdg-open', args: [] };
}

/** Refuses anything but an http(s) URL (MCP authorization, security considerations: never `javascript:`…). */
export function assertBrowsableUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ClientError('unsafe_url', 'refusing to open a malformed URL in the browser');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ClientError(
      'unsafe_url',
      `refusing to open a ${JSON.stringify(parsed.protocol)} URL in the browser: only http(s)`,
    );
  }
  return parsed;
}

/**
 * Opens `url` in the system browser: the platform opener is spawned directly (never through a shell), detached,
 * with the URL as one argument. Resolves once the opener started; rejects with `browser_failed` when it could not.
 */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  const safe = assertBrowsableUrl(url);
  const { command, args } = opener(platform);
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, safe.href], { stdio: 'ignore', detached: true, shell: false });
    child.once('error', (err) =>
      reject(
        new ClientError(
          'browser_failed',
          `could not start ${command} to open the browser (${err.message}): use --no-browser`,
          {
            cause: err,
          },
        ),
      ),
    );
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
