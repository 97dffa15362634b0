// latchkey/tokens: the provider-token vault (sealed storage, single-flight refresh, revocation).
export { createTokenVault } from './vault.ts';
export { createAccountFetch } from './account-fetch.ts';
export type { AccountFetch, AccountFetchInit, AccountFetchOptions } from './account-fetch.ts';
export type { RotationSource, TokenVault, TokenVaultOptions } from './vault.ts';
export { createTokenSealer, generateTokenKey } from './seal.ts';
export type { TokenKey, TokenSealer } from './seal.ts';
export { ReauthorizationRequiredError, TokenDecryptionError, TokenRefreshError } from './errors.ts';
export type { ReauthorizationReason } from './errors.ts';
export type { ProviderTokens } from './token-set.ts';
export type { ReauthorizationEvent, RefreshEvent, TokenProvider } from './refresher.ts';
export { LEASE_KIND } from './refresh-lease.ts';
