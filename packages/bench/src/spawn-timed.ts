import { spawn } from 'node:child_process';

/** One timed run of a program, from spawn to its answer and to its exit. */
export interface TimedRun {
  /** ms from spawn until `marker` appeared on stdout. */
  readonly resultMs: number;
  /** ms from spawn until the process exited. */
  readonly exitMs: number;
}

/**
 * Spawns `command args` and times it: until `marker` appears on its stdout, and until it exits. Fails when it
 * exits non-zero, never prints the marker, or runs longer than `timeoutMs` (then it is killed).
 */
export function spawnTimed(
  command: string,
  args: readonly string[],
  options: {
    env: NodeJS.ProcessEnv;
    marker: string;
    timeoutMs?: number;
    cwd?: string;
    /** Receives everything the program printed on stdout, once it has exited. */
    onStdout?: (text: string) => void;
  },
): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, [...args], {
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    let stdout = '';
    let stderr = '';
    let resultMs: number | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (resultMs === undefined && stdout.includes(options.marker)) resultMs = performance.now() - start;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const exitMs = performance.now() - start;
      if (code !== 0 || resultMs === undefined) {
        const why = code === 0 ? `printed no ${JSON.stringify(options.marker)}` : `exited ${code ?? signal}`;
        reject(
          new Error(`${command} ${args.join(' ')}: ${why}\nstdout: ${stdout.slice(-500)}\nstderr: ${stderr}`),
        );
        return;
      }
      options.onStdout?.(stdout);
      resolve({ resultMs, exitMs });
    });
  });
}

/** The environment of a child that must run compiled JavaScript: no TypeScript loader, no source condition. */
export function compiledEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  return env;
}
