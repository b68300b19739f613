/**
 * The one place that makes untrusted text safe to print for a human (SPEC-NOTES §6; STYLE rule 10). A string a
 * server controls (a `resource`, an issuer, a scope, an `error_description`, a tool's name or description, a URL)
 * can carry ESC/CSI/OSC sequences, C1 controls and bidi overrides that repaint, hide or reorder what the terminal
 * shows. `--json` output stays exact JSON and does not go through here.
 */

/** The longest text {@link escapeForTerminal} prints by default, in characters (not counting the ellipsis). */
export const DEFAULT_TERMINAL_TEXT_LIMIT = 512;

/** Options of {@link escapeForTerminal}. */
export interface TerminalTextOptions {
  /** Longest result, in characters, before the ellipsis `…` is added. Default 512. `Infinity` disables the cap. */
  readonly maxLength?: number;
  /** Keep line feeds as they are (multi-line descriptions). Default false: `\n` is shown as `\n`. */
  readonly keepNewlines?: boolean;
}

/**
 * C0 controls (tab and line feed included), DEL, C1 controls (U+0080–U+009F), the bidi controls (ALM U+061C,
 * LRM/RLM U+200E–U+200F, embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069) and the line and paragraph
 * separators U+2028/U+2029.
 */
function isUnsafe(code: number, keepNewlines: boolean): boolean {
  if (code === 0x0a) return !keepNewlines;
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Returns `value` with every control character written as a visible escape (`\x1b`, `\u202e`, `\n`) and capped at
 * `maxLength` characters with a trailing `…`. The cap counts code points of the escaped text, so a cut never splits
 * an escape or a surrogate pair. Non-strings are shown with `String(value)` first.
 */
export function escapeForTerminal(value: unknown, options: TerminalTextOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_TERMINAL_TEXT_LIMIT;
  const text = typeof value === 'string' ? value : String(value);
  const keepNewlines = options.keepNewlines === true;
  const parts: string[] = [];
  let length = 0;
  for (const char of text) {
    const piece = isUnsafe(char.codePointAt(0) ?? 0, keepNewlines) ? visible(char) : char;
    const pieceLength = piece.length === 2 && char.length === 2 ? 1 : piece.length;
    if (length + pieceLength > maxLength) return `${parts.join('')}…`;
    parts.push(piece);
    length += pieceLength;
  }
  return parts.join('');
}
