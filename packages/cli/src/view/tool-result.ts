import { escapeForTerminal } from '@mcp-oauth/config';
import { JSON_SCHEMA_VERSION } from './json.js';

/** `call --json`. `content` and `structured_content` are what the server returned, unchanged. */
export interface ToolResultJson {
  readonly schema_version: number;
  readonly server: string;
  readonly tool: string;
  readonly is_error: boolean;
  readonly content: readonly unknown[];
  readonly structured_content: unknown;
}

/** The parts of an MCP `tools/call` result the CLI shows. */
export interface ToolResultLike {
  readonly content?: unknown;
  readonly structuredContent?: unknown;
  readonly isError?: unknown;
  readonly toolResult?: unknown;
}

export function toolResultJson(server: string, tool: string, result: ToolResultLike): ToolResultJson {
  // Servers on protocol versions before 2024-11-05 answer with `toolResult` instead of `content`.
  const content = Array.isArray(result.content)
    ? result.content
    : result.toolResult === undefined
      ? []
      : [{ type: 'text', text: JSON.stringify(result.toolResult) }];
  return {
    schema_version: JSON_SCHEMA_VERSION,
    server,
    tool,
    is_error: result.isError === true,
    content,
    structured_content: result.structuredContent ?? null,
  };
}

function renderItem(item: unknown): string {
  const part = (item ?? {}) as Record<string, unknown>;
  switch (part.type) {
    case 'text':
      return String(part.text ?? '');
    case 'image':
    case 'audio':
      return `[${part.type}: ${String(part.mimeType ?? 'unknown type')}, ${String(part.data ?? '').length} base64 characters]`;
    case 'resource_link':
      return `[resource: ${String(part.uri ?? '')}]`;
    case 'resource': {
      const resource = (part.resource ?? {}) as Record<string, unknown>;
      return typeof resource.text === 'string' ? resource.text : `[resource: ${String(resource.uri ?? '')}]`;
    }
    default:
      return JSON.stringify(item);
  }
}

/**
 * Human rendering of a tool result: each content item on its own lines, else the structured content. The text is
 * the server's: line feeds stay, every other control character is shown as an escape, and nothing is cut (a tool's
 * answer is what the user asked for; `--json` prints it exactly).
 */
export function renderToolResult(result: ToolResultJson): string {
  const parts = result.content.map(renderItem);
  if (parts.length === 0 && result.structured_content !== null)
    parts.push(JSON.stringify(result.structured_content, null, 2));
  const text = escapeForTerminal(parts.join('\n'), {
    keepNewlines: true,
    maxLength: Number.POSITIVE_INFINITY,
  });
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}
