export { github } from './github.ts';
export type { GitHubConfig, GitHubProvider, GitHubUser } from './github.ts';
export { oidc } from './oidc.ts';
export type { OIDCConfig, OIDCUser } from './oidc.ts';
export { oauth2 } from './oauth2.ts';
export type { FetchJSON, OAuth2Config } from './oauth2.ts';
