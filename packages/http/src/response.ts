import { isFormMediaType, isJsonMediaType, mediaTypeOf } from './media-type.js';

/**
 * The body of a response, parsed by its declared content type, never throwing:
 * - `json`: a JSON content type (`application/json`, `*+json`) and a body that parses;
 * - `invalid_json`: a JSON content type and a body that is empty, not UTF-8, or does not parse;
 * - `form`: `application/x-www-form-urlencoded` (GitHub's token endpoint without `Accept: application/json`);
 *   when a name repeats, the first value is kept;
 * - `empty`: no body bytes and no JSON content type;
 * - `text`: anything else; the text is in {@link HttpResponse.text}.
 */
export type ResponseBody =
  | { readonly format: 'json'; readonly value: unknown }
  | { readonly format: 'invalid_json' }
  | { readonly format: 'form'; readonly value: Readonly<Record<string, string>> }
  | { readonly format: 'empty' }
  | { readonly format: 'text' };

/** A complete response: status, headers and a body read within the size cap. */
export interface HttpResponse {
  /** HTTP method of the request. */
  readonly method: string;
  /** HTTP status code. */
  readonly status: number;
  /** Response headers; repeated fields are combined with `, ` by `get()` (RFC 9110 §5.3). */
  readonly headers: Headers;
  /** URL of the final request after redirects (unredacted: it is the caller's own URL). */
  readonly url: string;
  /** Whether at least one redirect was followed. */
  readonly redirected: boolean;
  /** Media type of `Content-Type`, lowercased, without parameters; `undefined` when absent. */
  readonly mediaType: string | undefined;
  /** Body decoded as UTF-8 (invalid sequences replaced by U+FFFD). */
  readonly text: string;
  /** Body parsed according to its content type. */
  readonly body: ResponseBody;
}

/** Builds an {@link HttpResponse} from the status, headers and the body bytes. */
export function buildResponse(init: {
  method: string;
  status: number;
  headers: Headers;
  url: string;
  redirected: boolean;
  bytes: Uint8Array;
}): HttpResponse {
  const mediaType = mediaTypeOf(init.headers.get('content-type'));
  const text = new TextDecoder('utf-8').decode(init.bytes);
  return {
    method: init.method,
    status: init.status,
    headers: init.headers,
    url: init.url,
    redirected: init.redirected,
    mediaType,
    text,
    body: parseBody(mediaType, init.bytes, text),
  };
}

function parseBody(mediaType: string | undefined, bytes: Uint8Array, text: string): ResponseBody {
  if (isJsonMediaType(mediaType)) {
    // RFC 8259 §8.1: JSON exchanged between systems MUST be UTF-8; a BOM MAY be ignored.
    let strict: string;
    try {
      strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      return { format: 'invalid_json' };
    }
    try {
      return { format: 'json', value: JSON.parse(strict) };
    } catch {
      return { format: 'invalid_json' };
    }
  }
  if (bytes.byteLength === 0) return { format: 'empty' };
  if (isFormMediaType(mediaType)) {
    const value: Record<string, string> = {};
    for (const [name, v] of new URLSearchParams(text)) {
      // defineProperty: a name such as `__proto__` becomes a plain own property, never a prototype.
      if (!Object.hasOwn(value, name))
        Object.defineProperty(value, name, {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    return { format: 'form', value };
  }
  return { format: 'text' };
}

/** Converts undici's header record to WHATWG `Headers`, keeping repeated fields. */
export function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}
