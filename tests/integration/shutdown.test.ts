import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { conversationKey } from '../../src/domain/message.js';
import { selectStore } from '../../src/system/store.js';
import { REPO_ROOT, visitorOf, waitFor } from './system-harness.js';

/**
 * `npm start` under a process manager: the manager sends SIGTERM to the process it started, npm. The
 * server must receive it (npm forwards it to its child; `exec` in the script makes node that child),
 * finish the turn in flight, close queues and store, and exit 0 well within the 10 s grace, leaving
 * no orphan. Run exactly as a process manager would: `npm start` in the repository, DATA_DIR in a
 * temporary directory, any free port, SESSION_SECRET unset (the secret kept in DATA_DIR). After the
 * exit the store is read directly: the citizen's message and the answer to it are there.
 */

interface Started {
  npm: ChildProcess;
  /** The node process serving (its pid from the start-up log). */
  serverPid: number;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  logs: () => string;
}

const QUESTION = 'thủ tục cấp thẻ căn cước';

let dataDir: string;
const started: Started[] = [];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `npm start` with the test's DATA_DIR; resolves once the server logged `listening`. */
async function npmStart(): Promise<Started> {
  const npm = spawn('npm', ['start', '--silent'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      DOTENV_CONFIG_QUIET: 'true',
      // Empty counts as unset (loadConfig): embedded mode, in-process queues, the secret from DATA_DIR.
      MONGODB_URL: '',
      REDIS_URL: '',
      SESSION_SECRET: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  npm.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  npm.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm.once('exit', (code, signal) => resolve({ code, signal })));
  let exitedEarly = false;
  void exited.then(() => (exitedEarly = true));
  const listening = await waitFor(
    'the server to log "listening"',
    () => {
      if (exitedEarly) throw new Error(`npm start exited before listening:\n${out.slice(-4000)}`);
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        const record = JSON.parse(line) as { msg?: string; url?: string; pid?: number };
        if (record.msg === 'listening' && record.url && record.pid) return { url: record.url, pid: record.pid };
      }
      return undefined;
    },
    90_000,
    50,
  );
  const handle: Started = { npm, serverPid: listening.pid, url: listening.url, exited, logs: () => out };
  started.push(handle);
  return handle;
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'shutdown-it-'));
});

afterEach(async () => {
  // Never leave a server behind, whatever happened: the npm process, then the node one it started.
  for (const s of started.splice(0)) {
    if (s.npm.exitCode === null && s.npm.signalCode === null) s.npm.kill('SIGKILL');
    if (alive(s.serverPid)) process.kill(s.serverPid, 'SIGKILL');
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start and SIGTERM', () => {
  it('When the process manager sends SIGTERM to npm right after a widget message, then the server finishes the turn, exits 0 within 10 s, and the store holds the message and its answer', async () => {
    const server = await npmStart();
    const session = (await (await fetch(`${server.url}/widget/session`, { method: 'POST' })).json()) as { token: string };
    const sent = await fetch(`${server.url}/widget/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ clientMessageId: randomUUID(), text: QUESTION }),
    });
    expect(sent.status).toBe(202);

    // 1. SIGTERM to npm only, as systemd (KillMode=mixed/process) or a container runtime's init would.
    server.npm.kill('SIGTERM');
    const exit = await server.exited;
    // 2. The node process must be gone too (not orphaned): it exits on its own, right after npm or before.
    await waitFor('the server process to exit', () => !alive(server.serverPid), 15_000);

    expect(exit, server.logs().slice(-3000)).toEqual({ code: 0, signal: null });
    expect(server.logs()).toContain('"msg":"shutting down"');
    // Within 10 s by design: past SHUTDOWN_GRACE_MS the process forces its exit and says so.
    expect(server.logs()).not.toContain('forcing exit');

    // 3. Nothing lost: the store (opened after the exit, so no lock is held) has the message and the answer.
    const store = await selectStore(loadConfig({ DATA_DIR: dataDir }));
    await store.init();
    try {
      const conversationId = conversationKey('webchat', 'portal', visitorOf(session.token));
      const inbound = await store.inbound.listByConversation(conversationId, 10);
      expect(inbound.map((m) => [m.text, m.status])).toEqual([[QUESTION, 'done']]);
      const replies = await store.outbound.listByConversation(conversationId, 10);
      expect(replies.length).toBeGreaterThan(0);
      expect(replies.map((r) => r.reply.text).join('\n')).toContain('căn cước');
    } finally {
      await store.close();
    }
  }, 180_000);

  it('When the server restarts without SESSION_SECRET, then the widget session issued before still works (secret kept in DATA_DIR)', async () => {
    const first = await npmStart();
    const session = (await (await fetch(`${first.url}/widget/session`, { method: 'POST' })).json()) as { token: string };
    first.npm.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    await waitFor('the first server to exit', () => !alive(first.serverPid), 15_000);

    const second = await npmStart();
    const history = await fetch(`${second.url}/widget/history`, { headers: { authorization: `Bearer ${session.token}` } });
    expect(history.status).toBe(200);
    second.npm.kill('SIGINT');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  }, 240_000);
});
