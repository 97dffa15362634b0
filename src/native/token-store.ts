// Where a native app keeps its session token between runs. The default is a file only its user
// can read; the interface is three methods so an OS keychain can stand in for it.
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { serverBase, type NativeSession } from './server-request.ts';

/** A pluggable token store, keyed by server base URL. */
export interface TokenStore {
  /** The saved session for the server, or `null`. */
  load(server: string): Promise<NativeSession | null>;
  save(server: string, session: NativeSession): Promise<void>;
  clear(server: string): Promise<void>;
  /** The servers with a saved session (lets a CLI pick the only one). Optional. */
  servers?(): Promise<string[]>;
}

interface TokenFile {
  version: 1;
  sessions: Record<string, { token: string; user: NativeSession['user']; expiresAt: string }>;
}

/**
 * The per-user configuration directory: `%APPDATA%\latchkey` on Windows,
 * `$XDG_CONFIG_HOME/latchkey`, else `~/.config/latchkey`.
 */
export function defaultConfigDir(
  env: Record<string, string | undefined> = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'latchkey');
  if (env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/')) {
    return join(env.XDG_CONFIG_HOME, 'latchkey');
  }
  return join(homedir(), '.config', 'latchkey');
}

/**
 * A token store in one JSON file (default `{config dir}/tokens.json`), written atomically with
 * mode 0600 in a directory with mode 0700. On Windows the modes are not enforced; the file
 * inherits the ACL of the per-user `%APPDATA%`.
 */
export function fileTokenStore(options?: { path?: string }): TokenStore {
  const path = options?.path ?? join(defaultConfigDir(), 'tokens.json');

  async function read(): Promise<TokenFile> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, sessions: {} };
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as TokenFile;
      if (parsed?.version === 1 && typeof parsed.sessions === 'object' && parsed.sessions) {
        return parsed;
      }
    } catch {
      // A damaged file holds nothing usable; it is replaced on the next save.
    }
    return { version: 1, sessions: {} };
  }

  async function write(file: TokenFile): Promise<void> {
    const dir = dirname(path);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // Write a private temporary file and rename it over the old one: readers never see half a
    // file, and the token is never on disk with looser permissions.
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(temporary, 0o600); // the umask cannot widen it, but an inherited ACL might
    await rename(temporary, path);
  }

  return {
    async load(server) {
      const entry = (await read()).sessions[serverBase(server)];
      if (!entry || typeof entry.token !== 'string') return null;
      const expiresAt = new Date(entry.expiresAt);
      if (Number.isNaN(expiresAt.getTime())) return null;
      return { token: entry.token, user: entry.user, expiresAt };
    },
    async save(server, session) {
      const file = await read();
      file.sessions[serverBase(server)] = {
        token: session.token,
        user: session.user,
        expiresAt: session.expiresAt.toISOString(),
      };
      await write(file);
    },
    async clear(server) {
      const file = await read();
      const key = serverBase(server);
      if (!(key in file.sessions)) return;
      delete file.sessions[key];
      if (Object.keys(file.sessions).length === 0) await rm(path, { force: true });
      else await write(file);
    },
    async servers() {
      return Object.keys((await read()).sessions);
    },
  };
}
