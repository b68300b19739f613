const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** Formats one TOML key: bare when TOML allows it, else a quoted basic string. */
export function formatKey(key: string): string {
  return BARE_KEY.test(key) ? key : JSON.stringify(key);
}

/** Formats a key path the way it would be written in TOML: `mcp_servers.gmail.http_headers."X.Y"`. Array indexes
 * are written as `[0]`. */
export function formatKeyPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? formatKey(segment) : `.${formatKey(segment)}`;
  }
  return out;
}
