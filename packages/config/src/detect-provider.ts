import { type IssuerRule, PROVIDER_IDS, PROVIDER_PROFILES } from './provider-profiles.js';
import type { ProviderId } from './types.js';

/** A provider detected from an issuer, with the reason (for `get` and `status`). */
export interface DetectedProvider {
  readonly provider: ProviderId;
  readonly reason: string;
}

function describeRule(rule: IssuerRule): string {
  const parts: string[] = [];
  if (rule.origin !== undefined) parts.push(`origin ${rule.origin}`);
  if (rule.host !== undefined) parts.push(`host ${rule.host}`);
  if (rule.hostSuffix !== undefined) parts.push(`host ending in ${rule.hostSuffix}`);
  if (rule.pathIncludes !== undefined) parts.push(`path containing ${rule.pathIncludes}`);
  return parts.join(' and ');
}

function matches(rule: IssuerRule, url: URL): boolean {
  const host = url.hostname.toLowerCase();
  if (rule.origin !== undefined && url.origin !== rule.origin) return false;
  if (rule.host !== undefined && host !== rule.host) return false;
  if (rule.hostSuffix !== undefined && !host.endsWith(rule.hostSuffix)) return false;
  if (rule.pathIncludes !== undefined && !url.pathname.includes(rule.pathIncludes)) return false;
  return true;
}

/**
 * Picks the provider profile whose detection rule matches the authorization server's issuer, in profile order.
 * Returns undefined when none matches (the `generic` profile then applies) or the issuer is not a URL.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 (issuer)
 */
export function detectProvider(issuer: string): DetectedProvider | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return undefined;
  }
  for (const id of PROVIDER_IDS) {
    for (const rule of PROVIDER_PROFILES[id].detect) {
      if (matches(rule, url)) {
        return { provider: id, reason: `issuer ${JSON.stringify(issuer)} has ${describeRule(rule)}` };
      }
    }
  }
  return undefined;
}
