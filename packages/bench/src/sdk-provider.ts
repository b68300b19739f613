import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';

/** Everything an SDK client keeps between runs. */
export interface SdkProviderState {
  clientInformation?: OAuthClientInformationMixed;
  tokens?: OAuthTokens;
  codeVerifier?: string;
  discoveryState?: OAuthDiscoveryState;
}

/**
 * The SDK side of the comparisons: a plain `OAuthClientProvider` as an SDK user writes one. It keeps its state in
 * memory, or in a JSON file read on every call and written on every save (a file-backed provider, as several
 * processes sharing one credential would use). It implements `discoveryState`, so the SDK's warm path skips
 * discovery: the most favourable setup the SDK offers. `redirectToAuthorization` records the URL instead of
 * opening a browser.
 */
export class SdkProvider implements OAuthClientProvider {
  readonly #redirectUrl: string;
  readonly #file: string | undefined;
  #state: SdkProviderState;
  /** Authorization URLs the SDK asked to open, with when (`performance.now()`) and what `onRedirect` returned. */
  readonly redirects: Array<{ url: URL; at: number; mark: number }> = [];
  /** Every refresh token this provider ever saved, in order (for the reuse-detection check). */
  readonly refreshTokens: string[] = [];
  tokenSaves = 0;
  invalidations = 0;

  readonly #onRedirect: () => number;

  constructor(
    redirectUrl: string,
    options: { file?: string; state?: SdkProviderState; onRedirect?: () => number } = {},
  ) {
    this.#redirectUrl = redirectUrl;
    this.#onRedirect = options.onRedirect ?? (() => 0);
    this.#file = options.file;
    this.#state = structuredClone(options.state ?? {});
    if (this.#file && options.state) this.#write();
  }

  get redirectUrl(): string {
    return this.#redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'sdk-bench',
      redirect_uris: [this.#redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      // oidc-provider accepts http loopback redirect URIs for native clients only.
      application_type: 'native',
    } as OAuthClientMetadata;
  }

  /** A copy of the state (what a warm run starts from). */
  snapshot(): SdkProviderState {
    return structuredClone(this.#read());
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.#read().clientInformation;
  }

  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.#update({ clientInformation: info });
  }

  tokens(): OAuthTokens | undefined {
    return this.#read().tokens;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.tokenSaves += 1;
    if (tokens.refresh_token) this.refreshTokens.push(tokens.refresh_token);
    this.#update({ tokens });
  }

  redirectToAuthorization(url: URL): void {
    this.redirects.push({ url, at: performance.now(), mark: this.#onRedirect() });
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.#update({ codeVerifier });
  }

  codeVerifier(): string {
    const verifier = this.#read().codeVerifier;
    if (!verifier) throw new Error('no code verifier saved');
    return verifier;
  }

  saveDiscoveryState(discoveryState: OAuthDiscoveryState): void {
    this.#update({ discoveryState });
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.#read().discoveryState;
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    this.invalidations += 1;
    const next = { ...this.#read() };
    if (scope === 'all' || scope === 'client') delete next.clientInformation;
    if (scope === 'all' || scope === 'tokens') delete next.tokens;
    if (scope === 'all' || scope === 'verifier') delete next.codeVerifier;
    if (scope === 'all' || scope === 'discovery') delete next.discoveryState;
    this.#state = next;
    this.#write();
  }

  #read(): SdkProviderState {
    if (this.#file) this.#state = JSON.parse(readFileSync(this.#file, 'utf8')) as SdkProviderState;
    return this.#state;
  }

  #update(patch: SdkProviderState): void {
    this.#state = { ...this.#read(), ...patch };
    this.#write();
  }

  #write(): void {
    if (!this.#file) return;
    // Atomic replace, so a reader in another process never sees half a file.
    const tmp = `${this.#file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    writeFileSync(tmp, JSON.stringify(this.#state));
    renameSync(tmp, this.#file);
  }
}
