import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeZalo } from '../fakes/zalo/fake-zalo.js';
import { bigId } from '../fakes/zalo/sign.js';
import { ZaloWebhookDriver } from '../fakes/zalo/webhook-driver.js';
import { answersAt, childEnvironment, procedureOf, questionsFor, startChildSystem, waitFor, type ChildSystem } from '../integration/system-harness.js';
import { recordFault } from './report.js';
import { answeredCount, tallyAnswers, zaloAnswers } from './tally.js';

/**
 * Issue 14 item 5: the host's wall clock is stepped (an operator, a VM resumed, NTP after a long drift)
 * while citizens write. The system runs in its embedded default (SQLite store, in-process queue runner) in
 * a child process whose wall clock this test moves (tests/faults/clock-shift.mjs: Date only; the
 * monotonic clock runs on, as on a real host).
 *
 * - A step BACK of three hours while replies wait to be retried (Zalo answers -32, the rate limit): the
 *   retries must still run once Zalo answers again, not three hours later.
 * - A step FORWARD of six hours while a delivery run is in the middle of a send (the fake holds it) and
 *   the same citizens write again: the run's conversation lease must not look expired, so no second run
 *   sends the same replies.
 *
 * Every question answered exactly once and in order at the fake, and a row in the fault report.
 */

const CITIZENS = 10;
const PER_CITIZEN = 3;
const HOUR = 3_600_000;
const RECOVERY_DEADLINE_MS = 60_000;
const SETTLE_MS = 3_000;
const SHIFT = fileURLToPath(new URL('./clock-shift.mjs', import.meta.url));

describe('clock faults: a stepped wall clock neither stalls nor repeats work (embedded mode)', () => {
  let fake: FakeZalo;
  let child: ChildSystem;
  let driver: ZaloWebhookDriver;
  let dataDir: string;
  let shiftFile: string;

  /** Steps the child's wall clock to real time + `ms`. */
  function shift(ms: number): void {
    writeFileSync(shiftFile, String(ms));
    child.process.kill('SIGUSR2');
  }

  beforeAll(async () => {
    fake = await new FakeZalo().start();
    dataDir = mkdtempSync(join(tmpdir(), 'clock-faults-'));
    shiftFile = join(dataDir, 'clock-shift');
    writeFileSync(shiftFile, '0');
    child = await startChildSystem(
      childEnvironment(fake, fake.issueTokens(), {
        DATA_DIR: join(dataDir, 'data'),
        EMBEDDED_STORE: 'sqlite',
        CLOCK_SHIFT_FILE: shiftFile,
        // The rate-limit storm opens the breaker: a short cool-down, so the recovery measured is the clock's.
        PLATFORM_BREAKER_OPEN_SECONDS: '2',
        NODE_OPTIONS: `--import ${SHIFT}`,
      }),
    );
    fake.webhookUrl = `${child.url}/webhooks/zalo`;
    driver = new ZaloWebhookDriver({ appId: fake.appId, oaId: fake.oaId, oaSecretKey: fake.oaSecretKey, url: fake.webhookUrl });
  });

  afterAll(async () => {
    await child?.kill('SIGKILL');
    await fake?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('clock-jump: three hours back during retries, six hours forward during a send', async () => {
    const group = Array.from({ length: CITIZENS }, (_, i) => {
      const userId = bigId();
      const questions = questionsFor(i, PER_CITIZEN);
      return { userId, questions, deliveries: questions.map((q) => driver.text(userId, q.question)) };
    });
    const answered = () => answeredCount(zaloAnswers(fake, group));
    const round = async (i: number) => {
      for (const c of group) expect((await driver.deliver(c.deliveries[i]!)).status).toBe(200);
    };
    const started = Date.now();

    await round(0);
    await waitFor('the first round answered', () => answered() === CITIZENS, RECOVERY_DEADLINE_MS, 50);

    // Back three hours while the second round's replies wait for their retries.
    fake.setOutage({ kind: 'code', code: -32 });
    await round(1);
    await waitFor('replies refused by the rate limit', () => (fake.outageHits >= 3 ? true : undefined), RECOVERY_DEADLINE_MS, 50);
    shift(-3 * HOUR);
    await new Promise((r) => setTimeout(r, 500));
    fake.endOutage();
    const backAt = Date.now();
    await waitFor('the second round answered after the step back', () => answered() === 2 * CITIZENS, RECOVERY_DEADLINE_MS, 50);
    const backRecoverMs = Date.now() - backAt;

    // Forward six hours (three past real time) while a send is in flight, as the same citizens write again.
    const hold = fake.holdSends();
    await round(2);
    await hold.whenHeld(1);
    shift(3 * HOUR);
    await new Promise((r) => setTimeout(r, 1_000));
    hold.release();
    const forwardAt = Date.now();
    await waitFor('the third round answered after the step forward', () => answered() === PER_CITIZEN * CITIZENS, RECOVERY_DEADLINE_MS, 50);
    const forwardRecoverMs = Date.now() - forwardAt;
    await new Promise((r) => setTimeout(r, SETTLE_MS));

    const { lost, duplicated } = tallyAnswers(zaloAnswers(fake, group));
    recordFault({
      fault: 'clock-jump',
      durationMs: Date.now() - started,
      inFlight: 2 * CITIZENS,
      lost,
      duplicated,
      recoverMs: Math.max(backRecoverMs, forwardRecoverMs),
      notes: `embedded (SQLite, in-process runner); wall clock −3 h during ${fake.outageHits} rate-limited sends (recovered in ${(backRecoverMs / 1000).toFixed(1)} s), then +6 h during a held send (recovered in ${(forwardRecoverMs / 1000).toFixed(1)} s)`,
    });
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
    for (const c of group) expect(answersAt(fake, c.userId).map(procedureOf)).toEqual(c.questions.map((q) => q.procedure));
  });
});
