import { formatKey } from '../key-path.js';

/** A TOML value the editor can write. */
export type TomlValue =
  | string
  | number
  | boolean
  | readonly TomlValue[]
  | { readonly [key: string]: TomlValue };

/** A server table in the file's own (snake_case) shape, e.g. `{ url, scopes, oauth: { client_id, provider } }`.
 * Keys are written in the order given; `oauth` becomes a `[mcp_servers.NAME.oauth]` table, other tables are inline. */
export type ServerTable = { readonly [key: string]: TomlValue | undefined };

function renderString(value: string): string {
  // JSON string escapes are valid TOML basic-string escapes; TOML also forbids a raw DEL.
  return JSON.stringify(value).replace(/\u007f/g, '\\u007F');
}

function isTable(value: TomlValue): value is { readonly [key: string]: TomlValue } {
  return typeof value === 'object' && !Array.isArray(value);
}

/** Renders one value on one line (arrays and inline tables included). */
export function renderValue(value: TomlValue): string {
  if (typeof value === 'string') return renderString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('cannot write a non-finite number');
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((item: TomlValue) => renderValue(item)).join(', ')}]`;
  if (isTable(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([key, item]) => `${formatKey(key)} = ${renderValue(item)}`).join(', ')} }`;
  }
  throw new TypeError('unsupported value');
}

function renderTable(header: string, table: ServerTable): string[] {
  const lines = [`[${header}]`];
  const subTables: [string, ServerTable][] = [];
  for (const [key, value] of Object.entries(table)) {
    if (value === undefined) continue;
    if (key === 'oauth' && isTable(value)) subTables.push([key, value]);
    else lines.push(`${formatKey(key)} = ${renderValue(value)}`);
  }
  for (const [key, value] of subTables) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) continue;
    lines.push('', ...renderTable(`${header}.${formatKey(key)}`, Object.fromEntries(entries)));
  }
  return lines;
}

/** Renders `[mcp_servers.NAME]` (and its `oauth` table) as TOML lines, without a trailing newline. */
export function renderServer(name: string, table: ServerTable): string[] {
  return renderTable(`mcp_servers.${formatKey(name)}`, table);
}
