import type { ConfigIssue } from '@mcp-oauth/config';
import type { OutputStream } from '../io.js';

/** Version of every `--json` document; bumped only on a breaking change (see docs/cli.md). */
export const JSON_SCHEMA_VERSION = 1;

/** A config issue in `--json` output: `line` and `column` are null when unknown. */
export interface IssueJson {
  readonly path: string;
  readonly message: string;
  readonly line: number | null;
  readonly column: number | null;
}

export function issueJson(issue: ConfigIssue): IssueJson {
  return { path: issue.path, message: issue.message, line: issue.line ?? null, column: issue.column ?? null };
}

/** Writes one JSON document (2-space indented) and a newline. */
export function writeJson(stream: OutputStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}
