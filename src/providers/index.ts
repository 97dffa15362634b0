export { github } from './github.ts';
export type { GitHubConfig, GitHubProvider, GitHubUser } from './github.ts';
export { oidc } from './oidc.ts';
export type { OIDCConfig, OIDCUser } from './oidc.ts';
export { oauth2 } from './oauth2.ts';
export type { FetchJSON, OAuth2Config } from './oauth2.ts';
export type { ConfidentialConfig, HostOverrides } from './config-fields.ts';
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
export { okta } from './okta.ts';
export type { OktaConfig, OktaProvider, OktaUser } from './okta.ts';
export { auth0 } from './auth0.ts';
export type { Auth0Config, Auth0Provider, Auth0User } from './auth0.ts';
export { keycloak } from './keycloak.ts';
export type { KeycloakConfig, KeycloakProvider, KeycloakUser } from './keycloak.ts';
export { cognito } from './cognito.ts';
export type { CognitoConfig, CognitoProvider, CognitoUser } from './cognito.ts';
export { authentik } from './authentik.ts';
export type { AuthentikConfig, AuthentikProvider, AuthentikUser } from './authentik.ts';
export { zitadel } from './zitadel.ts';
export type { ZitadelConfig, ZitadelProvider, ZitadelUser } from './zitadel.ts';
export { microsoft } from './microsoft.ts';
export type { MicrosoftConfig, MicrosoftProvider, MicrosoftUser } from './microsoft.ts';
export { oidcPlatform } from './oidc-platform.ts';
export type { PlatformConfig, PlatformDefinition } from './oidc-platform.ts';
export { atlassian } from './atlassian.ts';
export type { AtlassianConfig, AtlassianProvider, AtlassianUser } from './atlassian.ts';
export { bitbucket } from './bitbucket.ts';
export type { BitbucketConfig, BitbucketProvider, BitbucketUser } from './bitbucket.ts';
export { dropbox } from './dropbox.ts';
export type { DropboxConfig, DropboxProvider, DropboxUser } from './dropbox.ts';
export { figma } from './figma.ts';
export type { FigmaConfig, FigmaProvider, FigmaUser } from './figma.ts';
export { linear } from './linear.ts';
export type { LinearConfig, LinearProvider, LinearUser } from './linear.ts';
export { notion } from './notion.ts';
export type { NotionConfig, NotionProvider, NotionTokenExtra, NotionUser } from './notion.ts';
export { salesforce } from './salesforce.ts';
export type {
  SalesforceConfig,
  SalesforceProvider,
  SalesforceTokenExtra,
  SalesforceUser,
} from './salesforce.ts';
export { linkedin } from './linkedin.ts';
export type { LinkedInConfig, LinkedInProvider, LinkedInUser } from './linkedin.ts';
export { reddit } from './reddit.ts';
export type { RedditConfig, RedditProvider, RedditUser } from './reddit.ts';
export { slack } from './slack.ts';
export type { SlackConfig, SlackProvider, SlackUser } from './slack.ts';
export { spotify } from './spotify.ts';
export type { SpotifyConfig, SpotifyImage, SpotifyProvider, SpotifyUser } from './spotify.ts';
export { twitch } from './twitch.ts';
export type { TwitchConfig, TwitchProvider, TwitchUser } from './twitch.ts';
export { apple } from './apple.ts';
export type { AppleConfig, AppleProvider, AppleUser } from './apple.ts';
export { appleClientSecret, APPLE_MAX_SECRET_LIFETIME } from './apple-client-secret.ts';
export type { AppleClientSecretOptions } from './apple-client-secret.ts';
export { twitter } from './twitter.ts';
export type { TwitterConfig, TwitterProvider, TwitterUser } from './twitter.ts';
export { facebook } from './facebook.ts';
export type { FacebookConfig, FacebookProvider, FacebookUser } from './facebook.ts';
export { line } from './line.ts';
export type { LineConfig, LineProvider, LineUser } from './line.ts';
export { kakao } from './kakao.ts';
export type { KakaoConfig, KakaoProvider, KakaoUser } from './kakao.ts';
export { naver } from './naver.ts';
export type { NaverConfig, NaverProvider, NaverUser } from './naver.ts';
export { yandex } from './yandex.ts';
export type { YandexConfig, YandexProvider, YandexUser } from './yandex.ts';
export { vk } from './vk.ts';
export type { VKConfig, VKProvider, VKUser } from './vk.ts';
export { roblox } from './roblox.ts';
export type { RobloxConfig, RobloxProvider, RobloxUser } from './roblox.ts';
export { amazon } from './amazon.ts';
export type { AmazonConfig, AmazonProvider, AmazonRegion, AmazonUser } from './amazon.ts';
export { box } from './box.ts';
export type { BoxConfig, BoxProvider, BoxUser } from './box.ts';
export { patreon } from './patreon.ts';
export type { PatreonConfig, PatreonProvider, PatreonUser } from './patreon.ts';
export { strava } from './strava.ts';
export type { StravaAthlete, StravaConfig, StravaProvider } from './strava.ts';
export { tiktok } from './tiktok.ts';
export type { TikTokConfig, TikTokProvider, TikTokUser } from './tiktok.ts';
export { yahoo } from './yahoo.ts';
export type { YahooConfig, YahooProvider, YahooUser } from './yahoo.ts';
export { zoom } from './zoom.ts';
export type { ZoomConfig, ZoomProvider, ZoomUser } from './zoom.ts';
