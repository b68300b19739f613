import { type CredentialStore, FileStore, KeyvStore } from '@mcp-oauth/token-store';

/** A JSON description of a store, so that worker processes open the same store as the test. */
export type StoreSpec =
  | { readonly kind: 'file'; readonly home: string }
  | { readonly kind: 'keyv-redis'; readonly url: string; readonly namespace: string };

export async function openStore(spec: StoreSpec): Promise<CredentialStore> {
  if (spec.kind === 'file') return new FileStore({ home: spec.home });
  const { createKeyv } = await import('@keyv/redis'); // slow to load: only when used
  return new KeyvStore({
    keyv: createKeyv(spec.url, { namespace: spec.namespace, connectionTimeout: 5000 }),
  });
}
