// latchkey/testing: provider doubles an app uses in its own tests (no network needed).
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
