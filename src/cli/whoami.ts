// `latchkey whoami [--server URL]`: shows who the saved session belongs to, asking the server
// (`GET /auth/session` with the bearer token).
import { serverBase } from '../native/server-request.ts';
import { cliContext, displayName, savedSessionArgs, type CliDeps } from './session-options.ts';

/** Runs `latchkey whoami`; resolves to 0 when signed in, 1 when not, 2 on usage errors. */
export async function run(argv: string[], deps?: CliDeps): Promise<number> {
  const context = cliContext(deps);
  const args = await savedSessionArgs('whoami', argv, context);
  if (args === null) return 2;
  const { server, basePath } = args;
  if (server === null) {
    context.err('Not signed in (or several servers saved): run `latchkey login` or pass --server.');
    return 1;
  }
  const saved = await context.tokens.load(server);
  if (saved === null) {
    context.err(`Not signed in to ${server}. Run \`latchkey login --server ${server}\`.`);
    return 1;
  }
  let response: Response;
  try {
    response = await (deps?.fetch ?? fetch)(`${serverBase(server)}${basePath}/session`, {
      headers: { authorization: `Bearer ${saved.token}`, accept: 'application/json' },
      redirect: 'error',
    });
  } catch {
    context.err(`Could not reach ${server}.`);
    return 1;
  }
  if (response.status === 401) {
    await context.tokens.clear(server);
    context.err(`The saved session for ${server} has ended. Run \`latchkey login\` again.`);
    return 1;
  }
  const body = (await response.json().catch(() => null)) as {
    user?: { id: string; attributes: unknown };
    session?: { expiresAt?: string };
  } | null;
  if (!response.ok || !body?.user || typeof body.user.id !== 'string') {
    context.err(`The server answered ${response.status}.`);
    return 1;
  }
  context.out(`${displayName(body.user)} on ${server}`);
  if (body.session?.expiresAt) context.out(`session expires ${body.session.expiresAt}`);
  return 0;
}
