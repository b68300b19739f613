import { inspect } from 'node:util';

/** Parameter names whose values are secrets: shown as `[redacted]` when a log entry is printed. */
const SECRET_PARAMS = new Set([
  'code',
  'code_verifier',
  'refresh_token',
  'device_code',
  'access_token',
  'client_secret',
  'token',
  'id_token',
  'subject_token',
  'assertion',
  'password',
  'authorization',
]);

/** One HTTP request a testbed server answered. Values keep every repetition (`resource` twice stays twice). */
export interface LoggedRequest {
  /** Position in the log, from 1. */
  readonly seq: number;
  /** `Date.now()` when the request arrived. */
  readonly at: number;
  /** Which server: `as`, `google`, `mcp`… */
  readonly server: string;
  /** Named endpoint, e.g. `metadata`, `authorize`, `token`, `register`, `prm`, `mcp`; `other` when unknown. */
  readonly endpoint: string;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Query string parameters, each with all its values in order. */
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** Form-encoded body parameters, each with all its values in order (empty for other bodies). */
  readonly body: Readonly<Record<string, readonly string[]>>;
  /** Request headers relevant to OAuth (`authorization` is kept so tests can check client auth; redacted in print). */
  readonly headers: Readonly<Record<string, string>>;
  /** HTTP status sent; 0 when the connection was reset or the response never finished. */
  status: number;
  /** Free-form detail the server adds (e.g. the JSON-RPC method of an MCP request, the layout of a metadata hit). */
  readonly detail: Record<string, string>;
}

/** Query and body merged: all values of `name`, query first. */
export function paramValues(entry: LoggedRequest, name: string): string[] {
  return [...(entry.query[name] ?? []), ...(entry.body[name] ?? [])];
}

function redactParams(
  params: Readonly<Record<string, readonly string[]>>,
): Record<string, readonly string[]> {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, SECRET_PARAMS.has(k) ? v.map(() => '[redacted]') : v]),
  );
}

/** A log entry as it may be printed: secret parameter values and credentials replaced. */
export function redactEntry(entry: LoggedRequest): Record<string, unknown> {
  const headers = Object.fromEntries(
    Object.entries(entry.headers).map(([k, v]) => [k, SECRET_PARAMS.has(k) ? '[redacted]' : v]),
  );
  return { ...entry, query: redactParams(entry.query), body: redactParams(entry.body), headers };
}

export interface LogFilter {
  server?: string;
  endpoint?: string;
  method?: string;
  /** Only entries with `seq` greater than this (see {@link RequestLog.mark}). */
  after?: number;
}

/**
 * The request log of one or more testbed servers. Tests assert on it ("the authorize request carried exactly one
 * `resource`"). Printing an entry (console, assertion diffs through `util.inspect`) never shows a secret value.
 */
export class RequestLog {
  #entries: LoggedRequest[] = [];
  #seq = 0;

  /** @internal used by the servers */
  add(entry: Omit<LoggedRequest, 'seq' | 'at'>): LoggedRequest {
    const full = { ...entry, seq: ++this.#seq, at: Date.now() } as LoggedRequest;
    Object.defineProperty(full, inspect.custom, { value: () => redactEntry(full), enumerable: false });
    Object.defineProperty(full, 'toJSON', { value: () => redactEntry(full), enumerable: false });
    this.#entries.push(full);
    return full;
  }

  /** Entries matching every given field of `filter`, oldest first. */
  entries(filter: LogFilter = {}): LoggedRequest[] {
    return this.#entries.filter(
      (e) =>
        (filter.server === undefined || e.server === filter.server) &&
        (filter.endpoint === undefined || e.endpoint === filter.endpoint) &&
        (filter.method === undefined || e.method === filter.method) &&
        (filter.after === undefined || e.seq > filter.after),
    );
  }

  count(filter: LogFilter = {}): number {
    return this.entries(filter).length;
  }

  /** The current sequence number: pass it as `after` to see only later requests. */
  mark(): number {
    return this.#seq;
  }

  clear(): void {
    this.#entries = [];
  }
}
