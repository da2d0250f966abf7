import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { AppError } from '../../src/domain/errors.js';
import { loadOrCreateSessionSecret, resolveSessionSecret, SESSION_SECRET_FILE } from '../../src/system/session-secret.js';

/**
 * The widget session secret kept in DATA_DIR when SESSION_SECRET is unset: created once with owner-only
 * permissions, the same on every later start (so a restart keeps widget sessions), and a damaged file
 * stops the start-up with a message that names the file, never its content.
 */

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'session-secret-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a rejection');
}

describe('loadOrCreateSessionSecret', () => {
  it('When DATA_DIR does not exist yet, then it is created and the secret file is written with mode 0600', async () => {
    const dir = join(root, 'data', 'nested');
    const secret = await loadOrCreateSessionSecret(dir);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = join(dir, SESSION_SECRET_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(secret);
    // No temporary file is left behind.
    expect(await readdir(dir)).toEqual([SESSION_SECRET_FILE]);
  });

  it('When it is called again (a restart), then the same secret comes back', async () => {
    const first = await loadOrCreateSessionSecret(root);
    expect(await loadOrCreateSessionSecret(root)).toBe(first);
  });

  it('When several processes start at once, then they all get the one secret that was created', async () => {
    const secrets = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSessionSecret(root)));
    expect(new Set(secrets).size).toBe(1);
    expect(await readdir(root)).toEqual([SESSION_SECRET_FILE]);
  });

  it('When an administrator put their own secret in the file, then it is used as written (trimmed)', async () => {
    const own = 'x'.repeat(20) + 'Y-9_'.repeat(5);
    await writeFile(join(root, SESSION_SECRET_FILE), `  ${own}\n`, { mode: 0o600 });
    expect(await loadOrCreateSessionSecret(root)).toBe(own);
  });

  it('When the file lost its owner-only mode (restored from a backup), then it is made 0600 again', async () => {
    const first = await loadOrCreateSessionSecret(root);
    const file = join(root, SESSION_SECRET_FILE);
    await chmod(file, 0o644);
    expect(await loadOrCreateSessionSecret(root)).toBe(first);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('When the file is malformed (too short, several words, empty), then start-up stops with CONFIG.INVALID naming the file, not its content', async () => {
    const file = join(root, SESSION_SECRET_FILE);
    for (const content of ['short-secret\n', 'two words that are long enough to pass the length\n', '\n']) {
      await writeFile(file, content, { mode: 0o600 });
      const err = await failure(loadOrCreateSessionSecret(root));
      expect(err.code).toBe('CONFIG.INVALID');
      expect(err.message).toContain(file);
      expect(err.message).toContain('malformed');
      expect(err.message).toContain('SESSION_SECRET');
      if (content.trim()) expect(err.message).not.toContain(content.trim());
    }
    // The damaged file is left for the administrator, never replaced silently.
    expect(await readFile(file, 'utf8')).toBe('\n');
  });

  it('When the file cannot be read, then start-up stops with CONFIG.INVALID and the reason', async () => {
    // A directory in its place: unreadable as a file even for root (chmod 000 is not, for root).
    await mkdir(join(root, SESSION_SECRET_FILE));
    const err = await failure(loadOrCreateSessionSecret(root));
    expect(err.code).toBe('CONFIG.INVALID');
    expect(err.message).toMatch(/cannot be read \(EISDIR\)/);
  });
});

describe('resolveSessionSecret', () => {
  it('When SESSION_SECRET is set, then it is used and nothing is written to DATA_DIR', async () => {
    const configured = 'a-configured-secret-of-more-than-32-characters';
    const config = loadConfig({ DATA_DIR: root, SESSION_SECRET: configured });
    expect(await resolveSessionSecret(config)).toBe(configured);
    expect(await readdir(root)).toEqual([]);
  });

  it('When SESSION_SECRET is unset, then the secret kept in DATA_DIR is used, the same across loads of the configuration', async () => {
    const first = await resolveSessionSecret(loadConfig({ DATA_DIR: root }));
    const second = await resolveSessionSecret(loadConfig({ DATA_DIR: root }));
    expect(second).toBe(first);
    expect((await readFile(join(root, SESSION_SECRET_FILE), 'utf8')).trim()).toBe(first);
  });
});
