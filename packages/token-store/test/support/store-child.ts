// A child process for the multi-process contract tests. argv[2] is a JSON command; it prints progress lines on
// stdout (never record contents) and exits 0 when done.
import { createInterface } from 'node:readline';
import { type CredentialKey, withLock } from '@mcp-oauth/token-store';
import { sampleKey, sampleRecord } from './records.js';
import { openStore, type StoreSpec } from './store-spec.js';

type Command =
  | { readonly op: 'write-many'; readonly spec: StoreSpec; readonly prefix: string; readonly count: number }
  | {
      readonly op: 'increment';
      readonly spec: StoreSpec;
      readonly key: CredentialKey;
      readonly count: number;
    }
  | { readonly op: 'write-loop'; readonly spec: StoreSpec; readonly key: CredentialKey }
  | {
      readonly op: 'set-one';
      readonly spec: StoreSpec;
      readonly key: CredentialKey;
      readonly accessToken: string;
    }
  | {
      readonly op: 'hold-lock';
      readonly spec: StoreSpec;
      readonly key: CredentialKey;
      readonly ttlMs: number;
    };

const command = JSON.parse(process.argv[2] ?? '{}') as Command;
const store = await openStore(command.spec);
const stdinLines = createInterface({ input: process.stdin });
const nextLine = () => new Promise<string>((resolve) => stdinLines.once('line', resolve));

switch (command.op) {
  case 'write-many': {
    for (let i = 0; i < command.count; i++) {
      const key = sampleKey(`${command.prefix}-${i}`);
      await store.set(key, sampleRecord(key, { updated_at: i }));
    }
    console.log('done');
    break;
  }
  case 'increment': {
    for (let i = 0; i < command.count; i++) {
      await withLock(
        store,
        command.key,
        async (lock) => {
          const current = await store.get(command.key);
          if (current === null) throw new Error('the counter record is missing');
          lock.signal.throwIfAborted();
          await store.set(command.key, { ...current, updated_at: current.updated_at + 1 });
        },
        { waitMs: 60_000 },
      );
    }
    console.log('done');
    break;
  }
  case 'set-one': {
    const current = await store.get(command.key);
    if (current === null) throw new Error('the record is missing');
    await store.set(command.key, { ...current, access_token: command.accessToken });
    console.log('done');
    break;
  }
  case 'write-loop': {
    console.log('ready');
    const start = Number((await nextLine()).split(' ')[1]);
    for (let n = start; ; n++) {
      await store.set(command.key, sampleRecord(command.key, { updated_at: n }));
      console.log(`committed ${n}`);
    }
  }
  case 'hold-lock': {
    const lock = await store.lock(command.key, { ttlMs: command.ttlMs, waitMs: 30_000 });
    console.log('locked');
    await nextLine();
    await lock.release();
    console.log('released');
    break;
  }
}
stdinLines.close();
await store.close();
// @keyv/redis's connectionTimeout timer keeps a process alive for its full length, even after disconnect.
process.exit(0);
