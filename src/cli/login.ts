// `latchkey login [--server URL] [--provider github] [--device]`: the reference native app.
import { parseArgs } from 'node:util';
import { LatchkeyError } from '../core/errors.ts';
import { deviceSignIn } from '../native/device-sign-in.ts';
import { signIn } from '../native/sign-in.ts';
import type { NativeSession } from '../native/server-request.ts';
import {
  basePathOption,
  chooseServer,
  cliContext,
  displayName,
  type CliDeps,
} from './session-options.ts';

const USAGE = `Usage: latchkey login [--server URL] [--provider github] [--device] [--timeout SECONDS] [--base-path /auth]

Signs in through your browser and saves the session for this server.
  --server URL     the latchkey server (default: $LATCHKEY_SERVER)
  --provider ID    the sign-in provider (default: github)
  --device         sign in on another device with a code (no browser needed here)
  --timeout SEC    give up waiting for the browser after SEC seconds (default: 300)
  --base-path P    the server's auth route prefix (default: /auth)`;

/**
 * Runs `latchkey login`; resolves to the process exit code (0 signed in, 1 failed, 2 usage).
 * Never prints the token.
 */
export async function run(argv: string[], deps?: CliDeps): Promise<number> {
  const context = cliContext(deps);
  let values: {
    server?: string;
    provider?: string;
    device?: boolean;
    timeout?: string;
    'base-path'?: string;
    help?: boolean;
  };
  let basePath: string;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        server: { type: 'string' },
        provider: { type: 'string' },
        device: { type: 'boolean' },
        timeout: { type: 'string' },
        'base-path': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
    basePath = basePathOption(values['base-path']);
  } catch (error) {
    context.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    context.out(USAGE);
    return 0;
  }
  const server = await chooseServer(values.server, context, { fromSaved: false });
  if (server === null) {
    context.err('No server given: pass --server URL or set LATCHKEY_SERVER.');
    return 2;
  }
  const timeoutSeconds = values.timeout === undefined ? 300 : Number(values.timeout);
  if (!(timeoutSeconds > 0)) {
    context.err('--timeout must be a positive number of seconds.');
    return 2;
  }
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort(new LatchkeyError('access_denied', 'Cancelled'));
  if (!deps?.signal) process.once('SIGINT', onSigint);
  const signal = deps?.signal ?? interrupt.signal;
  try {
    let session: NativeSession;
    if (values.device) {
      session = await deviceSignIn({
        server,
        basePath,
        signal,
        ...(deps?.fetch ? { fetch: deps.fetch } : {}),
        onCode: (prompt) => {
          context.err(`To sign in, visit ${prompt.verificationURI}`);
          context.err(`and enter the code:  ${prompt.userCode}`);
          if (prompt.verificationURIComplete) {
            context.err(`(or open ${prompt.verificationURIComplete})`);
          }
          context.err('Waiting for you to approve the sign-in…');
        },
      });
    } else {
      session = await signIn({
        server,
        provider: values.provider ?? 'github',
        basePath,
        timeoutMs: timeoutSeconds * 1000,
        signal,
        ...(deps?.openBrowser ? { openBrowser: deps.openBrowser } : {}),
        ...(deps?.fetch ? { fetch: deps.fetch } : {}),
        onURL: () => {
          context.err(`Opening your browser to sign in to ${server}…`);
          context.err('Waiting for you to finish signing in there (Ctrl+C to cancel).');
        },
        onOpenError: (_error, url) => {
          context.err('Could not open a browser. Open this address to sign in:');
          context.err(`  ${url}`);
        },
      });
      context.err('Browser sign-in finished.');
    }
    await context.tokens.save(server, session);
    context.out(`Signed in to ${server} as ${displayName(session.user)}.`);
    return 0;
  } catch (error) {
    context.err(describeFailure(error, timeoutSeconds));
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function describeFailure(error: unknown, timeoutSeconds: number): string {
  if (error instanceof LatchkeyError) {
    switch (error.code) {
      case 'sign_in_timeout':
        return `Timed out after ${timeoutSeconds} s waiting for the browser sign-in. Run \`latchkey login\` again.`;
      case 'access_denied':
        return `Sign-in cancelled or declined: ${error.message}.`;
      case 'expired_token':
        return 'The code expired before it was approved. Run `latchkey login --device` again.';
      case 'server_unreachable':
        return `Could not reach the server: ${error.message}.`;
      default:
        return `Sign-in failed: ${error.message}.`;
    }
  }
  if (error instanceof TypeError) return error.message;
  return 'Sign-in failed.';
}
