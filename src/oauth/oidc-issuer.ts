import * as oauth from 'oauth4webapi';
import { OAuthResponseError, toOAuthError } from './errors.ts';
import { OIDCClient, type OIDCClientOptions } from './oidc-client.ts';
import { readJSON } from './transport.ts';

// oauth4webapi's escape hatch for issuers that are not one fixed string (Entra's `{tenantid}`
// template): a function on the metadata object that names the `iss` an ID token must carry. It
// is exported but untyped (experimental), so we look it up once and refuse to run without it —
// otherwise the check would silently fall back to the metadata issuer.
const EXPECTED_ISSUER = (oauth as unknown as Record<string, unknown>)._expectedIssuer;

/** Options of {@link IssuerCheckedOIDCClient}. */
export interface IssuerCheckedOIDCClientOptions extends OIDCClientOptions {
  /**
   * The one `iss` accepted for an ID token with these (signature-verified later, but not yet
   * trusted) claims. Return `as.issuer` for the usual exact check; anything else replaces it.
   */
  expectedIssuer(claims: Record<string, unknown>, as: oauth.AuthorizationServer): string;
  /**
   * Replaces discovery's exact issuer check, for a provider whose document does not name the
   * configured URL (Entra's `common` names a `{tenantid}` template): the document at
   * `{issuer}/.well-known/openid-configuration` is accepted when this returns true.
   */
  acceptIssuer?: (issuer: string) => boolean;
}

/**
 * An {@link OIDCClient} whose ID token `iss` check is computed per token instead of being the
 * discovery issuer. Every other ID token check (signature, alg, aud, azp, exp, nonce) is the
 * generic client's. The iss check itself is never skipped: a provider can only choose which
 * single value to demand.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
export class IssuerCheckedOIDCClient extends OIDCClient {
  readonly #expected: IssuerCheckedOIDCClientOptions['expectedIssuer'];
  readonly #discover: (() => Promise<oauth.AuthorizationServer>) | null = null;
  #metadata: Promise<oauth.AuthorizationServer> | null = null;

  /** @throws TypeError on a bad issuer or option, or an oauth4webapi without the issuer hook */
  constructor(issuer: string, options: IssuerCheckedOIDCClientOptions) {
    super(issuer, options);
    if (typeof EXPECTED_ISSUER !== 'symbol') {
      throw new TypeError('latchkey: this oauth4webapi version has no per-token issuer hook');
    }
    this.#expected = options.expectedIssuer;
    const accept = options.acceptIssuer;
    if (accept) this.#discover = () => this.#discoverAccepting(issuer, accept);
  }

  async #discoverAccepting(
    issuer: string,
    accept: (issuer: string) => boolean,
  ): Promise<oauth.AuthorizationServer> {
    const answer = await this.fetch(`${issuer}/.well-known/openid-configuration`, {
      headers: { accept: 'application/json' },
    });
    const as = (await readJSON(answer)) as oauth.AuthorizationServer;
    if (typeof as?.issuer !== 'string' || !accept(as.issuer)) {
      throw new OAuthResponseError('The discovery document names an unexpected issuer');
    }
    return as;
  }

  override expectedIssuer(claims: Record<string, unknown>, as: oauth.AuthorizationServer): string {
    return this.#expected(claims, as);
  }

  #attach(as: oauth.AuthorizationServer): oauth.AuthorizationServer {
    const expected = this.#expected;
    Object.defineProperty(as, EXPECTED_ISSUER as symbol, {
      // Enumerable, so the `{ ...as }` copy made on JWKS rotation keeps the hook.
      enumerable: true,
      configurable: true,
      value: (result: { claims: Record<string, unknown> }) => expected(result.claims, as),
    });
    return as;
  }

  override async metadata(): Promise<oauth.AuthorizationServer> {
    if (this.#discover === null) return this.#attach(await super.metadata());
    this.#metadata ??= this.#discover()
      .then((as) => this.#attach(as))
      .catch((error: unknown) => {
        this.#metadata = null;
        throw toOAuthError(error, 'discovery');
      });
    return this.#metadata;
  }

  protected override replaceMetadata(as: oauth.AuthorizationServer): void {
    if (this.#discover === null) super.replaceMetadata(as);
    else this.#metadata = Promise.resolve(as);
  }
}
