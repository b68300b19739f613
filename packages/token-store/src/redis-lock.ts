import type { LockBackend } from './fleet-lock.js';

/**
 * The subset of a node-redis client (`createClient`, `createCluster`; what @keyv/redis uses) that the lock
 * needs. Valkey speaks the same protocol.
 */
export interface RedisLockClient {
  set(
    key: string,
    value: string,
    options: { condition: 'NX'; expiration: { type: 'PX'; value: number } },
  ): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

// Compare-and-delete and compare-and-extend: only the holder of the token may release or renew the lock.
const RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const RENEW =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/**
 * A {@link LockBackend} on Redis or Valkey: acquire is `SET name token NX PX ttl` (atomic create with expiry);
 * renew and release are Lua scripts that act only while the key still holds the caller's token, so a holder whose
 * lock expired can never delete or extend the next holder's lock.
 *
 * @see https://redis.io/docs/latest/commands/set/ (the single-instance lock pattern)
 */
export function redisLockBackend(client: RedisLockClient | (() => Promise<RedisLockClient>)): LockBackend {
  const connected = typeof client === 'function' ? client : async () => client;
  return {
    async tryAcquire(name, token, ttlMs) {
      const reply = await (await connected()).set(name, token, {
        condition: 'NX',
        expiration: { type: 'PX', value: Math.ceil(ttlMs) },
      });
      return reply === 'OK';
    },
    async renew(name, token, ttlMs) {
      const reply = await (await connected()).eval(RENEW, {
        keys: [name],
        arguments: [token, String(Math.ceil(ttlMs))],
      });
      return Number(reply) === 1;
    },
    async release(name, token) {
      const reply = await (await connected()).eval(RELEASE, { keys: [name], arguments: [token] });
      return Number(reply) === 1;
    },
  };
}
