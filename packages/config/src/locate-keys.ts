import { readDottedKey, readTomlLines, skipSpace } from './toml-lines.js';

/** 1-based place of a key in the source text. */
export interface KeyLocation {
  readonly line: number;
  readonly column: number;
}

/** Finds where keys are written, for error messages. Best effort: it understands table headers, dotted keys and
 * single-line inline tables; a key it cannot place falls back to its nearest parent. */
export interface KeyLocator {
  locate(path: readonly (string | number)[]): KeyLocation | undefined;
}

type Record_ = (path: readonly string[], line: number, column: number) => void;

/** Skips one value inside an inline table, up to the `,` or `}` that ends it. */
function skipValue(s: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < s.length) {
    const ch = s[i];
    if (ch === '"' || ch === "'") {
      i++;
      while (i < s.length && s[i] !== ch) i += ch === '"' && s[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') {
      if (depth === 0) return i;
      depth--;
    } else if (ch === ',' && depth === 0) return i;
    i++;
  }
  return i;
}

function scanInlineTable(
  prefix: readonly string[],
  s: string,
  open: number,
  line: number,
  record: Record_,
): number {
  let i = open + 1;
  while (i < s.length) {
    i = skipSpace(s, i);
    if (s[i] === '}') return i + 1;
    const keyStart = i;
    const read = readDottedKey(s, i);
    if (read === undefined || s[read.end] !== '=') return s.length;
    const path = [...prefix, ...read.keys];
    record(path, line, keyStart + 1);
    i = skipSpace(s, read.end + 1);
    i = s[i] === '{' ? scanInlineTable(path, s, i, line, record) : skipValue(s, i);
    i = skipSpace(s, i);
    if (s[i] === ',') i++;
    else if (s[i] === '}') return i + 1;
    else return s.length;
  }
  return i;
}

const pathKey = (path: readonly string[]) => path.join('\u0000');

/** Builds a locator for `text`. */
export function createKeyLocator(text: string): KeyLocator {
  const places = new Map<string, KeyLocation>();
  const record: Record_ = (path, line, column) => {
    const key = pathKey(path);
    if (!places.has(key)) places.set(key, { line, column });
  };
  const { lines, kinds } = readTomlLines(text);
  kinds.forEach((kind, index) => {
    if (kind.kind === 'header') record(kind.keys, index + 1, kind.column);
    if (kind.kind !== 'keyvalue') return;
    const path = [...kind.table, ...kind.keys];
    record(path, index + 1, kind.column);
    const line = lines[index] ?? '';
    if (line[kind.valueStart] === '{') scanInlineTable(path, line, kind.valueStart, index + 1, record);
  });
  return {
    locate(path) {
      const keys = path.filter((segment): segment is string => typeof segment === 'string');
      for (let n = keys.length; n > 0; n--) {
        const place = places.get(pathKey(keys.slice(0, n)));
        if (place !== undefined) return place;
      }
      return undefined;
    },
  };
}
