// Every provider preset of the double. Adding one: a file in this folder and one line here.
export { oauth2Preset } from './oauth2.ts';
export { oidcPreset } from './oidc.ts';
export { discordPreset } from './discord.ts';
export { githubPreset } from './github.ts';
export { gitlabPreset } from './gitlab.ts';
export { googlePreset } from './google.ts';
export { microsoftEntraPreset } from './microsoft-entra.ts';
