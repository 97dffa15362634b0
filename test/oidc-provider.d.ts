// oidc-provider ships no types; the few members the tests use.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface Grant {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }
  interface Client {
    clientId: string;
    grantTypeAllowed(grant: string): boolean;
  }
  interface Context {
    oidc: {
      provider: Provider;
      client?: Client;
      session?: { accountId?: string };
    };
  }
  class Provider {
    constructor(
      issuer: string,
      configuration: Record<string, unknown> & {
        interactions?: { url: (ctx: Context, interaction: { uid: string }) => string };
        loadExistingGrant?: (ctx: Context) => Promise<Grant>;
        issueRefreshToken?: (ctx: Context, client: Client) => Promise<boolean>;
        findAccount?: (ctx: Context, id: string) => Promise<unknown>;
      },
    );
    Grant: new (init: { clientId: string; accountId: string }) => Grant;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }
  export default Provider;
}
