import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

/** Whether `name` is an executable on PATH. */
export function hasBinary(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Decides what tests that need real binaries do when some are missing. Outside CI they are skipped with the
 * reason (visible in the test report). In CI (env CI=true) a missing binary is a failure: this registers a
 * failing test naming the Debian package, and the dependent tests are skipped.
 *
 * Returns `false` when all binaries are present (run the tests), or the skip reason.
 */
export function binaryGate(binaries: Readonly<Record<string, string>>): string | false {
  const missing = Object.keys(binaries).filter((b) => !hasBinary(b));
  if (missing.length === 0) return false;
  const packages = [...new Set(missing.map((b) => binaries[b]))].join(' ');
  const reason = `${missing.join(', ')} not installed (apt-get install ${packages}; .ci/setup installs them)`;
  if (process.env.CI === 'true') {
    test(`required binaries are installed in CI: ${missing.join(', ')}`, () => {
      throw new Error(`${reason}: CI must run these tests, not skip them`);
    });
  }
  return reason;
}
