import { parse } from 'smol-toml';
import { ConfigError } from '../errors.js';
import { formatKey } from '../key-path.js';
import { parseConfig } from '../parse-config.js';
import { readTomlLines, type TomlLine } from '../toml-lines.js';
import type { McpOAuthConfig } from '../types.js';
import { renderServer, type ServerTable } from './render-server.js';

interface Range {
  readonly start: number;
  readonly end: number;
}

const belongsTo = (keys: readonly string[], name: string) => keys[0] === 'mcp_servers' && keys[1] === name;

/** Line ranges that define server `name`: its own table blocks (with the comments right above their headers) and
 * any key/value lines elsewhere that write into it (`gmail = { … }` under `[mcp_servers]`, dotted keys). */
function serverRanges(kinds: readonly TomlLine[], name: string): Range[] {
  const headers = kinds.flatMap((kind, index) => (kind.kind === 'header' ? [index] : []));
  const blockStart = (header: number) => {
    let start = header;
    while (start > 0 && kinds[start - 1]?.kind === 'comment') start--;
    return start;
  };
  // The empty string after the file's final newline is never part of a block.
  const last = kinds[kinds.length - 1]?.kind === 'blank' ? kinds.length - 1 : kinds.length;
  const ranges: Range[] = [];
  headers.forEach((header, n) => {
    const kind = kinds[header];
    if (kind?.kind !== 'header' || !belongsTo(kind.keys, name)) return;
    const next = headers[n + 1];
    ranges.push({ start: blockStart(header), end: next === undefined ? last : blockStart(next) });
  });
  kinds.forEach((kind, index) => {
    if (
      kind.kind !== 'keyvalue' ||
      !belongsTo([...kind.table, ...kind.keys], name) ||
      belongsTo(kind.table, name)
    )
      return;
    let end = index + 1;
    while (kinds[end]?.kind === 'continuation') end++;
    ranges.push({ start: index, end });
  });
  return ranges.sort((a, b) => a.start - b.start);
}

function withoutRanges(lines: readonly string[], ranges: readonly Range[]): string[] {
  return lines.filter((_, index) => !ranges.some((range) => index >= range.start && index < range.end));
}

/** Joins lines back, keeping at most one blank line at the end of the file. */
function joinLines(lines: readonly string[]): string {
  const out = [...lines];
  while (out.length > 1 && out[out.length - 1]?.trim() === '' && out[out.length - 2]?.trim() === '')
    out.splice(-2, 1);
  return out.join('\n');
}

/** Everything a document says except server `name`, as comparable text. */
function everythingBut(document: Record<string, unknown>, name: string): string {
  const { mcp_servers: servers, ...rest } = document;
  const others = Object.entries((servers as Record<string, unknown> | undefined) ?? {}).filter(
    ([key]) => key !== name,
  );
  return JSON.stringify([rest, others]);
}

/** Checks that an edit changed nothing but server `name`: the new text must be a valid config, and every other
 * value must parse exactly as before. */
function verifyEdit(before: string, after: string, name: string, path: string | undefined): McpOAuthConfig {
  const config = parseConfig(after, { path });
  if (everythingBut(parse(before), name) !== everythingBut(parse(after), name)) {
    throw new ConfigError(
      'edit_unsafe',
      [
        {
          path: `mcp_servers.${formatKey(name)}`,
          message:
            'this file defines the server in a layout the editor cannot change safely; edit the file by hand',
        },
      ],
      { file: path },
    );
  }
  return config;
}

/** Options of {@link addServerToText}. */
export interface AddServerOptions {
  /** The file name used in messages. */
  readonly path?: string;
  /** Replace an existing server of that name in place instead of failing with `server_exists`. Default false. */
  readonly replace?: boolean;
}

/**
 * Adds `[mcp_servers.NAME]` to config text, leaving every other line (comments, order, formatting) untouched: the
 * new table is appended at the end, or written where the old one was with `replace`. The result is re-parsed and
 * validated before it is returned; on any problem nothing is returned.
 *
 * @throws {ConfigError} the existing text's errors, `server_exists`, `config_invalid` for the new server's
 *   problems, or `edit_unsafe`.
 */
export function addServerToText(
  text: string,
  name: string,
  table: ServerTable,
  options: AddServerOptions = {},
): string {
  const existing = parseConfig(text, { path: options.path });
  const exists = existing.servers.some((server) => server.name === name);
  if (exists && options.replace !== true) {
    throw new ConfigError(
      'server_exists',
      [
        {
          path: `mcp_servers.${formatKey(name)}`,
          message: 'already configured; remove it first or use --replace',
        },
      ],
      { file: options.path },
    );
  }
  const { lines, kinds } = readTomlLines(text);
  const crlf = text.includes('\r\n');
  const block = renderServer(name, table).map((line) => (crlf ? `${line}\r` : line));
  const blank = crlf ? '\r' : '';
  let out: string[];
  if (exists) {
    const ranges = serverRanges(kinds, name);
    // Nothing before the first range is removed, so the new table goes exactly where the old one began.
    const at = ranges[0]?.start ?? lines.length;
    const kept = withoutRanges(lines, ranges);
    const after = kept.slice(at);
    const separator = after.length > 0 && after[0]?.trim() !== '' ? [blank] : [];
    out = [...kept.slice(0, at), ...block, ...separator, ...after];
  } else {
    const body = [...lines];
    if (body[body.length - 1] === '') body.pop(); // the file's final newline
    const needsBlank = body.length > 0 && body[body.length - 1]?.trim() !== '';
    out = [...body, ...(needsBlank ? [blank] : []), ...block, ''];
  }
  const result = joinLines(out);
  try {
    verifyEdit(text, result, name, options.path);
  } catch (error) {
    // Lines of the new server exist only in the text that was not written: drop them from its issues.
    if (!(error instanceof ConfigError)) throw error;
    const prefix = `mcp_servers.${formatKey(name)}`;
    const issues = error.issues.map((issue) =>
      issue.path === prefix || issue.path.startsWith(`${prefix}.`)
        ? { path: issue.path, message: issue.message }
        : issue,
    );
    throw new ConfigError(error.code, issues, { file: options.path, cause: error.cause });
  }
  return result;
}

/**
 * Removes server `name` (all its tables, the comments right above their headers, and key/value lines elsewhere
 * that write into it) from config text, leaving every other line untouched. Validated like {@link addServerToText}.
 *
 * @throws {ConfigError} the existing text's errors, `server_not_found`, or `edit_unsafe`.
 */
export function removeServerFromText(
  text: string,
  name: string,
  options: { readonly path?: string } = {},
): string {
  const existing = parseConfig(text, { path: options.path });
  if (!existing.servers.some((server) => server.name === name)) {
    throw new ConfigError(
      'server_not_found',
      [{ path: `mcp_servers.${formatKey(name)}`, message: 'no such server' }],
      {
        file: options.path,
      },
    );
  }
  const { lines, kinds } = readTomlLines(text);
  const result = joinLines(withoutRanges(lines, serverRanges(kinds, name)));
  const config = verifyEdit(text, result, name, options.path);
  if (config.servers.some((server) => server.name === name)) {
    throw new ConfigError(
      'edit_unsafe',
      [
        {
          path: `mcp_servers.${formatKey(name)}`,
          message: 'could not be removed safely; edit the file by hand',
        },
      ],
      { file: options.path },
    );
  }
  return result;
}
