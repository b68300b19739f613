// Loaded with `--import` into the CLI under test (tls-world.ts): resolves every `*.example.test` name (RFC 6761
// reserves `.test`) to 127.0.0.1, so a hostile world on this machine can be reached under a name that is not
// loopback, as a remote server would be. Everything else resolves as usual.
import dns from 'node:dns';

type Callback = (error: Error | null, address: unknown, family?: number) => void;

const lookup = dns.lookup;
dns.lookup = ((hostname: string, options: unknown, callback?: Callback) => {
  const done = (typeof options === 'function' ? options : callback) as Callback;
  if (typeof hostname === 'string' && hostname.endsWith('.example.test')) {
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
    if (all) process.nextTick(done, null, [{ address: '127.0.0.1', family: 4 }]);
    else process.nextTick(done, null, '127.0.0.1', 4);
    return;
  }
  return (lookup as (...args: unknown[]) => void).call(dns, hostname, options, callback);
}) as typeof dns.lookup;
