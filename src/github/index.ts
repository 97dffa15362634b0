// latchkey/github: GitHub's API as the user — the app's token endpoints, an authenticated REST
// fetch, an Octokit auth strategy and the device flow — over the same client as GitHub sign-in.
export { createGitHubApp } from './github-app.ts';
export type { GitHubApp, GitHubAppOptions, GitHubTokenInfo } from './github-app.ts';
export { createGitHubClient } from './client.ts';
export type { GitHubClient, GitHubClientOptions } from './client.ts';
export { createLatchkeyAuth } from './octokit-auth.ts';
export type {
  LatchkeyAuth,
  LatchkeyAuthentication,
  LatchkeyAuthOptions,
  OctokitEndpointLike,
  OctokitRequestLike,
} from './octokit-auth.ts';
export { githubDeviceFlow } from './device-flow.ts';
export type { DeviceCode, GitHubDeviceFlowOptions } from './device-flow.ts';
export { GitHubPermissionsError, GitHubRateLimitError, GitHubSSORequiredError } from './errors.ts';
