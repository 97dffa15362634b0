// latchkey/testing: provider doubles an app uses in its own tests (no network needed).
export { startProviderDouble } from './provider-double.ts';
export type {
  ProviderDouble,
  ProviderDoubleOptions,
  ProviderDoubleRequest,
} from './provider-double.ts';
export type {
  IDTokenIssuerOverride,
  IssuerOverride,
  ProviderDoubleEndpoint,
} from './provider-double-context.ts';
export type { DoubleClientOptions } from './provider-double-state.ts';
export { standardClaims } from './preset.ts';
export type {
  ClientAuthMethod,
  PresetAnswer,
  PresetPaths,
  PresetQuirk,
  ProviderPreset,
  TestUser,
  PresetRequest,
  PresetRouteRequest,
  PresetTools,
  TokenFailure,
} from './preset.ts';
// The presets: one line each, in alphabetical order (docs/testing.md, "Adding a preset").
export { amazonPreset } from './presets/amazon.ts';
export { applePreset } from './presets/apple.ts';
export { atlassianPreset } from './presets/atlassian.ts';
export { auth0Preset } from './presets/auth0.ts';
export { authentikPreset } from './presets/authentik.ts';
export { bitbucketPreset } from './presets/bitbucket.ts';
export { boxPreset } from './presets/box.ts';
export { cognitoPreset } from './presets/cognito.ts';
export { discordPreset } from './presets/discord.ts';
export { dropboxPreset } from './presets/dropbox.ts';
export { facebookPreset } from './presets/facebook.ts';
export { figmaPreset } from './presets/figma.ts';
export { githubPreset } from './presets/github.ts';
export { gitlabPreset } from './presets/gitlab.ts';
export { googlePreset } from './presets/google.ts';
export { kakaoPreset } from './presets/kakao.ts';
export { keycloakPreset } from './presets/keycloak.ts';
export { linearPreset } from './presets/linear.ts';
export { linePreset } from './presets/line.ts';
export { linkedinPreset } from './presets/linkedin.ts';
export { microsoftEntraPreset } from './presets/microsoft-entra.ts';
export { microsoftPreset } from './presets/microsoft.ts';
export { naverPreset } from './presets/naver.ts';
export { notionPreset } from './presets/notion.ts';
export { oauth2Preset } from './presets/oauth2.ts';
export { oidcPreset } from './presets/oidc.ts';
export { oktaPreset } from './presets/okta.ts';
export { patreonPreset } from './presets/patreon.ts';
export { redditPreset } from './presets/reddit.ts';
export { robloxPreset } from './presets/roblox.ts';
export { salesforcePreset } from './presets/salesforce.ts';
export { slackPreset } from './presets/slack.ts';
export { spotifyPreset } from './presets/spotify.ts';
export { stravaPreset } from './presets/strava.ts';
export { tiktokPreset } from './presets/tiktok.ts';
export { twitchPreset } from './presets/twitch.ts';
export { twitterPreset } from './presets/twitter.ts';
export { vkPreset } from './presets/vk.ts';
export { yahooPreset } from './presets/yahoo.ts';
export { yandexPreset } from './presets/yandex.ts';
export { zitadelPreset } from './presets/zitadel.ts';
export { zoomPreset } from './presets/zoom.ts';
export { startGitHubDouble } from './github-double.ts';
export type { GitHubDouble, GitHubDoubleOptions, GitHubDoubleRequest } from './github-double.ts';
export type {
  GitHubDoubleFault,
  GitHubDoubleFaultEndpoint,
  GitHubDoubleStats,
} from './github-double-context.ts';
export type {
  GitHubDoubleApp,
  GitHubDoubleAppOptions,
  GitHubDoubleEmail,
  GitHubDoubleUser,
  GitHubDoubleUserOptions,
} from './github-double-state.ts';
