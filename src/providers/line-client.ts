// LINE Login's token endpoint client: OpenID Connect ID tokens that web login signs with HS256
// and the channel secret — an algorithm the generic OIDC client refuses by design, since with a
// public-key issuer HMAC would mean "signed with a key anyone has". Here the key is our secret.
import { jwtVerify } from 'jose';
import type * as oauth from 'oauth4webapi';
import { OAuthClient } from '../oauth/client.ts';
import { OAuthResponseError } from '../oauth/errors.ts';
import type { ProviderConfig } from '../oauth/provider.ts';

/** A code exchange is minutes old at most; an older ID token is a replay. */
const MAX_ID_TOKEN_AGE = '15m';

/** The OAuth client of LINE Login v2.1, verifying HS256 ID tokens with the channel secret. */
export class LineClient extends OAuthClient {
  readonly #secret: Uint8Array;

  /** @throws TypeError without a channel id or channel secret */
  constructor(issuer: string, api: string, config: ProviderConfig) {
    const metadata: oauth.AuthorizationServer = {
      issuer,
      authorization_endpoint: `${issuer}/oauth2/v2.1/authorize`,
      token_endpoint: `${api}/oauth2/v2.1/token`,
      code_challenge_methods_supported: ['S256'],
    };
    // LINE reads the channel id and secret from the form body.
    super(metadata, { ...config, clientAuthMethod: 'client_secret_post' });
    if (typeof config.clientSecret !== 'string' || config.clientSecret === '')
      throw new TypeError('latchkey: "clientSecret" (the channel secret) is required for LINE');
    this.#secret = new TextEncoder().encode(config.clientSecret);
  }

  // Pinning HS256 makes oauth4webapi refuse any other `alg` before the claims are read.
  protected override clientFor(): oauth.Client {
    return { client_id: this.clientId, id_token_signed_response_alg: 'HS256' };
  }

  protected override async validateIdToken(
    as: oauth.AuthorizationServer,
    _response: Response,
    result: oauth.TokenEndpointResponse,
  ): Promise<Record<string, unknown> | null> {
    if (typeof result.id_token !== 'string') return null;
    try {
      const { payload } = await jwtVerify(result.id_token, this.#secret, {
        algorithms: ['HS256'],
        issuer: as.issuer,
        audience: this.clientId,
        maxTokenAge: MAX_ID_TOKEN_AGE,
      });
      return { ...payload };
    } catch (error) {
      // jose's code (ERR_JWS_SIGNATURE_VERIFICATION_FAILED...) says why; its payload stays out.
      const code = (error as { code?: unknown }).code;
      throw new OAuthResponseError('The LINE ID token failed verification', {
        reason: typeof code === 'string' ? code : 'id_token_invalid',
      });
    }
  }
}
