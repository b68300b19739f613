import { AutoStore, type CredentialStore, FileStore, KeyringStore, KeyvStore } from '@mcp-oauth/token-store';

/** A JSON description of a store, so that child processes can open the same store as the test. */
export type StoreSpec =
  | { readonly kind: 'file'; readonly home: string }
  | { readonly kind: 'keyv-redis'; readonly url: string; readonly namespace: string }
  | { readonly kind: 'keyring'; readonly service: string; readonly home: string }
  | { readonly kind: 'auto'; readonly service: string; readonly home: string; readonly dbusAddress?: string };

export async function openStore(spec: StoreSpec): Promise<CredentialStore> {
  switch (spec.kind) {
    case 'file':
      return new FileStore({ home: spec.home });
    case 'keyv-redis': {
      const { createKeyv } = await import('@keyv/redis'); // loaded only when used: it is slow to load
      return new KeyvStore({
        keyv: createKeyv(spec.url, { namespace: spec.namespace, connectionTimeout: 5000 }),
      });
    }
    case 'keyring':
      return new KeyringStore({ service: spec.service, home: spec.home });
    case 'auto': {
      const env =
        spec.dbusAddress === undefined
          ? process.env
          : { ...process.env, DBUS_SESSION_BUS_ADDRESS: spec.dbusAddress };
      return new AutoStore({ home: spec.home, keyring: { service: spec.service, env } });
    }
  }
}
