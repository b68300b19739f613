/**
 * Codes of {@link DiscoveryWarning}: what discovery accepted or worked around, kept in the result so `status` and
 * error messages can explain it.
 *
 * - `issuer_mismatch_allowed`: RFC 8414 §3.3 issuer mismatch accepted because of `allowIssuerMismatch`.
 * - `pkce_metadata_missing_allowed`: no `code_challenge_methods_supported`, accepted because of
 *   `allowMissingPkceMetadata`.
 * - `authorization_server_skipped`: an earlier entry of `authorization_servers` did not validate.
 * - `www_authenticate_ignored`: the challenge could not be parsed; the well-known URLs were probed instead.
 * - `prm_header_url_failed`: the challenge's `resource_metadata` URL gave no valid document; the well-known URLs
 *   were probed instead.
 * - `cache_store_failed`: the persistent cache threw on read, write or delete; discovery went on without it.
 * - `endpoint_downgrade_allowed`: an https document from a host that is not loopback names an http or loopback
 *   endpoint (or authorization server), accepted because of `allowEndpointDowngrade`
 *   (config `oauth.allow_endpoint_downgrade`).
 */
export type DiscoveryWarningCode =
  | 'issuer_mismatch_allowed'
  | 'pkce_metadata_missing_allowed'
  | 'authorization_server_skipped'
  | 'www_authenticate_ignored'
  | 'prm_header_url_failed'
  | 'cache_store_failed'
  | 'endpoint_downgrade_allowed';

/** Something discovery accepted or worked around. */
export interface DiscoveryWarning {
  readonly code: DiscoveryWarningCode;
  readonly message: string;
}
