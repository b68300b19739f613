import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { WorkloadIdentityConfig } from '@mcp-oauth/config';
import { ClientError } from './client-error.js';

/** How long a `token_command` may run, in ms. */
export const WORKLOAD_COMMAND_TIMEOUT_MS = 30_000;

/** Injected I/O of {@link readWorkloadToken} (tests pass their own). */
export interface WorkloadTokenIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile?: (path: string) => Promise<string>;
  readonly run?: (program: string, args: readonly string[]) => Promise<string>;
}

const runProgram = (program: string, args: readonly string[]) =>
  new Promise<string>((resolve, reject) => {
    // No shell: the program and its arguments are exactly as configured.
    execFile(
      program,
      [...args],
      { timeout: WORKLOAD_COMMAND_TIMEOUT_MS, maxBuffer: 64 * 1024 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });

/**
 * Reads the workload's JWT from its configured source, anew on every call (a projected Kubernetes token file is
 * rotated in place; a CI token may be re-minted by its command). Surrounding whitespace is dropped.
 *
 * @throws {ClientError} `workload_token_unavailable` naming the source (never the token).
 */
export async function readWorkloadToken(
  server: string,
  source: WorkloadIdentityConfig,
  io: WorkloadTokenIo,
): Promise<string> {
  const where = `mcp_servers.${server}.oauth.workload_identity`;
  let value: string | undefined;
  let what = 'its source';
  try {
    if (source.tokenFile !== undefined) {
      what = `token_file ${JSON.stringify(source.tokenFile)}`;
      value = await (io.readFile ?? ((p) => readFile(p, 'utf8')))(source.tokenFile);
    } else if (source.tokenEnvVar !== undefined) {
      what = `token_env_var ${source.tokenEnvVar}`;
      value = io.env[source.tokenEnvVar];
    } else if (source.tokenCommand !== undefined && source.tokenCommand.length > 0) {
      const [program, ...args] = source.tokenCommand as [string, ...string[]];
      what = `token_command ${JSON.stringify(program)}`;
      value = await (io.run ?? runProgram)(program, args);
    } else {
      throw new ClientError('workload_token_unavailable', `${where} names no token source`);
    }
  } catch (error) {
    if (error instanceof ClientError) throw error;
    const reason = (error as NodeJS.ErrnoException).code ?? 'failed';
    throw new ClientError(
      'workload_token_unavailable',
      `the workload token could not be read from ${where}: ${what} (${reason}); check that the platform mounts or issues it`,
      { cause: error },
    );
  }
  const token = value?.trim() ?? '';
  if (token === '') {
    throw new ClientError(
      'workload_token_unavailable',
      `${where}: ${what} gave no token; check that the platform issues it`,
    );
  }
  return token;
}
