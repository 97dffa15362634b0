// Personal Microsoft accounts: Entra's v2.0 endpoint at the `consumers` tenant.
import type { ProviderPreset } from '../preset.ts';
import { microsoftEntraPreset } from './microsoft-entra.ts';

const DOCS = 'https://learn.microsoft.com/en-us/entra/identity-platform';
/** The tenant of personal Microsoft accounts. */
const CONSUMERS = '9188040d-6c67-4c5b-b112-36a304b66dad';

/**
 * Microsoft personal accounts: the Entra preset served only at `/consumers` (and the consumers
 * tenant's GUID); every user's `tid` is the consumers tenant unless the test says otherwise.
 */
export const microsoftPreset: ProviderPreset = {
  ...microsoftEntraPreset,
  id: 'microsoft',
  name: 'Microsoft',
  mount: new RegExp(`^/(consumers|${CONSUMERS})$`),
  user: (user, scopes) => ({ tid: CONSUMERS, ...microsoftEntraPreset.user(user, scopes) }),
  quirks: [
    ...microsoftEntraPreset.quirks,
    {
      why: "The consumers tenant's discovery names issuer https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0; every personal account token has that tid.",
      source: `${DOCS}/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri`,
    },
    {
      why: "A personal account's oid is 00000000-0000-0000-{16 hex digits of the account's PUID}.",
      source: `${DOCS}/id-token-claims-reference#payload-claims`,
    },
    {
      why: "The email claim of a personal account is the account's address, but Microsoft documents no verification flag for it beyond xms_edov, whose semantics for consumer accounts are unclear.",
      source: `${DOCS}/optional-claims-reference`,
    },
  ],
};
