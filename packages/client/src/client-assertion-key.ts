import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ClientAssertionKey } from '@mcp-oauth/authorize';
import { formatKey } from '@mcp-oauth/config';
import { type CryptoKey, exportJWK, importJWK, type JWK } from 'jose';
import { ClientError } from './client-error.js';
import type { SecretRedactor } from './logger.js';
import type { ServerContext } from './server-context.js';

/** Where a `private_key_jwt` key is read from, and the settings that complete it. */
export interface ClientAssertionKeySource {
  /** `oauth.private_key_file`, resolved against `configDir` when relative. */
  readonly file?: string | undefined;
  /** `oauth.private_key_env_var`: the variable holding the PEM or JWK text. */
  readonly envVar?: string | undefined;
  /** `oauth.client_assertion_alg`; default the JWK's `alg`, else the key type's usual algorithm. */
  readonly alg?: string | undefined;
  /** `oauth.client_assertion_kid`; default the JWK's `kid`. */
  readonly kid?: string | undefined;
  /** The directory relative key-file paths are resolved against (the config file's). Default the working directory. */
  readonly configDir?: string | undefined;
  /** For messages: `mcp_servers.NAME.oauth`. */
  readonly keyBase: string;
}

/**
 * The key of a `private_key_jwt` client, read when it is needed (a login or a renewal), never stored: a PEM private
 * key (PKCS#8, SEC1 `EC PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`) or a private JWK (JSON with `d`), from
 * `private_key_file` or `private_key_env_var`. The algorithm is `client_assertion_alg`, else the JWK's `alg`, else
 * the key type's: EC P-256/384/521 → ES256/384/512, Ed25519 → EdDSA, RSA → RS256. JWK handling is `jose`'s.
 * The key text is given to `redactor` before anything can log it.
 *
 * @throws {ClientError} `private_key_unset`, `private_key_unreadable`, `private_key_invalid`; messages name the
 *   config key and the path, never key material.
 */
export async function loadClientAssertionKey(
  source: ClientAssertionKeySource,
  env: Readonly<Record<string, string | undefined>>,
  redactor?: SecretRedactor,
): Promise<ClientAssertionKey> {
  const { text, where } = await keyText(source, env);
  redactor?.add(text);
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return fromJwk(trimmed, source, where);
  if (trimmed.includes('-----BEGIN')) return fromPem(trimmed, source, where);
  throw invalid(`${where} holds neither a PEM private key nor a JWK (JSON)`);
}

/** The key source of a server's config. */
export function keySourceOf(ctx: ServerContext, configPath: string | undefined): ClientAssertionKeySource {
  return {
    file: ctx.oauth.privateKeyFile.value,
    envVar: ctx.oauth.privateKeyEnvVar.value,
    alg: ctx.oauth.clientAssertionAlg.value,
    kid: ctx.oauth.clientAssertionKid.value,
    configDir: configPath === undefined ? undefined : dirname(configPath),
    keyBase: `mcp_servers.${formatKey(ctx.name)}.oauth`,
  };
}

async function keyText(
  source: ClientAssertionKeySource,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ text: string; where: string }> {
  if (source.envVar !== undefined) {
    const value = env[source.envVar];
    if (value === undefined || value.trim() === '') {
      throw new ClientError(
        'private_key_unset',
        `${source.keyBase}.private_key_env_var names ${source.envVar}, which is not set: export the private key (PEM or JWK) in it`,
      );
    }
    return { text: value, where: `the variable ${source.envVar}` };
  }
  if (source.file === undefined) {
    throw new ClientError(
      'config',
      `${source.keyBase} has no private key: set private_key_file or private_key_env_var`,
    );
  }
  const path = resolve(source.configDir ?? process.cwd(), source.file);
  try {
    return { text: await readFile(path, 'utf8'), where: `the key file ${JSON.stringify(path)}` };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new ClientError(
      'private_key_unreadable',
      `${source.keyBase}.private_key_file ${JSON.stringify(path)} cannot be read (${typeof code === 'string' ? code : 'error'}): ` +
        'check the path (relative paths start at the config file) and that this user may read it',
      { cause: error },
    );
  }
}

async function fromJwk(
  text: string,
  source: ClientAssertionKeySource,
  where: string,
): Promise<ClientAssertionKey> {
  let jwk: JWK;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch {
    throw invalid(`${where} is not valid JSON`);
  }
  if (jwk === null || typeof jwk !== 'object' || typeof jwk.kty !== 'string') {
    throw invalid(`${where} is not a JWK (no "kty")`);
  }
  if (typeof jwk.d !== 'string')
    throw invalid(`${where} is a public JWK: the private key (with "d") is needed`);
  const alg = source.alg ?? jwk.alg ?? algOf(jwk, where);
  let key: CryptoKey | Uint8Array;
  try {
    key = await importJWK(jwk, alg);
  } catch (error) {
    throw invalid(
      `${where} cannot be used with ${JSON.stringify(alg)}: set oauth.client_assertion_alg to the key's algorithm`,
      error,
    );
  }
  if (key instanceof Uint8Array)
    throw invalid(`${where} is a symmetric key: private_key_jwt needs a private key`);
  const kid = source.kid ?? jwk.kid;
  return { key, alg, ...(kid === undefined ? {} : { kid }) };
}

async function fromPem(
  text: string,
  source: ClientAssertionKeySource,
  where: string,
): Promise<ClientAssertionKey> {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: text, format: 'pem' });
  } catch (error) {
    throw invalid(`${where} is not a readable PEM private key (PKCS#8, SEC1 or PKCS#1; unencrypted)`, error);
  }
  const alg = source.alg ?? algOf(await exportJWK(key), where);
  return { key, alg, ...(source.kid === undefined ? {} : { kid: source.kid }) };
}

/** The usual JWS algorithm of a key type (RFC 7518 §3.1, RFC 8037 §3.1). */
function algOf(jwk: JWK, where: string): string {
  if (jwk.kty === 'EC') {
    const alg = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[String(jwk.crv)];
    if (alg !== undefined) return alg;
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'RSA') return 'RS256';
  throw invalid(
    `${where} is a ${JSON.stringify(jwk.kty)} key${jwk.crv ? ` on ${JSON.stringify(jwk.crv)}` : ''} with no known signing algorithm: set oauth.client_assertion_alg`,
  );
}

function invalid(message: string, cause?: unknown): ClientError {
  return new ClientError('private_key_invalid', message, cause === undefined ? {} : { cause });
}
