import type { McpSession } from '@mcp-oauth/client';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { SESSION_OPTIONS, withSession } from '../mcp-session.js';
import { JSON_SCHEMA_VERSION, writeJson } from '../view/json.js';
import { renderColumns } from '../view/table.js';

/** One tool in `tools --json`. */
export interface ToolJson {
  readonly name: string;
  readonly title: string | null;
  readonly description: string | null;
  /** The tool's JSON Schema for its arguments, as the server sent it. */
  readonly input_schema: unknown;
}

/** At most this many `tools/list` pages are read (a server that keeps returning cursors is not followed forever). */
const MAX_PAGES = 100;

async function listAllTools(session: McpSession): Promise<ToolJson[]> {
  const tools: ToolJson[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await session.listTools(cursor === undefined ? {} : { cursor });
    for (const tool of result.tools) {
      tools.push({
        name: tool.name,
        title: tool.title ?? null,
        description: tool.description ?? null,
        input_schema: tool.inputSchema,
      });
    }
    cursor = result.nextCursor;
    if (cursor === undefined) break;
  }
  return tools;
}

/** `mcp-oauth tools NAME [--json]`. */
export const toolsCommand: Command = {
  name: 'tools',
  summary: "List a server's tools",
  usage: ['tools NAME [--json] [--allow-step-up | --no-step-up] [login options]'],
  description: [
    'Connects to server NAME over Streamable HTTP with its stored credentials (refreshed when about to expire) and',
    'lists its tools: name and description, or with --json also the input schema. Log in first with',
    "'mcp-oauth login NAME'; without usable credentials it exits with 4.",
  ].join('\n'),
  positionals: ['NAME'],
  options: {
    json: { type: 'boolean', description: 'Print a JSON document (schema in docs/cli.md)' },
    ...SESSION_OPTIONS,
  },
  examples: [
    { command: 'tools gmail', comment: "gmail's tools" },
    { command: 'tools gmail --json', comment: 'with their input schemas, as JSON' },
  ],
  async run(input, context) {
    const name = input.positionals[0] as string;
    const tools = await withSession(input, context, 'tools', listAllTools);
    if (input.values.json === true) {
      writeJson(context.io.stdout, { schema_version: JSON_SCHEMA_VERSION, server: name, tools });
      return EXIT.ok;
    }
    if (tools.length === 0) {
      context.io.stdout.write(`${name} has no tools.\n`);
      return EXIT.ok;
    }
    const rows = tools.map((tool) => [tool.name, (tool.description ?? '').split('\n')[0] ?? '']);
    const lines = renderColumns(rows, (cell, column) => (column === 0 ? context.out.bold(cell) : cell));
    context.io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  },
};
