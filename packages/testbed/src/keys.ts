import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

/** Fresh signing keys for one authorization server: RS256 (ID tokens) and ES256 (JWT access tokens). */
export async function generateSigningKeys(): Promise<{ keys: JWK[] }> {
  const rsa = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const ec = await generateKeyPair('ES256', { extractable: true });
  return {
    keys: [
      { ...(await exportJWK(rsa.privateKey)), alg: 'RS256', use: 'sig', kid: randomUUID() },
      { ...(await exportJWK(ec.privateKey)), alg: 'ES256', use: 'sig', kid: randomUUID() },
    ],
  };
}
