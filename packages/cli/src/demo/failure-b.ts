import { DEMO_SERVERS } from './demo-config.js';
import { attempt, type DemoContext, failureText, whoami } from './demo-context.js';

/**
 * Reported failure B: a token obtained without the RFC 8707 `resource` is refused by an MCP server that checks
 * its audience (reproduced with `resource = false`); the default policy sends exactly one `resource`, the
 * server's protected-resource metadata `resource`, on the authorize and the token request, and the call succeeds.
 */
export async function failureB({ testbed, world, client, agent, say }: DemoContext): Promise<void> {
  const url = world.strictMcp.url;
  const resources = (entry: Parameters<typeof testbed.paramValues>[0] | undefined) =>
    entry === undefined ? undefined : testbed.paramValues(entry, 'resource');
  say.heading('Failure B: a token requested without `resource` is refused by a strict MCP server');
  say.step(`The strict MCP server ${url} accepts only tokens whose audience is its own URL.`);

  say.step('1. oauth.resource = false (no RFC 8707 resource, as clients without it do)');
  let mark = world.log.mark();
  await client.login(DEMO_SERVERS.bWithoutResource, { userAgent: agent });
  const [bare] = world.log.entries({ server: 'as', endpoint: 'authorize', after: mark });
  say.check(
    resources(bare)?.length === 0,
    'logged in; the authorize request carried no resource',
    `resource values: ${JSON.stringify(resources(bare))}`,
  );
  mark = world.log.mark();
  const refusedCall = await attempt(() => whoami(client, DEMO_SERVERS.bWithoutResource));
  const answers = world.log
    .entries({ server: 'mcp', endpoint: 'mcp', after: mark })
    .filter((entry) => entry.detail.auth !== undefined);
  say.check(
    !refusedCall.ok &&
      answers.length > 0 &&
      answers.every((entry) => entry.status === 401 && entry.detail.auth === 'wrong_audience'),
    `whoami refused: the server answered 401 (wrong audience) ${answers.length} times (the call, then its retry after a refresh): reproduced`,
    refusedCall.ok
      ? 'the call succeeded'
      : `answers: ${answers.map((e) => `${e.status} ${e.detail.auth}`).join(', ')}`,
  );

  say.step(
    '2. the default policy (oauth.resource = "auto": the `resource` of the server\'s RFC 9728 metadata)',
  );
  mark = world.log.mark();
  const result = await client.login(DEMO_SERVERS.bDefault, { userAgent: agent });
  const [authorize] = world.log.entries({ server: 'as', endpoint: 'authorize', after: mark });
  const [token] = world.log.entries({ server: 'as', endpoint: 'token', after: mark });
  say.check(
    JSON.stringify(resources(authorize)) === JSON.stringify([url]) &&
      JSON.stringify(resources(token)) === JSON.stringify([url]) &&
      result.resource === url,
    `the authorize and the token request each carried exactly one resource = ${url}`,
    `authorize: ${JSON.stringify(resources(authorize))}, token: ${JSON.stringify(resources(token))}`,
  );
  const accepted = await attempt(() => whoami(client, DEMO_SERVERS.bDefault));
  say.check(
    accepted.ok && accepted.value.aud.includes(url),
    `whoami accepted: the token's audience is ${url}: fixed`,
    accepted.ok ? `audience ${JSON.stringify(accepted.value.aud)}` : failureText(accepted),
  );
}
