import { TokenStoreError } from './token-store-error.js';

/** The version of the `credentials.json` document layout. */
export const CREDENTIALS_FILE_VERSION = 1;

/** `credentials.json`: `{ "version": 1, "credentials": { "<storage id>": <record> } }`. */
export interface CredentialsDocument {
  version: number;
  credentials: Record<string, unknown>;
}

/** Why a file's text is not a credentials document. Never includes file content (it may hold tokens). */
export type DocumentProblem = { readonly problem: string };

/**
 * Parses the text of `credentials.json`. Returns the document, or the problem that makes it corrupt. The JSON
 * parser's own message is not used: V8 quotes the text around the error, which may be a token.
 */
export function parseCredentialsDocument(text: string): CredentialsDocument | DocumentProblem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: 'is not a JSON object' };
  }
  const doc = value as Record<string, unknown>;
  if (typeof doc.version !== 'number' || !Number.isInteger(doc.version) || doc.version < 1) {
    return { problem: 'has no valid "version"' };
  }
  const credentials = doc.credentials;
  if (typeof credentials !== 'object' || credentials === null || Array.isArray(credentials)) {
    return { problem: 'has no "credentials" object' };
  }
  return { version: doc.version, credentials: nullPrototypeCopy(credentials as Record<string, unknown>) };
}

/** Refuses a document written by a newer mcp-oauth (its layout is unknown here, so it is never rewritten). */
export function checkDocumentVersion(doc: CredentialsDocument, path: string): void {
  if (doc.version > CREDENTIALS_FILE_VERSION) {
    throw new TokenStoreError(
      'unsupported_record_version',
      `${path} has version ${doc.version}, newer than ${CREDENTIALS_FILE_VERSION}: upgrade mcp-oauth`,
      { path },
    );
  }
}

/** The file's text for a document: pretty-printed, keys in a stable order, a final newline. */
export function serializeCredentialsDocument(doc: CredentialsDocument): string {
  const credentials: Record<string, unknown> = Object.create(null);
  for (const id of Object.keys(doc.credentials).sort()) credentials[id] = doc.credentials[id];
  return `${JSON.stringify({ version: CREDENTIALS_FILE_VERSION, credentials }, null, 2)}\n`;
}

export function isDocumentProblem(v: CredentialsDocument | DocumentProblem): v is DocumentProblem {
  return 'problem' in v;
}

/**
 * The records by storage id in an object without a prototype, so that a `__proto__` key in a hand-edited or hostile
 * file stays an ordinary (corrupt) entry: assigned into a plain `{}` it would replace the object's prototype and the
 * entry would silently vanish on the next write.
 */
function nullPrototypeCopy(source: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = Object.create(null);
  for (const [id, record] of Object.entries(source)) copy[id] = record;
  return copy;
}
