/** What replaces a value that may be secret (header values, stdio `env` values). */
export const REDACTED = '<redacted>';

/** Keeps the keys of a table and replaces every value by {@link REDACTED}. */
export function redactValues(
  table: Readonly<Record<string, string>> | undefined,
): Record<string, string> | null {
  if (table === undefined) return null;
  return Object.fromEntries(Object.keys(table).map((key) => [key, REDACTED]));
}
