import type { Client } from '@modelcontextprotocol/client';
import { ClientError } from './client-error.js';
import {
  applyElicitationDefaults,
  type ElicitationContent,
  type ElicitationField,
  elicitationContentProblems,
  elicitationFields,
} from './elicitation-schema.js';
import type { Logger } from './logger.js';

/**
 * A form-mode elicitation: the server asks the user for the fields of `requestedSchema`. Every string in it comes
 * from the server: escape it (`escapeForTerminal`) before printing.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/elicitation#form-mode-elicitation-requests
 */
export interface FormElicitation {
  readonly mode: 'form';
  /** The configured name of the server asking. */
  readonly server: string;
  readonly message: string;
  readonly requestedSchema: Readonly<Record<string, unknown>>;
  /** The schema's fields, in order (see `elicitationFields`). */
  readonly fields: readonly ElicitationField[];
  /** Aborted when the server cancels the request or the session closes. */
  readonly signal: AbortSignal;
}

/**
 * A URL-mode elicitation: the server asks the user to visit `url` (an out-of-band step such as connecting a
 * third-party account). The client MUST NOT open it without the user's consent, and shows where it leads.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/elicitation#url-mode-elicitation-requests
 */
export interface UrlElicitation {
  readonly mode: 'url';
  readonly server: string;
  readonly message: string;
  /** An http(s) URL (anything else is declined before a handler sees it). */
  readonly url: string;
  /**
   * 2025-11-25: the id the server's `notifications/elicitation/complete` names. Null on 2026-07-28, where URL
   * elicitation rides the `input_required` round trip and the retried request tells whether the step is done.
   */
  readonly elicitationId: string | null;
  /**
   * Resolves when the server reports this elicitation complete (`notifications/elicitation/complete`, also when it
   * arrived before the call). Rejects with `elicitation_timeout` after `timeoutMs` ms, or with the signal's reason.
   * Without an `elicitationId` there is no notification to wait for: rejects with `elicitation_timeout` at once.
   */
  waitForCompletion(options: { readonly timeoutMs: number; readonly signal?: AbortSignal }): Promise<void>;
  readonly signal: AbortSignal;
}

/** The user's answer. `content` (form mode only) is completed with the schema's defaults and validated. */
export type ElicitationAnswer =
  | { readonly action: 'accept'; readonly content?: Readonly<Record<string, unknown>> }
  | { readonly action: 'decline' }
  | { readonly action: 'cancel' };

/**
 * Answers a server's elicitations. The session declares the `elicitation` capability for the modes given here
 * (`form`, `url`) and no other; without a handler it declares none and servers do not elicit.
 */
export interface ElicitationHandler {
  form?(request: FormElicitation): Promise<ElicitationAnswer>;
  url?(request: UrlElicitation): Promise<ElicitationAnswer>;
}

/** The `elicitation` client capability for the modes `handler` answers, or undefined for none. */
export function elicitationCapability(handler: ElicitationHandler | undefined) {
  if (handler?.form === undefined && handler?.url === undefined) return undefined;
  // 2025-11-25: `form` and `url` each declare a mode; an empty `elicitation: {}` would mean form only.
  return { ...(handler.form ? { form: {} } : {}), ...(handler.url ? { url: {} } : {}) };
}

/** Completion notifications of one session, kept so a late `waitForCompletion` still sees an early one. */
class CompletionTracker {
  readonly #done = new Set<string>();
  readonly #waiters = new Map<string, Set<() => void>>();

  complete(id: string) {
    this.#done.add(id);
    for (const wake of this.#waiters.get(id) ?? []) wake();
    this.#waiters.delete(id);
  }

  wait(id: string | null, options: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
    if (id !== null && this.#done.has(id)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const finish = (error?: unknown) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (id !== null) this.#waiters.get(id)?.delete(wake);
        if (error === undefined) resolve();
        else reject(error);
      };
      const wake = () => finish();
      const onAbort = () => finish(options.signal?.reason);
      const timeout = () =>
        finish(
          new ClientError(
            'elicitation_timeout',
            id === null
              ? 'this protocol revision sends no completion notification for a URL elicitation'
              : `the server did not report the step complete within ${options.timeoutMs} ms`,
            { retryable: true },
          ),
        );
      const timer = setTimeout(timeout, id === null ? 0 : options.timeoutMs);
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (id !== null) {
        const set = this.#waiters.get(id) ?? new Set();
        set.add(wake);
        this.#waiters.set(id, set);
      }
    });
  }
}

type WireParams = Record<string, unknown> & { mode?: string; message?: string };
type WireAnswer = { action: 'accept'; content?: ElicitationContent } | { action: 'decline' | 'cancel' };

type FormAnswerer = (request: FormElicitation) => Promise<ElicitationAnswer>;
type UrlAnswerer = (request: UrlElicitation) => Promise<ElicitationAnswer>;

async function answerForm(
  form: FormAnswerer,
  params: WireParams,
  base: { server: string; signal: AbortSignal },
): Promise<WireAnswer> {
  const requestedSchema = (params.requestedSchema ?? {}) as Record<string, unknown>;
  const answer = await form({
    mode: 'form',
    ...base,
    message: String(params.message ?? ''),
    requestedSchema,
    fields: elicitationFields(requestedSchema),
  });
  if (answer.action !== 'accept') return { action: answer.action };
  // SEP-1034: omitted fields take their schema default.
  const content = applyElicitationDefaults(requestedSchema, answer.content);
  // 2025-11-25 client/elicitation, security considerations: validate responses against the requested schema.
  const problems = elicitationContentProblems(requestedSchema, content);
  if (problems.length > 0) {
    const list = problems.map((p) => `${JSON.stringify(p.field)} ${p.message}`).join('; ');
    throw new ClientError(
      'elicitation_invalid_answer',
      `the answer to ${base.server}'s form does not fit its schema (${list}); it was not sent — check the elicitation handler`,
    );
  }
  return { action: 'accept', content: content as ElicitationContent };
}

async function answerUrl(
  urlHandler: UrlAnswerer,
  params: WireParams,
  base: { server: string; signal: AbortSignal },
  completions: CompletionTracker,
  logger: Logger,
): Promise<WireAnswer> {
  const url = String(params.url ?? '');
  const protocol = URL.canParse(url) ? new URL(url).protocol : '';
  if (protocol !== 'https:' && protocol !== 'http:') {
    logger.warn('declined a URL elicitation whose URL is not http(s)', { server: base.server });
    return { action: 'decline' };
  }
  const elicitationId = typeof params.elicitationId === 'string' ? params.elicitationId : null;
  const answer = await urlHandler({
    mode: 'url',
    ...base,
    message: String(params.message ?? ''),
    url,
    elicitationId,
    waitForCompletion: (options) => completions.wait(elicitationId, options),
  });
  // 2025-11-25: a URL-mode accept carries no content; it means the user consented to visit the URL.
  return { action: answer.action };
}

/**
 * Declares the `elicitation` capability of `handler`'s modes on an SDK v2 client (before it connects) and routes
 * `elicitation/create` to it: server-to-client requests (2025-11-25) and the requests embedded in an
 * `input_required` result (2026-07-28, SEP-2322), which the SDK fulfils through the same registered handler before
 * it retries the call with the answers and the server's `requestState` echoed unchanged. A mode the handler does
 * not answer is refused by the SDK (not declared).
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/elicitation#capabilities
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/mrtr
 */
export function installElicitation(
  sdk: Client,
  handler: ElicitationHandler | undefined,
  context: { server: string; logger: Logger },
): void {
  const elicitation = elicitationCapability(handler);
  if (handler === undefined || elicitation === undefined) return;
  sdk.registerCapabilities({ elicitation });
  const completions = new CompletionTracker();
  sdk.setNotificationHandler('notifications/elicitation/complete', (notification) => {
    completions.complete(notification.params.elicitationId);
  });
  sdk.setRequestHandler('elicitation/create', async (request, ctx) => {
    const params = request.params as WireParams;
    const base = { server: context.server, signal: ctx.mcpReq.signal };
    const mode = params.mode ?? 'form';
    // The SDK refuses a mode that was not declared before the handler runs; this is the same rule, for the types.
    const answer =
      mode === 'url' && handler.url
        ? await answerUrl(handler.url.bind(handler), params, base, completions, context.logger)
        : mode === 'form' && handler.form
          ? await answerForm(handler.form.bind(handler), params, base)
          : ({ action: 'decline' } as const);
    context.logger.debug(`answered an elicitation: ${answer.action}`, { server: context.server });
    return answer;
  });
}
