import { randomBytes } from 'node:crypto';

/**
 * A source of cryptographically strong random bytes, injected so builders stay pure and tests deterministic.
 * Default: `node:crypto` `randomBytes`.
 */
export type RandomBytes = (size: number) => Uint8Array;

export const defaultRandomBytes: RandomBytes = (size) => randomBytes(size);

/** Draws `size` bytes and checks that the injected source returned exactly that many. */
export function draw(random: RandomBytes, size: number): Uint8Array {
  const bytes = random(size);
  if (!(bytes instanceof Uint8Array) || bytes.byteLength !== size) {
    throw new TypeError(`randomBytes(${size}) must return a Uint8Array of ${size} bytes`);
  }
  return bytes;
}

export function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}
