import { requireClaim } from '../oauth/claim-check.ts';
import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import type { OIDCClaims } from '../oauth/oidc-user.ts';
import { text } from '../oauth/profile-fields.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import { raiseErrorBodies } from '../oauth/transport.ts';
import type { ConfidentialConfig, HostOverrides } from './config-fields.ts';

const TEAM = 'https://slack.com/team_id';

/** Slack's ID token claims merged with `openid.connect.userInfo` (the signed claims win). */
export interface SlackUser extends OIDCClaims {
  /** The user id (`U…`/`W…`), unique within its workspace. */
  sub: string;
  /** The workspace (`T…`) the user signed in through. */
  [TEAM]: string;
  'https://slack.com/team_name'?: string;
  'https://slack.com/team_domain'?: string;
  /** Enterprise Grid organisation, when there is one. */
  'https://slack.com/enterprise_id'?: string;
}

export interface SlackConfig extends ConfidentialConfig, Pick<HostOverrides, 'issuer'> {
  /** Accept only this workspace id (`T…`): sent as the `team` hint, enforced on the signed claim. */
  team?: string;
}

export type SlackProvider = OAuthProvider<SlackUser, 'slack'>;

/**
 * Sign in with Slack (OpenID Connect; default scopes `openid profile email`). Slack's Web API
 * answers errors with HTTP 200 `{ok: false, error}`: they become `OAuthRequestError`s here.
 * @see https://docs.slack.dev/authentication/sign-in-with-slack/
 */
export function slack(config: SlackConfig): SlackProvider {
  const issuer = baseURL('issuer', config.issuer, 'https://slack.com');
  const team = config.team;
  // The methods discovery names; only these answer `{ok: false}` bodies we must raise.
  const methods = [`${issuer}/api/openid.connect.token`, `${issuer}/api/openid.connect.userInfo`];
  return defineProvider(config, {
    id: 'slack',
    name: 'Slack',
    issuer,
    scopes: ['openid', 'profile', 'email'],
    openid: { userInfo: 'optional', signedClaimsWin: true },
    clientAuthMethod: 'client_secret_post', // the method's documented arguments
    fetch: (base) => raiseErrorBodies(base, methods),
    params: team === undefined ? undefined : { team },
    // `team` in the URL is a hint anyone can edit; the signed claim is the proof.
    checkTokens: requireClaim(TEAM, team, 'Slack workspace'),
    // User ids are only documented unique per workspace: the workspace is part of the key.
    profile: { required: [TEAM], id: (user) => text(user[TEAM]) && `${user[TEAM]}:${user.sub}` },
  });
}
