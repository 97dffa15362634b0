// latchkey/github: GitHub's API as the user (githubkit's web flow and token strategies).
export { createGitHubApp, readGitHubTokenResponse } from './github-app.ts';
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
