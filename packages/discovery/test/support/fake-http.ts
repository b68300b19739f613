// An HttpClient without a network for conformance tests: answers from a table of URL → JSON document (200) or
// status; anything else is 404. Records every URL requested, in order.
import { type HttpClient, HttpError, type HttpResponse, type JsonResponse } from '@mcp-oauth/http';

export type FakeAnswer = { json: unknown } | { status: number; headers?: Record<string, string> };

export function fakeHttp(table: Record<string, FakeAnswer>, delays: Record<string, number> = {}) {
  const requested: string[] = [];
  const answer = async (url: string | URL, method: string): Promise<HttpResponse & { json?: unknown }> => {
    const key = url.toString();
    requested.push(`${method} ${key}`);
    await new Promise((r) => setTimeout(r, delays[key] ?? 0));
    const entry = table[key] ?? { status: 404 };
    const status = 'json' in entry ? 200 : entry.status;
    const headers = new Headers('json' in entry ? { 'content-type': 'application/json' } : entry.headers);
    const base = { method, status, headers, url: key, redirected: false, mediaType: undefined, text: '' };
    return { ...base, body: { format: 'empty' }, ...('json' in entry && { json: entry.json }) };
  };
  const http: HttpClient = {
    request: (url, options) => answer(url, options?.method ?? 'GET'),
    async getJson(url) {
      const response = await answer(url, 'GET');
      if (response.status !== 200) {
        throw new HttpError('http_status', `HTTP ${response.status}`, {
          url: url.toString(),
          status: response.status,
        });
      }
      return response as JsonResponse;
    },
    postForm: () => Promise.reject(new Error('not used')),
    close: async () => {},
  };
  return { http, requested };
}
