/** HTML-escapes a value for text and attribute contexts. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

export function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

/** A login form: a `login` text input, a `password` input and a submit button. */
export function loginForm(action: string, hidden: Record<string, string> = {}): string {
  return `<form method="post" action="${escapeHtml(action)}">${hiddenInputs(hidden)}
<label>User <input type="text" name="login" value=""></label>
<label>Password <input type="password" name="password" value=""></label>
<button type="submit" name="submit" value="login">Sign in</button></form>`;
}

/** A consent form listing what is asked, with Allow and Deny buttons. */
export function consentForm(
  action: string,
  what: { client: string; scopes: string[]; resource?: string },
  hidden: Record<string, string> = {},
): string {
  const scopes = what.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('');
  const resource = what.resource ? `<p>for <code>${escapeHtml(what.resource)}</code></p>` : '';
  return `<p><b>${escapeHtml(what.client)}</b> asks for:</p><ul>${scopes}</ul>${resource}
<form method="post" action="${escapeHtml(action)}">${hiddenInputs(hidden)}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></form>`;
}

function hiddenInputs(hidden: Record<string, string>): string {
  return Object.entries(hidden)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
}
