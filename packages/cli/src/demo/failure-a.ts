import { exitCodeFor } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { DEMO_SERVERS } from './demo-config.js';
import { attempt, type DemoContext, failureText, whoami } from './demo-context.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Reported failure A: without `access_type=offline` a Google-like AS issues no refresh token, and the session dies
 * with the first access token (reproduced with provider "generic"); the google profile adds the parameters, a
 * refresh token is stored, and a call after expiry succeeds through a refresh, with no new login.
 */
export async function failureA({ testbed, world, client, agent, say }: DemoContext): Promise<void> {
  const param = (entry: Parameters<typeof testbed.paramValues>[0] | undefined, name: string) =>
    entry === undefined ? [] : testbed.paramValues(entry, name);
  say.heading('Failure A: no refresh token from a Google-like authorization server');
  say.step(
    `The Gmail-like MCP server ${world.googleMcp.url} trusts the Google-like AS ${world.googleAs.issuer}.`,
  );

  say.step('3. provider = "generic" (no extra authorize parameters)');
  let mark = world.log.mark();
  const generic = await client.login(DEMO_SERVERS.aGeneric, { userAgent: agent });
  const [plain] = world.log.entries({ server: 'google', endpoint: 'authorize', after: mark });
  const genericStatus = await client.status(DEMO_SERVERS.aGeneric);
  say.check(
    param(plain, 'access_type').length === 0 && !generic.refreshTokenIssued && !genericStatus.refreshToken,
    'logged in without access_type=offline: no refresh token stored',
    `access_type ${JSON.stringify(param(plain, 'access_type'))}, refresh token ${genericStatus.refreshToken}`,
  );

  say.step('4. provider = "google" (the profile adds access_type=offline and prompt=consent)');
  const googleMark = world.log.mark();
  const google = await client.login(DEMO_SERVERS.aGoogle, { userAgent: agent });
  const [offline] = world.log.entries({ server: 'google', endpoint: 'authorize', after: googleMark });
  const googleStatus = await client.status(DEMO_SERVERS.aGoogle);
  say.check(
    param(offline, 'access_type').join() === 'offline' &&
      param(offline, 'prompt').join() === 'consent' &&
      google.refreshTokenIssued &&
      googleStatus.refreshToken,
    'logged in with access_type=offline and prompt=consent: refresh token stored',
    `access_type ${JSON.stringify(param(offline, 'access_type'))}, refresh token ${googleStatus.refreshToken}`,
  );

  const expiry = Math.max(generic.expiresAt ?? 0, google.expiresAt ?? 0);
  const wait = Math.max(0, expiry - Date.now()) + 250;
  say.note(`waiting ${(wait / 1000).toFixed(1)} s for both access tokens to expire`);
  await sleep(wait);

  say.step('3. after expiry, provider = "generic":');
  const dead = await attempt(() => whoami(client, DEMO_SERVERS.aGeneric));
  say.check(
    !dead.ok && exitCodeFor(dead.error) === EXIT.needsLogin,
    'the session is over: the call needs a new browser login (nothing to refresh with): reproduced',
    failureText(dead),
  );

  say.step('4. after expiry, provider = "google":');
  mark = world.log.mark();
  const alive = await attempt(() => whoami(client, DEMO_SERVERS.aGoogle));
  const refreshed = world.log
    .entries({ server: 'google', endpoint: 'token', after: mark })
    .some((entry) => param(entry, 'grant_type').join() === 'refresh_token');
  const logins = world.log.count({ server: 'google', endpoint: 'authorize', after: googleMark });
  say.check(
    alive.ok && refreshed && logins === 1,
    'the call succeeded through a refresh-token grant, with no new login: fixed',
    alive.ok ? `refreshed: ${refreshed}, authorization requests: ${logins}` : failureText(alive),
  );
}
