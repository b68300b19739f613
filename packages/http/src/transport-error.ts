import { HttpError, type TimeoutPhase } from './http-error.js';

/** Where a transport failure happened, for the error's fields. */
export interface TransportContext {
  url: string;
  method: string;
  status?: number | undefined;
  /** The caller's signal: when it fired, the failure is `aborted`. */
  callerSignal?: AbortSignal | undefined;
  /** The total-deadline signal: when it fired, the failure is a `total` timeout. */
  deadlineSignal: AbortSignal;
  totalMs: number;
}

const TIMEOUT_PHASES: Readonly<Record<string, TimeoutPhase>> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'headers',
  UND_ERR_BODY_TIMEOUT: 'body',
};

const TLS_CODES: ReadonlySet<string> = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'HOSTNAME_MISMATCH',
]);

/**
 * Translates what undici or Node threw into an {@link HttpError}. Only error codes (`ECONNRESET`,
 * `UND_ERR_SOCKET`) go into the message; the original stays as `cause`.
 */
export function toHttpError(error: unknown, ctx: TransportContext): HttpError {
  if (error instanceof HttpError) return error;
  const where = { url: ctx.url, method: ctx.method, status: ctx.status, cause: error };
  if (ctx.callerSignal?.aborted) {
    return new HttpError('aborted', 'The request was aborted by the caller', where);
  }
  if (ctx.deadlineSignal.aborted) {
    return new HttpError('timeout', `No complete answer within totalMs (${ctx.totalMs} ms)`, {
      ...where,
      phase: 'total',
    });
  }
  const code = errorCode(error);
  const phase = code === undefined ? undefined : TIMEOUT_PHASES[code];
  if (phase !== undefined) {
    return new HttpError('timeout', `Timed out waiting for the ${phaseLabel(phase)}`, { ...where, phase });
  }
  if (code !== undefined && isTlsCode(code)) {
    return new HttpError('tls', `The TLS connection failed (${code})`, where);
  }
  return new HttpError('network', `The connection failed (${code ?? 'unknown error'})`, where);
}

function phaseLabel(phase: TimeoutPhase): string {
  switch (phase) {
    case 'connect':
      return 'connection (connectMs)';
    case 'headers':
      return 'response headers (headersMs)';
    case 'body':
      return 'next part of the response body (bodyMs)';
    default:
      return 'whole answer (totalMs)';
  }
}

function isTlsCode(code: string): boolean {
  return code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || TLS_CODES.has(code);
}

/** The most telling string `code` in the error and its cause chain (undici wraps Node socket errors). */
function errorCode(error: unknown): string | undefined {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes.find((code) => TIMEOUT_PHASES[code] !== undefined || isTlsCode(code)) ?? codes[0];
}
