// `npm start`: the latchkey demo on http://localhost:${PORT:-3000}. See docs/demo.md.
import { startDemo, type DemoConfig } from './app.ts';

const env = process.env;
const config: DemoConfig = {
  port: env.PORT ? Number(env.PORT) : 3000,
  databasePath: env.DATABASE_PATH ?? './latchkey.db',
  ...(env.DATABASE_URL ? { databaseURL: env.DATABASE_URL } : {}),
  ...(env.SESSION_SECRET ? { sessionSecret: env.SESSION_SECRET } : {}),
  ...(env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET
    ? {
        github: {
          clientId: env.GITHUB_CLIENT_ID,
          clientSecret: env.GITHUB_CLIENT_SECRET,
          ...(env.GITHUB_ENTERPRISE_URL ? { enterpriseURL: env.GITHUB_ENTERPRISE_URL } : {}),
        },
      }
    : {}),
  ...(env.OIDC_ISSUER && env.OIDC_CLIENT_ID
    ? {
        oidc: {
          issuer: env.OIDC_ISSUER,
          clientId: env.OIDC_CLIENT_ID,
          ...(env.OIDC_CLIENT_SECRET ? { clientSecret: env.OIDC_CLIENT_SECRET } : {}),
          ...(env.OIDC_NAME ? { name: env.OIDC_NAME } : {}),
        },
      }
    : {}),
};

if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
  console.error(`PORT must be a port number, not ${JSON.stringify(env.PORT)}`);
  process.exit(1);
}
if (
  config.sessionSecret !== undefined &&
  new TextEncoder().encode(config.sessionSecret).length < 32
) {
  console.error('SESSION_SECRET must be at least 32 bytes');
  process.exit(1);
}

const demo = await startDemo(config);
console.log(`latchkey demo listening on ${demo.url}`);
if (demo.double) {
  console.log(
    `development provider: GitHub double at ${demo.double.url} (set GITHUB_CLIENT_ID/GITHUB_CLIENT_SECRET for real GitHub)`,
  );
}

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  await demo.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
