import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { selectStore } from '../../src/system/store.js';
import { REPO_ROOT, startChildSystem, systemEnvironment, type ChildSystem } from './system-harness.js';

/**
 * The accounts CLI is for the first admin. In embedded mode a running server holds the store in
 * DATA_DIR (its lock), so the CLI must not write behind it: it says, in English for the operator, to
 * use the console or stop the server, and exits 1 with nothing written. With the server stopped it
 * creates the account.
 */

const PASSWORD = 'mat-khau-quan-tri-dau-tien';

let dataDir: string;
let server: ChildSystem | undefined;

function environment(): NodeJS.ProcessEnv {
  return systemEnvironment({ DATA_DIR: dataDir, SESSION_SECRET: randomUUID() + randomUUID() });
}

/** `npm run accounts -- create …` as one node process, the password on stdin. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const cli = spawn(process.execPath, ['--import', 'tsx', 'src/cli/accounts.ts', ...args], { cwd: REPO_ROOT, env: environment(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    cli.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    cli.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    cli.once('error', reject);
    cli.once('exit', (code) => resolve({ code, stdout, stderr }));
    cli.stdin.end(`${PASSWORD}\n`);
  });
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'accounts-cli-'));
});

afterEach(async () => {
  await server?.kill('SIGKILL');
  server = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm run accounts -- create', () => {
  it('When a server holds the embedded store, then the CLI refuses with a clear message, exit 1, and writes nothing; once the server stopped, it creates the account', async () => {
    server = await startChildSystem(environment(), 90_000);
    const args = ['create', '--username', 'quantri.dau.tien', '--role', 'admin'];

    const refused = await runCli(args);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/^A running server \(pid \d+\) holds DATA_DIR .+: create the account from the console .* or stop the server/m);
    expect(refused.stderr).toContain(dataDir);
    expect(refused.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(refused.stdout).toBe('');

    await server.kill('SIGTERM');
    server = undefined;

    const created = await runCli(args);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ created: { username: 'quantri.dau.tien', role: 'admin' }, store: 'embedded' });

    const store = await selectStore(loadConfig({ DATA_DIR: dataDir }));
    await store.init();
    try {
      expect(await store.accounts.list()).toEqual([expect.objectContaining({ username: 'quantri.dau.tien', role: 'admin', disabled: false })]);
    } finally {
      await store.close();
    }
  }, 180_000);
});
