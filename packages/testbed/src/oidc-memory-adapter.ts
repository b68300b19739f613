import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * oidc-provider storage kept in memory, one map per world (oidc-provider's own memory adapter is global to the
 * process and warns on every start). Expiry is checked on read.
 */
export function memoryAdapterFactory(): (name: string) => Adapter {
  const store = new Map<string, { payload: AdapterPayload; expiresAt: number | undefined }>();
  const grants = new Map<string, Set<string>>();
  return (name: string): Adapter => {
    const key = (id: string) => `${name}:${id}`;
    const read = (k: string): AdapterPayload | undefined => {
      const hit = store.get(k);
      if (!hit) return undefined;
      if (hit.expiresAt !== undefined && hit.expiresAt <= Date.now()) {
        store.delete(k);
        return undefined;
      }
      return hit.payload;
    };
    return {
      async upsert(id, payload, expiresIn) {
        const k = key(id);
        store.set(k, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
        if (payload.grantId) {
          const set = grants.get(payload.grantId) ?? new Set<string>();
          grants.set(payload.grantId, set);
          set.add(k);
        }
        if (payload.uid)
          store.set(`${name}:uid:${payload.uid}`, {
            payload: { ...payload, __id: id } as AdapterPayload,
            expiresAt: undefined,
          });
        if (payload.userCode)
          store.set(`${name}:userCode:${payload.userCode}`, { payload, expiresAt: undefined });
      },
      async find(id) {
        return read(key(id));
      },
      async findByUid(uid) {
        const ref = read(`${name}:uid:${uid}`) as (AdapterPayload & { __id?: string }) | undefined;
        return ref?.__id ? read(key(ref.__id)) : undefined;
      },
      async findByUserCode(userCode) {
        return read(`${name}:userCode:${userCode}`);
      },
      async consume(id) {
        const hit = store.get(key(id));
        if (hit) hit.payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        store.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const k of grants.get(grantId) ?? []) store.delete(k);
        grants.delete(grantId);
      },
    };
  };
}
