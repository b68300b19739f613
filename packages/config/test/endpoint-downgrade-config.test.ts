// Issue 17, defect 3: oauth.allow_endpoint_downgrade, the named escape hatch of the endpoint-downgrade rule. A
// boolean, default false, resolved with its source; trusted only from the user's own config file.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, parseConfig, resolveServer } from '@mcp-oauth/config';

const CONFIG = `
[mcp_servers.lab]
url = "https://mcp.example.com/mcp"

[mcp_servers.lab.oauth]
allow_endpoint_downgrade = true
`;

describe('oauth.allow_endpoint_downgrade', () => {
  test('user config: parsed, resolved as set by the config; absent: false by default', () => {
    const on = resolveServer(parseConfig(CONFIG), 'lab').oauth?.allowEndpointDowngrade;
    assert.equal(on?.value, true);
    assert.equal(on?.source, 'config');
    const off = resolveServer(parseConfig(CONFIG.replace('allow_endpoint_downgrade = true', '')), 'lab').oauth
      ?.allowEndpointDowngrade;
    assert.equal(off?.value, false);
    assert.equal(off?.source, 'default');
  });

  test('not a boolean: config_invalid naming the key', () => {
    assert.throws(
      () => parseConfig(CONFIG.replace('= true', '= "yes"')),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.issues.some((i) => i.path === 'mcp_servers.lab.oauth.allow_endpoint_downgrade'),
    );
  });

  test('a project-level file may not set it (true or false): config_invalid, the user file named', () => {
    for (const value of ['true', 'false']) {
      assert.throws(
        () => parseConfig(CONFIG.replace('= true', `= ${value}`), { layer: 'project' }),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.code === 'config_invalid' &&
          e.issues.some(
            (i) =>
              i.path === 'mcp_servers.lab.oauth.allow_endpoint_downgrade' &&
              /user's own config file/.test(i.message),
          ),
      );
    }
    assert.equal(
      parseConfig(CONFIG.replace('allow_endpoint_downgrade = true', ''), { layer: 'project' }).servers.length,
      1,
    );
  });
});
