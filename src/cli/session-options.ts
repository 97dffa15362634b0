// What `latchkey login`, `whoami` and `logout` share: their injectable surroundings (so tests
// drive them without touching the real home directory or browser) and the server choice.
import { parseArgs } from 'node:util';
import { fileTokenStore, type TokenStore } from '../native/token-store.ts';
import type { OpenBrowser } from '../native/open-browser.ts';

/** The command's surroundings; every field defaults to the real process. */
export interface CliDeps {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  env?: Record<string, string | undefined>;
  tokenStore?: TokenStore;
  openBrowser?: OpenBrowser;
  fetch?: typeof fetch;
  /** Cancels a waiting login (the CLI wires Ctrl+C to it). */
  signal?: AbortSignal;
}

/** The resolved surroundings. */
export interface CliContext {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
  tokens: TokenStore;
}

/** Fills in the defaults of {@link CliDeps}. */
export function cliContext(deps: CliDeps | undefined): CliContext {
  return {
    out: deps?.stdout ?? ((text) => process.stdout.write(`${text}\n`)),
    err: deps?.stderr ?? ((text) => process.stderr.write(`${text}\n`)),
    env: deps?.env ?? process.env,
    tokens: deps?.tokenStore ?? fileTokenStore(),
  };
}

/**
 * The server to talk to: `--server`, else `$LATCHKEY_SERVER`, else the only server with a saved
 * session (for whoami/logout); `null` when none applies.
 */
export async function chooseServer(
  flag: string | undefined,
  context: CliContext,
  options: { fromSaved: boolean },
): Promise<string | null> {
  if (flag) return flag;
  if (context.env.LATCHKEY_SERVER) return context.env.LATCHKEY_SERVER;
  if (!options.fromSaved || !context.tokens.servers) return null;
  const servers = await context.tokens.servers();
  return servers.length === 1 ? servers[0]! : null;
}

/** A short display name for a signed-in user. */
export function displayName(user: { id: string; attributes: unknown }): string {
  const attributes = (user.attributes ?? {}) as Record<string, unknown>;
  for (const key of ['username', 'login', 'name', 'email']) {
    const value = attributes[key];
    if (typeof value === 'string' && value.length > 0) return `${value} (user ${user.id})`;
  }
  return `user ${user.id}`;
}

/**
 * The server's auth route prefix from `--base-path` (default `/auth`).
 * @throws TypeError when it does not look like `/auth` (the caller exits with status 2).
 */
export function basePathOption(value: string | undefined): string {
  if (value === undefined) return '/auth';
  if (!/^(\/[A-Za-z0-9_-]{1,64}){1,8}$/.test(value)) {
    throw new TypeError('--base-path must look like /auth (no trailing slash)');
  }
  return value;
}

/**
 * Parses `[--server URL] [--base-path /auth]` for the commands that act on a saved session
 * (whoami, logout) and picks the server. Prints the usage and returns `null` on a usage error.
 */
export async function savedSessionArgs(
  command: string,
  argv: string[],
  context: CliContext,
): Promise<{ server: string | null; basePath: string } | null> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { server: { type: 'string' }, 'base-path': { type: 'string' } },
    });
    const basePath = basePathOption(values['base-path']);
    const server = await chooseServer(values.server, context, { fromSaved: true });
    return { server, basePath };
  } catch (error) {
    context.err(
      `${(error as Error).message}\nUsage: latchkey ${command} [--server URL] [--base-path /auth]`,
    );
    return null;
  }
}
