// A line-level reading of TOML text, for the key locator and the comment-preserving editor. It is not a parser:
// smol-toml decides validity; this only needs to know, for each line, whether it is blank, a comment, a table
// header, the start of a key/value pair, or the continuation of a multi-line value.

const BARE = /^[A-Za-z0-9_-]+/;

export function skipSpace(s: string, i: number): number {
  let j = i;
  while (s[j] === ' ' || s[j] === '\t') j++;
  return j;
}

function readKeyPart(s: string, i: number): { key: string; end: number } | undefined {
  const ch = s[i];
  if (ch === '"') {
    let j = i + 1;
    while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
    if (j >= s.length) return undefined;
    const literal = s.slice(i, j + 1);
    try {
      return { key: JSON.parse(literal) as string, end: j + 1 };
    } catch {
      return { key: literal.slice(1, -1), end: j + 1 };
    }
  }
  if (ch === "'") {
    const j = s.indexOf("'", i + 1);
    if (j < 0) return undefined;
    return { key: s.slice(i + 1, j), end: j + 1 };
  }
  const bare = BARE.exec(s.slice(i));
  if (bare === null) return undefined;
  return { key: bare[0], end: i + bare[0].length };
}

/** Reads a dotted key (`a."b.c".d`) starting at `start`; `end` is the index after it and its trailing spaces. */
export function readDottedKey(s: string, start: number): { keys: string[]; end: number } | undefined {
  const keys: string[] = [];
  let i = start;
  for (;;) {
    i = skipSpace(s, i);
    const part = readKeyPart(s, i);
    if (part === undefined) return undefined;
    keys.push(part.key);
    i = skipSpace(s, part.end);
    if (s[i] !== '.') return { keys, end: i };
    i++;
  }
}

/** What one line is. `keys` of a key/value line are relative to the current table. */
export type TomlLine =
  | { readonly kind: 'blank' }
  | { readonly kind: 'comment' }
  | {
      readonly kind: 'header';
      readonly keys: readonly string[];
      readonly array: boolean;
      readonly column: number;
    }
  | {
      readonly kind: 'keyvalue';
      readonly keys: readonly string[];
      readonly table: readonly string[];
      readonly column: number;
      readonly valueStart: number;
    }
  | { readonly kind: 'continuation' };

interface ScanState {
  depth: number;
  multiline: '"""' | "'''" | undefined;
}

/** Walks value text from `i`, updating bracket depth and multi-line string state; stops at a comment. */
function scanValue(s: string, start: number, state: ScanState): void {
  let i = start;
  while (i < s.length) {
    if (state.multiline !== undefined) {
      const close = s.indexOf(state.multiline, i);
      if (close < 0) return;
      // A closing delimiter may be followed by up to two more quotes that belong to the string.
      let end = close + 3;
      while (s[end] === state.multiline[0] && end < close + 5) end++;
      state.multiline = undefined;
      i = end;
      continue;
    }
    const ch = s[i];
    if (ch === '#') return;
    if (s.startsWith('"""', i) || s.startsWith("'''", i)) {
      state.multiline = s.slice(i, i + 3) as '"""' | "'''";
      i += 3;
      continue;
    }
    if (ch === '"' || ch === "'") {
      i++;
      while (i < s.length && s[i] !== ch) i += ch === '"' && s[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (ch === '[' || ch === '{') state.depth++;
    else if (ch === ']' || ch === '}') state.depth = Math.max(0, state.depth - 1);
    i++;
  }
}

/** Classifies every line of `text` (split on `\n`; a trailing `\r` is kept in the line text). */
export function readTomlLines(text: string): { lines: string[]; kinds: TomlLine[] } {
  const lines = text.split('\n');
  const kinds: TomlLine[] = [];
  const state: ScanState = { depth: 0, multiline: undefined };
  let table: readonly string[] = [];
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (state.multiline !== undefined || state.depth > 0) {
      kinds.push({ kind: 'continuation' });
      scanValue(line, 0, state);
      continue;
    }
    const start = skipSpace(line, 0);
    const ch = line[start];
    if (ch === undefined) {
      kinds.push({ kind: 'blank' });
      continue;
    }
    if (ch === '#') {
      kinds.push({ kind: 'comment' });
      continue;
    }
    if (ch === '[') {
      const array = line[start + 1] === '[';
      const read = readDottedKey(line, start + (array ? 2 : 1));
      if (read === undefined) {
        kinds.push({ kind: 'continuation' });
        continue;
      }
      table = read.keys;
      kinds.push({ kind: 'header', keys: read.keys, array, column: start + 1 });
      continue;
    }
    const read = readDottedKey(line, start);
    if (read === undefined || line[read.end] !== '=') {
      kinds.push({ kind: 'continuation' });
      continue;
    }
    const valueStart = skipSpace(line, read.end + 1);
    kinds.push({ kind: 'keyvalue', keys: read.keys, table, column: start + 1, valueStart });
    scanValue(line, valueStart, state);
  }
  return { lines, kinds };
}
