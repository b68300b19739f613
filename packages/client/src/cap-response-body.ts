import type { FetchLike } from './authorized-fetch.js';
import { ClientError } from './client-error.js';

/** The largest MCP response body read by default, in bytes: 16777216 (16 MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

function tooLarge(serverName: string, maxBytes: number): ClientError {
  return new ClientError(
    'response_too_large',
    `${JSON.stringify(serverName)} sent a response larger than ${maxBytes} bytes; it was not read. If the server ` +
      'is trusted and its answers are this large, raise mcp_oauth_max_response_bytes in the config',
  );
}

/** Reads a whole body, refusing it as soon as it passes `maxBytes` (the rest is never read). */
async function readCapped(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  fail: () => ClientError,
): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw fail();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** An event stream, counted as it is read: the stream errors with `response_too_large` past `maxBytes`. */
function countedStream(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  fail: () => ClientError,
): ReadableStream<Uint8Array> {
  let total = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.byteLength;
        if (total > maxBytes) controller.error(fail());
        else controller.enqueue(chunk);
      },
    }),
  );
}

/**
 * Wraps the fetch of an MCP session so that no response body larger than `maxBytes` is held in memory: a declared
 * `Content-Length` over the cap is refused before reading, a JSON (or any non-stream) body is read up to the cap
 * and refused past it, an event stream (`text/event-stream`) errors once the bytes read pass the cap. The error is
 * a {@link ClientError} `response_too_large` (not retryable). A server that answers with a 250 MB `tools/list`
 * otherwise makes the client hold it all.
 */
export function capResponseBodies(fetchImpl: FetchLike, maxBytes: number, serverName: string): FetchLike {
  const fail = () => tooLarge(serverName, maxBytes);
  return async (url, init) => {
    const res = await fetchImpl(url, init);
    if (res.body === null) return res;
    const declared = Number(res.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body.cancel().catch(() => {});
      throw fail();
    }
    const init2 = { status: res.status, statusText: res.statusText, headers: res.headers };
    if ((res.headers.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream')) {
      return new Response(countedStream(res.body, maxBytes, fail), init2);
    }
    return new Response(await readCapped(res.body, maxBytes, fail), init2);
  };
}
