import { HttpError } from './http-error.js';

/** Where the body comes from, for the `too_large` error. */
export interface BodyContext {
  url: string;
  method: string;
  status: number;
}

/**
 * Reads a response body into memory, refusing more than `maxBytes`: at once when `Content-Length` declares more,
 * otherwise as soon as the streamed byte count passes the cap; the stream is destroyed in both cases so the rest
 * is never read.
 *
 * @throws {HttpError} `too_large`; transport errors of the stream propagate unchanged.
 */
export async function readBodyCapped(
  body: AsyncIterable<Uint8Array> & { destroy(error?: Error): unknown },
  contentLength: string | null,
  maxBytes: number,
  ctx: BodyContext,
): Promise<Uint8Array> {
  const declared = contentLength === null ? Number.NaN : Number(contentLength);
  if (Number.isFinite(declared) && declared > maxBytes) {
    body.destroy();
    throw tooLarge(`Content-Length ${declared} exceeds maxBodyBytes (${maxBytes})`, ctx);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      body.destroy();
      throw tooLarge(`The body exceeds maxBodyBytes (${maxBytes})`, ctx);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(description: string, ctx: BodyContext): HttpError {
  return new HttpError('too_large', description, ctx);
}
