#!/usr/bin/env node
// The `latchkey` command: a table of subcommands, each in its own file. Add a command by adding
// one entry to `commands`.
import { LatchkeyError } from '../core/errors.ts';
import { run as loginCommand } from './login.ts';
import { run as logoutCommand } from './logout.ts';
import { migrateCommand, migrateUsage } from './migrate.ts';
import { run as whoamiCommand } from './whoami.ts';

/** A subcommand: runs with the arguments after its name and resolves to an exit code. */
export interface Command {
  usage: string;
  run(args: readonly string[]): Promise<number>;
}

/** Every subcommand, by name. */
export const commands: Record<string, Command> = {
  migrate: { usage: migrateUsage, run: migrateCommand },
  login: {
    usage:
      'login  [--server URL] [--provider github] [--device] [--timeout SECONDS] [--base-path /auth]\n' +
      '         sign in through the browser (or with a device code) and save the session',
    run: (args) => loginCommand([...args]),
  },
  whoami: {
    usage: 'whoami [--server URL] [--base-path /auth]   show who the saved session belongs to',
    run: (args) => whoamiCommand([...args]),
  },
  logout: {
    usage: 'logout [--server URL] [--base-path /auth]   end the saved session and forget it',
    run: (args) => logoutCommand([...args]),
  },
  help: { usage: 'help   show this help', run: async () => help() },
};

function help(): number {
  console.log('Usage: latchkey <command> [options]\n\nCommands:');
  for (const command of Object.values(commands)) console.log(`  ${command.usage}`);
  return 0;
}

/** Dispatches `argv` (without `node` and the script) to a subcommand; resolves to an exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name = 'help', ...args] = argv;
  const key = name === '--help' || name === '-h' ? 'help' : name;
  const command = Object.hasOwn(commands, key) ? commands[key] : undefined;
  if (command === undefined) {
    console.error(`latchkey: unknown command "${name}"\n`);
    help();
    return 2;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof TypeError) {
      console.error(`latchkey ${name}: ${error.message}`);
      return 2;
    }
    // Store errors name the operation; the driver's own message (never a secret) says why.
    const cause =
      error instanceof LatchkeyError && error.cause instanceof Error
        ? `: ${error.cause.message}`
        : '';
    console.error(
      `latchkey ${name}: ${error instanceof Error ? error.message : String(error)}${cause}`,
    );
    return 1;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
