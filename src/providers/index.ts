export { github } from './github.ts';
export type { GitHubConfig, GitHubProvider, GitHubUser } from './github.ts';
export { oidc } from './oidc.ts';
export type { OIDCConfig, OIDCUser } from './oidc.ts';
export { oauth2 } from './oauth2.ts';
export type { FetchJSON, OAuth2Config } from './oauth2.ts';
export { google } from './google.ts';
export type { GoogleConfig, GoogleProvider, GoogleUser } from './google.ts';
export { microsoftEntra } from './microsoft-entra.ts';
export type {
  MicrosoftEntraConfig,
  MicrosoftEntraProvider,
  MicrosoftEntraUser,
} from './microsoft-entra.ts';
export { gitlab } from './gitlab.ts';
export type { GitLabConfig, GitLabProvider, GitLabUser } from './gitlab.ts';
export { discord } from './discord.ts';
export type { DiscordConfig, DiscordProvider, DiscordUser } from './discord.ts';
