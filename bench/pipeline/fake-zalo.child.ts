/**
 * Child process: the fake Zalo API (tests/fakes/zalo) on its own event loop, so neither the load
 * generator nor the system under test pays for it. Every message the fake accepts on /message/cs is
 * stamped with the shared monotonic clock at the moment it is recorded and streamed to the bench.
 * The fake also POSTs Zalo's `oa_send_text` echo of each reply to the webhook, as Zalo does.
 */
import { FakeZalo, type SentMessage } from '../../tests/fakes/zalo/index.js';
import { hrMs } from './clock.js';
import type { FakeReady, FakeSent, ToFake } from './ipc.js';

if (typeof process.send !== 'function') throw new Error('fake-zalo.child.ts must be started with an IPC channel');
const send = process.send.bind(process);

// Echo every reply, as Zalo does: the system must recognise its own sends under load.
const fake = await new FakeZalo({ echoSends: true }).start();
const tokens = fake.issueTokens();

let pending: [string, number][] = [];
// Record the send time and the recipient instead of keeping every message (the bench needs no more).
Object.defineProperty(fake.sent, 'push', {
  value: (...items: SentMessage[]) => {
    const at = hrMs();
    for (const m of items) pending.push([m.userId, at]);
    return 0;
  },
});

const flush = setInterval(() => {
  if (pending.length > 0) {
    const message: FakeSent = { type: 'sent', items: pending };
    pending = [];
    send(message);
  }
  // The request log and echo log are for tests; drop them so the fake stays small for minutes of load.
  fake.requests.length = 0;
  fake.echoes.length = 0;
}, 20);

process.on('message', (raw: unknown) => {
  const message = raw as ToFake;
  if (message.type === 'webhook') fake.webhookUrl = message.url;
  if (message.type === 'stop') {
    clearInterval(flush);
    fake.webhookUrl = undefined;
    const timer = setTimeout(() => process.exit(0), 3000);
    void fake.stop().finally(() => {
      clearTimeout(timer);
      process.exit(0);
    });
  }
});
process.on('disconnect', () => process.exit(0));

const ready: FakeReady = {
  type: 'ready',
  apiBase: fake.apiBase,
  oauthBase: fake.oauthBase,
  appId: fake.appId,
  appSecret: fake.appSecret,
  oaId: fake.oaId,
  oaSecretKey: fake.oaSecretKey,
  accessToken: tokens.accessToken,
  refreshToken: tokens.refreshToken,
};
send(ready);
