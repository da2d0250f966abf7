import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { toPublicAccount } from '../core/console-auth.js';
import { ACCOUNT_ROLES, type AccountRole } from '../domain/account.js';
import { AppError } from '../domain/errors.js';
import { createLogger } from '../logging/logger.js';
import { systemClock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { selectStore } from '../system/store.js';
import { buildConsoleAuth } from '../system/index.js';

/**
 * Console accounts from the command line, over the configured store (embedded nedb files under
 * DATA_DIR, or MongoDB when MONGODB_URL and REDIS_URL are set, as `npm start` decides):
 *
 *   npm run accounts -- create --username ten.dang.nhap --role staff|operator|coordinator|admin [--agency so-tu-phap] [--display-name "Họ tên"]
 *
 * The password is read from stdin, never from the arguments (which end up in shell history and `ps`):
 * typed without echo on a terminal, or the first line of piped input. Nothing secret is printed: the
 * created account is shown as its public fields.
 *
 * Embedded mode: the CLI is for the first admin, while no server runs. A running server holds the nedb
 * files (DATA_DIR lock) and the CLI refuses to write behind its back, with a message saying to create
 * the account from the console (admins, /api/v1/admin/accounts) or to stop the server first.
 */

const USAGE = `usage: npm run accounts -- create --username <name> --role staff|operator|coordinator|admin [--agency <agencyId>] [--display-name <name>]
       the password is read from stdin (typed without echo, or piped: printf '%s\\n' "$PW" | npm run accounts -- create ...)
`;

const ROLES = ACCOUNT_ROLES;

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** The first line of stdin; on a terminal, prompted on stderr and typed without echo. */
async function readPassword(): Promise<string> {
  const tty = process.stdin.isTTY === true;
  if (tty) process.stderr.write('Password: ');
  let muted = false;
  const output = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: tty });
  muted = true;
  try {
    for await (const line of rl) return line.replace(/\r$/, '');
    return '';
  } finally {
    rl.close();
    if (tty) process.stderr.write('\n');
  }
}

/**
 * Opens the configured store. An embedded store that a running server holds (its DATA_DIR lock) is
 * not written behind the server's back: the administrator is told what to do instead, exit code 1.
 */
async function openStore(config: ReturnType<typeof loadConfig>): Promise<Store> {
  const store = await selectStore(config);
  try {
    await store.init();
  } catch (err) {
    if (err instanceof AppError && err.code === 'STORE.DATA_DIR_LOCKED') {
      const pid = typeof err.details?.['pid'] === 'number' ? ` (pid ${err.details['pid']})` : '';
      fail(
        `A running server${pid} holds DATA_DIR ${config.dataDir}: create the account from the console ` +
          `(/console, signed in as an admin, accounts view) or stop the server and run this command again.`,
        1,
      );
    }
    throw err;
  }
  return store;
}

async function create(argv: string[]): Promise<void> {
  let values: { username?: string; role?: string; agency?: string; 'display-name'?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { username: { type: 'string' }, role: { type: 'string' }, agency: { type: 'string' }, 'display-name': { type: 'string' }, password: { type: 'string' } },
      strict: true,
    }) as { values: typeof values & { password?: string } });
  } catch (err) {
    fail(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  if ('password' in values) fail('Give the password on stdin, never as an argument.');
  const { username, role, agency } = values;
  if (!username || !role) fail(USAGE);
  if (!ROLES.includes(role as AccountRole)) fail(`--role must be one of ${ROLES.join(', ')}`);

  const password = await readPassword();
  if (password === '') fail('No password on stdin.');

  const config = loadConfig();
  const logger = createLogger(config);
  const store = await openStore(config);
  try {
    const auth = buildConsoleAuth(store, systemClock, logger);
    const account = await auth.createAccount({
      username,
      displayName: values['display-name'] ?? username,
      role: role as AccountRole,
      ...(agency !== undefined && { agencyId: agency }),
      password,
    });
    process.stdout.write(`${JSON.stringify({ created: toPublicAccount(account), store: config.mode === 'production' ? 'mongodb' : 'embedded' })}\n`);
  } catch (err) {
    if (err instanceof AppError) {
      process.exitCode = 1;
      process.stderr.write(`${err.code}: ${err.message}\n`);
    } else {
      throw err;
    }
  } finally {
    await store.close();
  }
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'create') await create(rest);
else fail(USAGE);
