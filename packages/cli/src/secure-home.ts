import { chmod, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The files of the home that may hold a secret (tokens, a client secret) or steer a login. */
export const HOME_FILES = [
  'credentials.json',
  'registrations.json',
  'discovery.json',
  'protocol-eras.json',
  'rate-limits.json',
];

/** `chmod` to `want` when any bit of `loose` is set; `null` when the path is missing; a failure's error code. */
async function tighten(
  path: string,
  want: number,
  loose: number,
): Promise<'tightened' | 'ok' | null | string> {
  let mode: number;
  try {
    mode = (await stat(path)).mode & 0o777;
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === 'ENOENT' ? null : (code ?? 'error');
  }
  if ((mode & loose) === 0) return 'ok';
  try {
    await chmod(path, want);
    return 'tightened';
  } catch (error) {
    return (error as { code?: string }).code ?? 'error';
  }
}

function octal(mode: number): string {
  return `0${mode.toString(8)}`;
}

/**
 * Before a command uses the home: a home others may write into (0777, 0775) is tightened to 0700, and each file
 * that may hold a secret (`registrations.json` can hold a client secret) to 0600 when others may read it, each
 * with a warning saying what changed; a permission that cannot be changed is a warning naming the path and the
 * fix. Never fails the command: the stores and caches write 0600/0700 themselves, this repairs what someone else
 * loosened.
 */
export async function secureHome(home: string, warn: (message: string) => void): Promise<void> {
  // The home: only when others may write into it (they could replace a file); the files: any access by others.
  const targets: Array<[path: string, mode: number, loose: number]> = [
    [home, 0o700, 0o022],
    ...HOME_FILES.map((file): [string, number, number] => [join(home, file), 0o600, 0o077]),
  ];
  for (const [path, mode, loose] of targets) {
    const outcome = await tighten(path, mode, loose);
    if (outcome === 'tightened')
      warn(`${path} was readable or writable by other users; its permissions are now ${octal(mode)}`);
    else if (outcome !== null && outcome !== 'ok')
      warn(
        `${path} is readable or writable by other users and could not be changed (${outcome}): run chmod ${octal(mode)} on it`,
      );
  }
}
