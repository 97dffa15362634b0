// Configuration fields many providers take, declared once: a required client secret, and the
// overridable hosts (each provider's defaults are in its docs/providers/<id>.md).
import type { ProviderConfig } from '../oauth/provider.ts';

/** The configuration of a provider whose apps are confidential clients only. */
export interface ConfidentialConfig extends ProviderConfig {
  /** Required: this provider has no public (PKCE-only) clients. */
  clientSecret: string;
}

/**
 * Where the provider lives, for a regional or self-managed host or a local double in tests:
 * https, or http to loopback only. A provider takes the ones it has (its docs list the defaults).
 */
export interface HostOverrides {
  /** The provider's origin: its web and authorization host, or its only one. */
  baseURL?: string;
  /** The API origin, when the API has a host of its own. */
  apiURL?: string;
  /** The authorization server's origin, when it has a host of its own. */
  authURL?: string;
  /** The web origin, when it has a host of its own. */
  webURL?: string;
  /** The issuer identifier (OpenID Connect): discovery and every ID token name exactly it. */
  issuer?: string;
}
