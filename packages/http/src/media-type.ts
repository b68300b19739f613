/**
 * The media type of a `Content-Type` value, lowercased, without parameters (`application/json; charset=utf-8`
 * → `application/json`). `undefined` when absent or empty.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.3.1
 */
export function mediaTypeOf(contentType: string | null | undefined): string | undefined {
  if (contentType == null) return undefined;
  const type = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type === '' ? undefined : type;
}

/** `application/json` or any `+json` structured-syntax suffix type (RFC 6839 §3.1). */
export function isJsonMediaType(mediaType: string | undefined): boolean {
  if (mediaType === undefined) return false;
  return mediaType === 'application/json' || /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+\+json$/.test(mediaType);
}

/** `application/x-www-form-urlencoded` (as GitHub's token endpoint answers without `Accept: application/json`). */
export function isFormMediaType(mediaType: string | undefined): boolean {
  return mediaType === 'application/x-www-form-urlencoded';
}
