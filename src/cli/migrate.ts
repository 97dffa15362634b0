// `latchkey migrate`: applies pending schema migrations to the database a URL or path names.
import { DEFAULT_DATABASE, openStore } from '../stores/open-store.ts';

/** Parsed `migrate` arguments. */
interface MigrateArgs {
  database: string;
  tablePrefix: string | undefined;
}

function parse(args: readonly string[]): MigrateArgs {
  let database = process.env.LATCHKEY_DATABASE ?? DEFAULT_DATABASE;
  let tablePrefix: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new TypeError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--database' || flag === '-d') database = value();
    else if (flag === '--table-prefix') tablePrefix = value();
    else throw new TypeError(`unknown option ${flag}`);
  }
  return { database, tablePrefix };
}

/** Where a database lives, without its password (for output). */
function describe(database: string): string {
  try {
    const url = new URL(database);
    if (url.password) url.password = '***';
    return url.protocol === 'sqlite:' || url.protocol === 'file:' ? database : url.toString();
  } catch {
    return database;
  }
}

/**
 * Runs `latchkey migrate [--database URL|path] [--table-prefix p]`; returns the exit code.
 * The database also comes from `LATCHKEY_DATABASE`; the default is `latchkey.db`.
 */
export async function migrateCommand(args: readonly string[]): Promise<number> {
  const { database, tablePrefix } = parse(args);
  const { store, dialect, migration } = await openStore(
    database,
    tablePrefix === undefined ? undefined : { tablePrefix },
  );
  try {
    const where = `${dialect} ${describe(database)}`;
    if (migration.applied.length === 0) {
      console.log(`latchkey: ${where} is up to date (schema version ${migration.current})`);
    } else {
      console.log(
        `latchkey: applied migration ${migration.applied.join(', ')} to ${where} (schema version ${migration.current})`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}

/** One-line usage of the command, for `latchkey help`. */
export const migrateUsage =
  'migrate [--database URL|path] [--table-prefix p]   create or update the tables';
