import { createHash, timingSafeEqual } from 'node:crypto';
import { base64url, defaultRandomBytes, draw, type RandomBytes } from './random.js';

/** Options of {@link generateState}. */
export interface GenerateStateOptions {
  /** Default `node:crypto` `randomBytes`. */
  randomBytes?: RandomBytes;
}

/**
 * A fresh `state` value: 32 random octets (256 bits, above the 128 the issue asks for), base64url-encoded
 * (43 characters, URL-safe, no padding).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12 (CSRF: a value bound to the user agent, not guessable)
 */
export function generateState(options: GenerateStateOptions = {}): string {
  return base64url(draw(options.randomBytes ?? defaultRandomBytes, 32));
}

/**
 * Compares two strings in time independent of where they differ: both are hashed first, so neither the position of
 * the first difference nor the length of the expected value leaks.
 */
export function constantTimeEqual(actual: string, expected: string): boolean {
  const a = createHash('sha256').update(actual, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && actual.length === expected.length;
}
