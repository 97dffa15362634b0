// `latchkey logout [--server URL]`: ends the session on the server and forgets it locally.
import { serverBase } from '../native/server-request.ts';
import { cliContext, savedSessionArgs, type CliDeps } from './session-options.ts';

/**
 * Runs `latchkey logout`; resolves to 0 (also when nothing was saved), 2 on usage errors. The
 * local copy is removed even when the server cannot be reached, and the person is told so.
 */
export async function run(argv: string[], deps?: CliDeps): Promise<number> {
  const context = cliContext(deps);
  const args = await savedSessionArgs('logout', argv, context);
  if (args === null) return 2;
  const { server, basePath } = args;
  if (server === null) {
    context.out('Not signed in.');
    return 0;
  }
  const saved = await context.tokens.load(server);
  if (saved === null) {
    context.out(`Not signed in to ${server}.`);
    return 0;
  }
  let revoked = false;
  try {
    // A bearer request without a cookie cannot be forged cross-site, so the route accepts it
    // without an Origin; 204 whether or not the session was still alive.
    const response = await (deps?.fetch ?? fetch)(`${serverBase(server)}${basePath}/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${saved.token}`, accept: 'application/json' },
      redirect: 'error',
    });
    revoked = response.ok;
  } catch {
    revoked = false;
  }
  await context.tokens.clear(server);
  if (revoked) context.out(`Signed out of ${server}.`);
  else context.err(`Removed the local session, but ${server} could not confirm the sign-out.`);
  return 0;
}
