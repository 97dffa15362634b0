// What the GitHub double's handlers share: its state, its addresses, the behaviour switches a
// test sets (approveAs, denyNext, faults) and the counters a test reads.
import type { ServerResponse } from 'node:http';
import { sendPendingFault } from './double-http.ts';
import type { GitHubDoubleState } from './github-double-state.ts';

/** Counters of requests the double received (attempts, successful or not). */
export interface GitHubDoubleStats {
  /** `GET`/`POST /login/oauth/authorize`. */
  authorizeRequests: number;
  /** Every `POST /login/oauth/access_token`, whatever the grant. */
  tokenRequests: number;
  /** Token requests with the authorization code grant. */
  codeExchanges: number;
  /** Token requests with `grant_type=refresh_token`. */
  refreshes: number;
  /** Token requests with the device code grant. */
  deviceTokenPolls: number;
  /** `DELETE /applications/{client_id}/token` and `…/grant`. */
  revocations: number;
  /** `GET /user`. */
  userRequests: number;
}

/** A one-shot fault: the next request to the endpoint gets this answer instead. */
export interface GitHubDoubleFault {
  status: number;
  /** A string is sent as is; anything else as JSON; `undefined` as an empty body. */
  body?: unknown;
}

/** The endpoints `failNext` can break. */
export type GitHubDoubleFaultEndpoint = 'token' | 'user' | 'emails' | 'revoke';

/** Shared by the router and the handlers. */
export interface DoubleContext {
  readonly state: GitHubDoubleState;
  readonly url: string;
  readonly issuer: string;
  readonly stats: GitHubDoubleStats;
  readonly faults: Map<GitHubDoubleFaultEndpoint, GitHubDoubleFault>;
  /** `undefined`: the first user; a login: that user; `null`: show the sign-in page. */
  approveAs: string | null | undefined;
  denyNext: boolean;
  dropNextRefresh: boolean;
}

/** Sends and consumes the pending fault for `endpoint`; `true` when one was sent. */
export function sendFault(
  ctx: DoubleContext,
  endpoint: GitHubDoubleFaultEndpoint,
  res: ServerResponse,
): boolean {
  return sendPendingFault(ctx.faults, endpoint, res, ctx.state.now());
}

/** The login of the user the double is "signed in" as, or `null`. */
export function currentLogin(ctx: DoubleContext): string | null {
  if (ctx.approveAs === undefined) return ctx.state.users[0]?.login ?? null;
  return ctx.approveAs;
}
