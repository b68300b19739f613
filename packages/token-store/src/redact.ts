/** What secret values are replaced with. */
export const REDACTED = '[redacted]';

/**
 * Replaces every occurrence of each secret in `text` with `[redacted]`. Empty secrets are ignored; longer secrets
 * are replaced first so a secret that contains another is removed whole.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/storage.md#errors
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  const ordered = [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  for (const secret of ordered) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * A copy of `cause` that holds none of `secrets`: the same error when its message, stack and causes are clean,
 * otherwise a plain `Error` (same name, redacted message and stack, redacted cause chain, `code` kept). Non-error
 * values become an `Error` whose message is their redacted string form.
 */
export function sanitizeCause(cause: unknown, secrets: readonly string[], depth = 0): unknown {
  if (depth > 8) return new Error('cause chain too deep');
  if (!(cause instanceof Error)) {
    return new Error(redactSecrets(describe(cause), secrets));
  }
  const inner = cause.cause === undefined ? undefined : sanitizeCause(cause.cause, secrets, depth + 1);
  if (isClean(cause, secrets) && inner === cause.cause) return cause;
  const copy = new Error(
    redactSecrets(cause.message, secrets),
    inner === undefined ? undefined : { cause: inner },
  );
  copy.name = cause.name;
  copy.stack = redactSecrets(cause.stack ?? '', secrets);
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') (copy as { code?: unknown }).code = code;
  return copy;
}

function isClean(error: Error, secrets: readonly string[]): boolean {
  const own = Object.values(error)
    .filter((v) => typeof v === 'string')
    .join('\n');
  const text = `${error.message}\n${error.stack ?? ''}\n${own}`;
  return secrets.every((s) => s.length === 0 || !text.includes(s));
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
