import { type ElicitationField, elicitationFieldProblem } from '@mcp-oauth/client';
import { escapeForTerminal } from '@mcp-oauth/config';

/** The value typed for one field, or what is wrong with it (a sentence to show before asking again). */
export type FieldInput = { readonly value: unknown } | { readonly skip: true } | { readonly problem: string };

const YES = new Set(['y', 'yes', 'true']);
const NO = new Set(['n', 'no', 'false']);

/** A choice by its number in the list (1-based) or its value. */
function choice(field: ElicitationField, text: string): string | undefined {
  const index = /^\d+$/.test(text) ? Number(text) - 1 : -1;
  return field.choices[index]?.value ?? field.choices.find((c) => c.value === text)?.value;
}

function parse(field: ElicitationField, text: string): unknown {
  switch (field.kind) {
    case 'boolean':
      return YES.has(text.toLowerCase()) ? true : NO.has(text.toLowerCase()) ? false : text;
    case 'number':
    case 'integer':
      return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text) ? Number(text) : text;
    case 'enum':
      return choice(field, text) ?? text;
    case 'multi_enum':
      return text
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '')
        .map((part) => choice(field, part) ?? part);
    case 'string':
      return text;
  }
}

/**
 * Reads one typed line as the field's value: an empty line keeps the default (or leaves an optional field out);
 * a value that does not fit the field's schema is a problem to show before asking again.
 */
export function readFieldInput(field: ElicitationField, line: string): FieldInput {
  const text = field.kind === 'string' ? line : line.trim();
  if (text === '') {
    if (field.default !== undefined) return { value: field.default };
    return field.required ? { problem: 'is required' } : { skip: true };
  }
  const value = parse(field, text);
  const problem = elicitationFieldProblem(field, value);
  return problem === undefined ? { value } : { problem };
}

function kindLabel(field: ElicitationField): string {
  const range =
    field.min !== undefined && field.max !== undefined
      ? ` ${field.min}-${field.max}`
      : field.min !== undefined
        ? ` >= ${field.min}`
        : field.max !== undefined
          ? ` <= ${field.max}`
          : '';
  switch (field.kind) {
    case 'string':
      return `text${field.format ? `, ${field.format}` : ''}${range ? `,${range} characters` : ''}`;
    case 'number':
    case 'integer':
      return `${field.kind === 'integer' ? 'whole number' : 'number'}${range ? `,${range}` : ''}`;
    case 'boolean':
      return 'y/n';
    case 'enum':
      return 'pick one: number or value';
    case 'multi_enum':
      return `pick${range ? `${range}` : ' any'}: numbers or values, comma-separated`;
  }
}

function shown(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'boolean') return value ? 'y' : 'n';
  return String(value);
}

/**
 * How a field is presented before its prompt: its title (else its name), type, whether it is required, its
 * description and choices; every server-supplied string escaped for the terminal.
 */
export function describeField(field: ElicitationField): { lines: string[]; prompt: string } {
  const label = escapeForTerminal(field.title ?? field.name, { maxLength: 120 });
  const flags = [kindLabel(field), field.required ? 'required' : 'optional'].join(', ');
  const lines = [`  ${label} (${flags})`];
  if (field.description) lines.push(`    ${escapeForTerminal(field.description, { maxLength: 500 })}`);
  field.choices.forEach((c, i) => {
    const value = escapeForTerminal(c.value, { maxLength: 120 });
    const text = escapeForTerminal(c.label, { maxLength: 120 });
    lines.push(`    ${i + 1}) ${text}${text === value ? '' : ` [${value}]`}`);
  });
  const fallback =
    field.default === undefined ? '' : ` [${escapeForTerminal(shown(field.default), { maxLength: 120 })}]`;
  return { lines, prompt: `  ${label}${fallback}: ` };
}
