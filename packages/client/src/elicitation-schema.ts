/**
 * The restricted JSON Schema of a form-mode elicitation (`requestedSchema`): a flat object whose properties are
 * primitives (string, number, integer, boolean) or enums (single-select string, multi-select array of strings).
 * This file reads such a schema: the fields in order, their defaults (SEP-1034), and whether an answer fits.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/elicitation#requested-schema
 */

/** A value of one form field. */
export type ElicitationValue = string | number | boolean | string[];

/** An answer to a form: field name → value. */
export type ElicitationContent = Record<string, ElicitationValue>;

/** One choice of an enum field: the value sent and the label shown. */
export interface ElicitationChoice {
  readonly value: string;
  readonly label: string;
}

/** One field of a form, read from its property schema. Server-supplied text: escape it before printing. */
export interface ElicitationField {
  readonly name: string;
  readonly kind: 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'multi_enum';
  readonly title: string | undefined;
  readonly description: string | undefined;
  readonly required: boolean;
  /** The schema's `default`, when it has one of the field's type. */
  readonly default: ElicitationValue | undefined;
  /** For `enum` and `multi_enum`. */
  readonly choices: readonly ElicitationChoice[];
  /** `minLength`/`maxLength` (string), `minimum`/`maximum` (number), `minItems`/`maxItems` (multi_enum). */
  readonly min: number | undefined;
  readonly max: number | undefined;
  /** A string field's `format`: `email`, `uri`, `date`, `date-time`. */
  readonly format: string | undefined;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

function choicesOf(schema: Json): ElicitationChoice[] {
  if (Array.isArray(schema.enum)) {
    const names = Array.isArray(schema.enumNames) ? schema.enumNames : [];
    return schema.enum
      .filter((v): v is string => typeof v === 'string')
      .map((value, i) => ({ value, label: text(names[i]) ?? value }));
  }
  const titled = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : [];
  return titled
    .filter((c): c is Json => isObject(c) && typeof c.const === 'string')
    .map((c) => ({ value: c.const as string, label: text(c.title) ?? (c.const as string) }));
}

function kindOf(schema: Json): ElicitationField['kind'] | undefined {
  if (schema.type === 'array') return 'multi_enum';
  if (schema.type === 'string') return choicesOf(schema).length > 0 ? 'enum' : 'string';
  if (schema.type === 'number' || schema.type === 'integer' || schema.type === 'boolean') return schema.type;
  return undefined;
}

function defaultOf(kind: ElicitationField['kind'], value: unknown): ElicitationValue | undefined {
  if (kind === 'boolean') return typeof value === 'boolean' ? value : undefined;
  if (kind === 'number' || kind === 'integer') return num(value);
  if (kind === 'multi_enum') {
    return Array.isArray(value) && value.every((v) => typeof v === 'string')
      ? (value as string[])
      : undefined;
  }
  return text(value);
}

/** The form's fields in the schema's order. Properties of a shape the spec does not allow are skipped. */
export function elicitationFields(requestedSchema: unknown): ElicitationField[] {
  if (!isObject(requestedSchema) || !isObject(requestedSchema.properties)) return [];
  const required = new Set(
    Array.isArray(requestedSchema.required)
      ? requestedSchema.required.filter((r) => typeof r === 'string')
      : [],
  );
  const fields: ElicitationField[] = [];
  for (const [name, property] of Object.entries(requestedSchema.properties)) {
    if (!isObject(property)) continue;
    const kind = kindOf(property);
    if (kind === undefined) continue;
    const items = isObject(property.items) ? property.items : {};
    const range =
      kind === 'string'
        ? [property.minLength, property.maxLength]
        : kind === 'multi_enum'
          ? [property.minItems, property.maxItems]
          : [property.minimum, property.maximum];
    fields.push({
      name,
      kind,
      title: text(property.title),
      description: text(property.description),
      required: required.has(name),
      default: defaultOf(kind, property.default),
      choices: kind === 'multi_enum' ? choicesOf(items) : choicesOf(property),
      min: num(range[0]),
      max: num(range[1]),
      format: kind === 'string' ? text(property.format) : undefined,
    });
  }
  return fields;
}

/**
 * The answer with every field it leaves out filled with that field's schema default (a value the user gave is
 * kept). SEP-1034: every primitive type may carry a `default`, and a client applies it to an omitted field.
 *
 * @see https://github.com/modelcontextprotocol/modelcontextprotocol/issues/1034
 */
export function applyElicitationDefaults(
  requestedSchema: unknown,
  content: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const filled: Record<string, unknown> = { ...content };
  for (const field of elicitationFields(requestedSchema)) {
    if (filled[field.name] === undefined && field.default !== undefined) {
      filled[field.name] = Array.isArray(field.default) ? [...field.default] : field.default;
    }
  }
  return filled;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

function formatProblem(format: string | undefined, value: string): string | undefined {
  if (format === 'email' && !EMAIL.test(value)) return 'must be an email address';
  if (format === 'uri' && !URL.canParse(value)) return 'must be an absolute URI';
  if (format === 'date' && (!DATE.test(value) || Number.isNaN(Date.parse(value)))) {
    return 'must be a date (YYYY-MM-DD)';
  }
  if (format === 'date-time' && (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))) {
    return 'must be a date and time (RFC 3339, e.g. 2026-07-28T09:30:00Z)';
  }
  return undefined;
}

function rangeProblem(field: ElicitationField, size: number, unit: string): string | undefined {
  if (field.min !== undefined && size < field.min) return `must be at least ${field.min}${unit}`;
  if (field.max !== undefined && size > field.max) return `must be at most ${field.max}${unit}`;
  return undefined;
}

/** What is wrong with `value` for `field` (a sentence to show the user), or undefined when it fits. */
export function elicitationFieldProblem(field: ElicitationField, value: unknown): string | undefined {
  switch (field.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
      if (field.kind === 'integer' && !Number.isInteger(value)) return 'must be a whole number';
      return rangeProblem(field, value, '');
    case 'enum':
      return typeof value === 'string' && field.choices.some((c) => c.value === value)
        ? undefined
        : `must be one of ${field.choices.map((c) => JSON.stringify(c.value)).join(', ')}`;
    case 'multi_enum':
      if (!Array.isArray(value) || !value.every((v) => field.choices.some((c) => c.value === v))) {
        return `must be a list of ${field.choices.map((c) => JSON.stringify(c.value)).join(', ')}`;
      }
      return rangeProblem(field, value.length, ' choice(s)');
    case 'string':
      if (typeof value !== 'string') return 'must be text';
      return rangeProblem(field, [...value].length, ' character(s)') ?? formatProblem(field.format, value);
  }
}

/** One field an answer gets wrong. */
export interface ElicitationProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * Checks an accepted answer against the requested schema before it is sent: every required field present, every
 * value of its field's type and within its limits, no field the schema does not name.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/elicitation#security-considerations
 *   (clients SHOULD validate responses against the provided schema)
 */
export function elicitationContentProblems(
  requestedSchema: unknown,
  content: Readonly<Record<string, unknown>>,
): ElicitationProblem[] {
  const fields = elicitationFields(requestedSchema);
  const problems: ElicitationProblem[] = [];
  for (const field of fields) {
    const value = content[field.name];
    if (value === undefined) {
      if (field.required) problems.push({ field: field.name, message: 'is required' });
      continue;
    }
    const problem = elicitationFieldProblem(field, value);
    if (problem !== undefined) problems.push({ field: field.name, message: problem });
  }
  const known = new Set(fields.map((f) => f.name));
  for (const name of Object.keys(content)) {
    if (!known.has(name)) problems.push({ field: name, message: 'is not a field of the form' });
  }
  return problems;
}
