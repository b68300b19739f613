// A hostile world served over https under the name mcp.example.test (not loopback), with its plain-http twin on
// 127.0.0.1: what the endpoint-downgrade rule is about (issue 17, defect 3). The CLI under test trusts the
// world's self-signed certificate and resolves the name to 127.0.0.1 through the environment `tlsCliEnv` gives.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type HostileWorld, startHostileWorld } from './hostile-world.js';

export const TLS_HOST = 'mcp.example.test';
const CERT = fileURLToPath(new URL('./tls/mcp.example.test.cert.pem', import.meta.url));
const KEY = fileURLToPath(new URL('./tls/mcp.example.test.key.pem', import.meta.url));
const RESOLVER = new URL('./resolve-example-test.ts', import.meta.url).href;

export function startTlsWorld(): Promise<HostileWorld> {
  return startHostileWorld({
    tls: { cert: readFileSync(CERT, 'utf8'), key: readFileSync(KEY, 'utf8') },
    hostname: TLS_HOST,
  });
}

/** The environment of a CLI run against a TLS world: trust its certificate, resolve its name to 127.0.0.1. */
export function tlsCliEnv(): Record<string, string> {
  return {
    NODE_EXTRA_CA_CERTS: CERT,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${RESOLVER}`.trim(),
  };
}
