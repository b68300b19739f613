// Wraps an HttpClient to note, when each answer reaches the client, how far the testbed's request log had got.
// A stage is one wave when its first answer reached the client after every request of the stage had arrived.
import type { HttpClient } from '@mcp-oauth/http';
import type { RequestLog } from '@mcp-oauth/testbed';

export interface Observation {
  readonly url: string;
  /** `log.mark()` when the answer (or the failure) reached the client. */
  readonly logSeq: number;
}

export function observingClient(
  http: HttpClient,
  log: RequestLog,
): HttpClient & { observations: Observation[] } {
  const observations: Observation[] = [];
  const note = (url: string | URL) => () => {
    observations.push({ url: url.toString(), logSeq: log.mark() });
  };
  return {
    ...http,
    observations,
    getJson: (url, options) => {
      const result = http.getJson(url, options);
      result.then(note(url), note(url));
      return result;
    },
    request: (url, options) => {
      const result = http.request(url, options);
      result.then(note(url), note(url));
      return result;
    },
  };
}
