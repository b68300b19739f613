import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveConfigLocation } from '@mcp-oauth/config';

const homedir = '/home/me';

test('precedence: --config > --codex-home > MCP_OAUTH_HOME > CODEX_HOME > ~/.mcp-oauth', () => {
  const env = { MCP_OAUTH_HOME: '/data/mcp', CODEX_HOME: '/data/codex' };
  assert.deepEqual(resolveConfigLocation({ configFile: '/etc/x.toml', codexHome: '/c', env, homedir }), {
    configPath: '/etc/x.toml',
    home: '/data/mcp',
    source: '--config',
  });
  assert.deepEqual(resolveConfigLocation({ codexHome: '/c', env, homedir }), {
    configPath: '/c/config.toml',
    home: '/data/mcp',
    source: '--codex-home',
  });
  assert.deepEqual(resolveConfigLocation({ env, homedir }), {
    configPath: '/data/mcp/config.toml',
    home: '/data/mcp',
    source: 'MCP_OAUTH_HOME',
  });
  assert.deepEqual(resolveConfigLocation({ env: { CODEX_HOME: '/data/codex' }, homedir }), {
    configPath: '/data/codex/config.toml',
    home: '/home/me/.mcp-oauth',
    source: 'CODEX_HOME',
  });
  assert.deepEqual(resolveConfigLocation({ env: { MCP_OAUTH_HOME: '', CODEX_HOME: '' }, homedir }), {
    configPath: '/home/me/.mcp-oauth/config.toml',
    home: '/home/me/.mcp-oauth',
    source: 'default',
  });
});
