// What the provider double's handlers share: the preset, the state, the signing key, and the
// switches a test sets (who signs in, denials, faults, issuer overrides).
import type { ServerResponse } from 'node:http';
import type { JWK } from 'jose';
import { sendPendingFault } from './double-http.ts';
import type { PresetAnswer, PresetTools, ProviderPreset } from './preset.ts';
import type { ProviderDoubleState } from './provider-double-state.ts';

/** The endpoints `failNext` can break. */
export type ProviderDoubleEndpoint = 'token' | 'userinfo' | 'revoke';

/** Computes an issuer for a mount prefix; `null` answers 404. */
export type IssuerOverride = (origin: string, prefix: string) => string | null;

/** Computes the ID token `iss` from its claims. */
export type IDTokenIssuerOverride = (
  origin: string,
  prefix: string,
  claims: Record<string, unknown>,
) => string;

/** Shared by the router and the handlers. */
export interface ProviderDoubleContext {
  readonly preset: ProviderPreset;
  readonly state: ProviderDoubleState;
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly signingKey: CryptoKey;
  readonly publicJWK: JWK;
  readonly metadata: Record<string, unknown>;
  readonly faults: Map<ProviderDoubleEndpoint, PresetAnswer>;
  issuerOverride: IssuerOverride | null;
  idTokenIssuerOverride: IDTokenIssuerOverride | null;
  /** `undefined`: the first user; an id: that user; `null`: show the sign-in page. */
  current: string | null | undefined;
  denyNext: { error: string; description: string | null } | null;
}

/** The issuer at a mount prefix, or `null` when the double does not serve that prefix. */
export function issuerAt(ctx: ProviderDoubleContext, prefix: string): string | null {
  if (ctx.issuerOverride) return ctx.issuerOverride(ctx.origin, prefix);
  if (!(ctx.preset.mount ?? /^$/).test(prefix)) return null;
  return ctx.preset.issuer ? ctx.preset.issuer(ctx.origin, prefix) : ctx.origin + prefix;
}

/** Sends and consumes the pending fault for `endpoint`; `true` when one was sent. */
export function sendFault(
  ctx: ProviderDoubleContext,
  endpoint: ProviderDoubleEndpoint,
  res: ServerResponse,
): boolean {
  return sendPendingFault(ctx.faults, endpoint, res, ctx.state.now());
}

/** What a preset's own endpoints may read and change (its `routes` and `grants`). */
export function presetTools(ctx: ProviderDoubleContext): PresetTools {
  return {
    grantOf(accessToken) {
      const grant = ctx.state.activeAccess(accessToken);
      return grant && { user: grant.user, scopes: [...grant.scopes], clientId: grant.clientId };
    },
    revoke: (token, clientId) => ctx.state.revoke(token, clientId),
    clientSecret(clientId) {
      const client = ctx.state.clients.get(clientId);
      return client === undefined ? undefined : (client.clientSecret ?? null);
    },
  };
}

/** Splits a `scope` parameter by the preset's separator (comma presets also take spaces). */
export function parseScopes(preset: ProviderPreset, value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [...(preset.defaultScopes ?? [])];
  const pattern = preset.scopeSeparator === ',' ? /[\s,]+/ : / +/;
  return [...new Set(value.split(pattern).filter((s) => s !== ''))];
}
