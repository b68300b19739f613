import { randomUUID } from 'node:crypto';
import { inputRequired, type McpServer } from '@modelcontextprotocol/server';
import type { TextToolResult } from './mcp-tools.js';

/** Where the URL elicitation's page lives on the MCP server: `GET /elicit/<id>` completes the step `<id>`. */
export const ELICIT_PAGE_PREFIX = '/elicit/';

/**
 * The form `elicit_form` asks for: a required name, an age within limits, a titled single-select with a default,
 * a multi-select and a boolean with a default (every primitive the 2025-11-25 restricted schema allows).
 */
export const ELICIT_FORM_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', title: 'Name', description: 'Your display name', minLength: 1, maxLength: 40 },
    age: { type: 'integer', title: 'Age', minimum: 0, maximum: 150 },
    color: {
      type: 'string',
      title: 'Favourite colour',
      oneOf: [
        { const: 'red', title: 'Red' },
        { const: 'green', title: 'Green' },
        { const: 'blue', title: 'Blue' },
      ],
      default: 'blue',
    },
    topics: {
      type: 'array',
      title: 'Topics',
      items: { type: 'string', enum: ['oauth', 'mcp', 'dpop'] },
      maxItems: 2,
    },
    subscribe: { type: 'boolean', title: 'Subscribe', description: 'Send me news', default: false },
  },
  required: ['name', 'age'],
} as const;

/** The URL-elicitation steps the testbed page has completed, by id. */
export class ElicitationPages {
  readonly #done = new Set<string>();
  complete(id: string): void {
    this.#done.add(id);
  }
  isComplete(id: string): boolean {
    return this.#done.has(id);
  }
}

const text = (value: string, isError = false): TextToolResult => ({
  content: [{ type: 'text', text: value }],
  ...(isError ? { isError: true } : {}),
});

/** The action of one `inputResponses` entry, when it is an elicitation result. */
function actionOf(responses: Record<string, unknown> | undefined, key: string) {
  const entry = responses?.[key] as { action?: unknown; content?: unknown } | undefined;
  return typeof entry?.action === 'string' ? { action: entry.action, content: entry.content } : undefined;
}

/**
 * Registers the elicitation tools on a 2026-07-28 server (SEP-2322: they answer `input_required` and read the
 * answers from the retried call):
 * - `elicit_form`: asks for {@link ELICIT_FORM_SCHEMA} and returns the accepted answer as JSON, or the action;
 * - `elicit_url`: sends the user to `<origin>/elicit/<id>` (a testbed page that completes the step) and, on the
 *   retried call, reports whether the page was visited; `<id>` travels in `requestState`.
 */
export function registerElicitationTools(server: McpServer, origin: () => string, pages: ElicitationPages) {
  server.registerTool(
    'elicit_form',
    { description: 'Asks for a few details (form elicitation) and returns them.' },
    async (ctx) => {
      const answer = actionOf(ctx.mcpReq.inputResponses, 'details');
      if (answer === undefined) {
        return inputRequired({
          inputRequests: {
            details: inputRequired.elicit({
              message: 'Tell the testbed about yourself',
              requestedSchema: ELICIT_FORM_SCHEMA as never,
            }),
          },
        });
      }
      if (answer.action !== 'accept') return text(`form ${answer.action}`);
      return text(`form accepted: ${JSON.stringify(answer.content ?? {})}`);
    },
  );
  server.registerTool(
    'elicit_url',
    { description: 'Sends the user to a testbed page (URL elicitation) and reports whether it was visited.' },
    async (ctx) => {
      const answer = actionOf(ctx.mcpReq.inputResponses, 'connect');
      const id = ctx.mcpReq.requestState<string>();
      if (answer === undefined || typeof id !== 'string') {
        const fresh = randomUUID();
        return inputRequired({
          inputRequests: {
            connect: inputRequired.elicitUrl({
              message: 'Connect the testbed demo account',
              url: `${origin()}${ELICIT_PAGE_PREFIX}${fresh}`,
            }),
          },
          requestState: fresh,
        });
      }
      if (answer.action !== 'accept') return text(`url ${answer.action}`);
      return pages.isComplete(id)
        ? text('url step completed')
        : text('url step not completed: the page was not visited', true);
    },
  );
}
