/**
 * The program the keyring helper process runs (CommonJS, given to `node -e`). It answers one JSON request per
 * line on stdin with one JSON line on stdout, using the synchronous @napi-rs/keyring API. It runs in its own
 * process because the keychain call can block the whole thread (a D-Bus peer that never answers blocks even the
 * constructor), and only a separate process can be killed.
 *
 * On Linux every entry is pinned to the Secret Service: without the pin, @napi-rs/keyring falls back to the
 * kernel keyring, which forgets everything at reboot (a silently lost refresh token).
 */
export function keyringHelperSource(modulePath: string): string {
  return `'use strict';
let keyring;
let loadError = null;
try { keyring = require(${JSON.stringify(modulePath)}); } catch (error) { loadError = error; }
const options = process.platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined;
const answer = (id, body) => process.stdout.write(JSON.stringify({ id, ...body }) + '\\n');
const handle = (req) => {
  if (loadError) throw Object.assign(new Error(String(loadError && loadError.message)), { kind: 'load' });
  const entry = () => new keyring.Entry(req.service, req.account, options);
  switch (req.op) {
    case 'get': return entry().getPassword();
    case 'set': entry().setPassword(req.password); return null;
    case 'delete': return entry().deleteCredential();
    case 'list':
      new keyring.Entry(req.service, '.probe', options).getPassword();
      return keyring.findCredentials(req.service);
    default: throw new Error('unknown operation');
  }
};
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  let req;
  try { req = JSON.parse(line); } catch { return; }
  try { answer(req.id, { value: handle(req) }); }
  catch (error) {
    answer(req.id, { error: { message: String((error && error.message) || error), code: error && error.code, kind: error && error.kind } });
  }
}).on('close', () => process.exit(0));
`;
}
