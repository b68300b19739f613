// Runs the CLI (from source) against a hostile world in a throwaway home, and checks what every hostile test
// checks: the exact exit code, no raw control character in the output, no secret the world issued.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CliResult, type Sandbox, sandbox } from '../../../packages/cli/test/cli-sandbox.js';
import type { HostileWorld } from './hostile-world.js';

export type { CliResult };

/** A home whose config names the world's MCP server `evil`, with the file credential store. */
export interface HostileHome extends Sandbox {
  readonly credentialsPath: string;
}

export async function hostileHome(world: HostileWorld, extraConfig = ''): Promise<HostileHome> {
  const box = await sandbox();
  await mkdir(box.home, { recursive: true, mode: 0o700 });
  await writeFile(
    box.configPath,
    `mcp_oauth_credentials_store = "file"\n\n[mcp_servers.evil]\nurl = "${world.mcpUrl}"\n${extraConfig}`,
  );
  return Object.assign(box, { credentialsPath: join(box.home, 'credentials.json') });
}

/** C0 controls but line feed, DEL, C1 controls, bidi controls, line/paragraph separators. */
export const RAW_CONTROL = {
  exec(text: string): [string] | null {
    for (const char of text) {
      const code = char.codePointAt(0) ?? 0;
      const unsafe =
        (code <= 0x1f && code !== 0x0a) ||
        (code >= 0x7f && code <= 0x9f) ||
        [0x061c, 0x200e, 0x200f, 0x2028, 0x2029].includes(code) ||
        (code >= 0x202a && code <= 0x202e) ||
        (code >= 0x2066 && code <= 0x2069);
      if (unsafe) return [char];
    }
    return null;
  },
};

/** The exit code, no raw control character, no issued secret; returns stdout + stderr for more checks. */
export function assertHostileOutcome(result: CliResult, world: HostileWorld, exitCode: number): string {
  const output = `${result.stdout}\n${result.stderr}`;
  assert.equal(result.code, exitCode, output);
  const control = RAW_CONTROL.exec(output);
  assert.equal(
    control,
    null,
    `raw control character U+${control?.[0].codePointAt(0)?.toString(16)} in: ${output}`,
  );
  for (const value of world.issued)
    assert.ok(!output.includes(value), `issued secret ${value.slice(0, 6)}… printed`);
  return output;
}
