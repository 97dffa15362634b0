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
  TokenFailure,
} from './preset.ts';
export {
  discordPreset,
  githubPreset,
  gitlabPreset,
  googlePreset,
  microsoftEntraPreset,
  oauth2Preset,
  oidcPreset,
} from './presets/index.ts';
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
