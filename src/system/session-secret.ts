import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { AppError } from '../domain/errors.js';

/**
 * The secret that signs web widget sessions, when SESSION_SECRET is unset: generated once and kept in
 * `DATA_DIR/session-secret` (mode 0600, directory created if missing), so a restart of the embedded
 * system keeps every widget conversation instead of cutting each visitor off. Config stays pure env
 * parsing (it only reports that the variable is unset); this module does the file I/O, at start-up.
 *
 * Creation is atomic: the secret is written to a private temporary file that is then hard-linked to its
 * final name, which fails if another process (a second role starting at the same moment) won; the
 * loser reads the winner's file. So the file is never seen half written, and every process sharing the
 * DATA_DIR gets the same secret. A file that is unreadable or malformed stops the start-up with a clear
 * CONFIG.INVALID rather than being replaced silently (which would sign every visitor out).
 */

export const SESSION_SECRET_FILE = 'session-secret';
/** Same floor as SESSION_SECRET (config.ts). */
const MIN_LENGTH = 32;
const MAX_LENGTH = 1024;
/** One line of visible ASCII: what we generate (base64url) and what an administrator may paste. */
const SECRET_PATTERN = /^[\x21-\x7e]+$/;

/** The widget session secret: SESSION_SECRET when set, else the one kept in DATA_DIR (created on first use). */
export async function resolveSessionSecret(config: Pick<Config, 'sessionSecret' | 'sessionSecretGenerated' | 'dataDir'>): Promise<string> {
  return config.sessionSecretGenerated ? loadOrCreateSessionSecret(config.dataDir) : config.sessionSecret;
}

/** Reads `dir/session-secret`, creating it (and `dir`) with a fresh 256-bit secret when it does not exist. */
export async function loadOrCreateSessionSecret(dir: string): Promise<string> {
  const file = join(dir, SESSION_SECRET_FILE);
  const existing = await readSecret(file);
  if (existing !== undefined) return existing;

  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temporary = join(dir, `.${SESSION_SECRET_FILE}.${process.pid}.${randomBytes(6).toString('hex')}`);
  await writeFile(temporary, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotUse(file, 'cannot be created', err);
    // Another process created it first: use theirs.
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  const secret = await readSecret(file);
  if (secret === undefined) throw cannotUse(file, 'vanished right after it was created');
  return secret;
}

/** The secret in `file`, or undefined when there is no such file; owner-only permissions enforced. */
async function readSecret(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cannotUse(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, err);
  }
  const secret = text.trim();
  if (secret.length < MIN_LENGTH || secret.length > MAX_LENGTH || !SECRET_PATTERN.test(secret)) {
    throw cannotUse(file, `is malformed (expected one line of ${MIN_LENGTH} to ${MAX_LENGTH} visible ASCII characters)`);
  }
  // A copy restored from a backup may have lost its mode: the secret stays owner-only.
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  return secret;
}

/** Never includes the file's content. */
function cannotUse(file: string, problem: string, cause?: unknown): AppError {
  return new AppError(
    'CONFIG.INVALID',
    `The widget session secret file ${file} ${problem}. Fix or delete it (a new secret signs every widget visitor out), or set SESSION_SECRET.`,
    { details: { file }, ...(cause === undefined ? {} : { cause }) },
  );
}
