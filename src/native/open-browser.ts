// Opening the person's default browser from a Node process. The URL is always passed as one
// argument to a program, never through a shell, so no character in it can run a command.
import { spawn } from 'node:child_process';

/** Opens a URL in a browser; rejects when no browser could be launched. */
export type OpenBrowser = (url: string) => Promise<void>;

function launch(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    let settled = false;
    const done = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    // Openers (xdg-open, open) exit at once; a browser named in $BROWSER keeps running, which
    // is success too.
    const timer = setTimeout(() => done(), 3000);
    // The spawn error lists the arguments (the URL, with its state): keep only the errno code.
    child.once('error', (error: NodeJS.ErrnoException) =>
      done(new Error(`${command} could not be started (${error.code ?? 'error'})`)),
    );
    child.once('exit', (code) =>
      done(code === 0 ? undefined : new Error(`${command} exited with status ${code}`)),
    );
    child.unref();
  });
}

/**
 * The commands tried for a URL: `$BROWSER` (a `:`-separated list, `%s` replaced by the URL, as
 * in the Debian/Python convention), else the platform opener.
 */
export function browserCommands(
  url: string,
  env: Record<string, string | undefined> = process.env,
  platform: NodeJS.Platform = process.platform,
): Array<[string, string[]]> {
  const fromEnv = (env.BROWSER ?? '')
    .split(platform === 'win32' ? ';' : ':')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry): [string, string[]] => {
      const words = entry.split(/\s+/);
      const args = words.slice(1).map((word) => word.replace('%s', () => url));
      if (!entry.includes('%s')) args.push(url);
      return [words[0]!, args];
    });
  if (fromEnv.length > 0) return fromEnv;
  if (platform === 'darwin') return [['open', [url]]];
  // `start` is a cmd.exe builtin that re-parses `&` in URLs; rundll32 takes the URL verbatim.
  if (platform === 'win32') return [['rundll32', ['url.dll,FileProtocolHandler', url]]];
  return [['xdg-open', [url]]];
}

/**
 * Opens the system browser at `url`, honouring `$BROWSER`.
 * @throws Error when no command could be launched (the caller shows the URL instead).
 */
export async function openSystemBrowser(url: string): Promise<void> {
  let lastError: unknown = null;
  for (const [command, args] of browserCommands(url)) {
    try {
      await launch(command, args);
      return;
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error('Could not launch a browser', { cause: lastError });
}
