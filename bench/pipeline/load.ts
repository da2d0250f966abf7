import { Agent, request } from 'node:http';
import { ZaloWebhookDriver } from '../../tests/fakes/zalo/index.js';
import { hrMs } from './clock.js';

/**
 * The open-loop load generator: every webhook has a scheduled send time fixed before the run
 * (i / rate), and is sent at that time whether or not earlier requests have been answered, so a slow
 * server cannot slow the offered load (no coordinated omission). Latencies are measured from the
 * scheduled time, so lateness of the generator itself counts against the result, never for it.
 */

export interface Shot {
  citizen: string;
  msgId: string;
  body: Buffer;
  headers: Record<string, string | number>;
  /** Scheduled send time (hrMs). */
  intended: number;
  sentAt: number;
  ackAt: number;
  status: number;
  error: string | undefined;
  /** When the fake Zalo API recorded the reply (hrMs), NaN if none. */
  replyAt: number;
}

export interface ShotPlan {
  rate: number;
  durationMs: number;
  /** hrMs of the first send. */
  startAt: number;
  citizens: readonly string[];
  /** Index of the first citizen (successive phases continue the rotation). */
  citizenOffset: number;
  questions: readonly string[];
  random: () => number;
  /** Epoch ms minus hrMs, for the events' `timestamp`. */
  epochOffset: number;
}

/** Signed webhook events built ahead of time (signing is Zalo's work, not the system's). */
export function buildShots(driver: ZaloWebhookDriver, plan: ShotPlan, userIdByApp: ReadonlyMap<string, string>): Shot[] {
  const n = Math.max(1, Math.round((plan.rate * plan.durationMs) / 1000));
  const shots: Shot[] = [];
  for (let i = 0; i < n; i++) {
    const intended = plan.startAt + (i * 1000) / plan.rate;
    const citizen = plan.citizens[(plan.citizenOffset + i) % plan.citizens.length]!;
    const question = plan.questions[Math.floor(plan.random() * plan.questions.length)]!;
    const delivery = driver.text(citizen, question, {
      timestamp: String(Math.round(intended + plan.epochOffset)),
      userIdByApp: userIdByApp.get(citizen) ?? citizen,
    });
    const body = Buffer.from(delivery.raw, 'utf8');
    shots.push({
      citizen,
      msgId: String((delivery.event.message as { msg_id: string }).msg_id),
      body,
      headers: { ...delivery.headers, 'Content-Length': body.length },
      intended,
      sentAt: Number.NaN,
      ackAt: Number.NaN,
      status: 0,
      error: undefined,
      replyAt: Number.NaN,
    });
  }
  return shots;
}

/** Replies seen at the fake, matched to the oldest unanswered message of the same citizen. */
export class ReplyMatcher {
  private readonly waiting = new Map<string, Shot[]>();
  unmatched = 0;

  expect(shot: Shot): void {
    const queue = this.waiting.get(shot.citizen);
    if (queue) queue.push(shot);
    else this.waiting.set(shot.citizen, [shot]);
  }

  onSent(items: readonly [string, number][]): void {
    for (const [userId, at] of items) {
      const queue = this.waiting.get(userId);
      const shot = queue?.shift();
      if (!shot) {
        this.unmatched++;
        continue;
      }
      shot.replyAt = at;
      if (queue!.length === 0) this.waiting.delete(userId);
    }
  }

  /** Forgets every message still waiting (a later reply then counts as unmatched, not as a latency). */
  reset(): void {
    this.waiting.clear();
    this.unmatched = 0;
  }
}

export class LoadGenerator {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;
  private readonly path: string;
  private inFlight = 0;

  constructor(
    url: string,
    private readonly matcher: ReplyMatcher,
    private readonly ackTimeoutMs: number,
  ) {
    const u = new URL(url);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.path = u.pathname;
    // Keep-alive, like a platform's webhook sender; enough sockets that the pool never throttles the load.
    this.agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256, scheduling: 'fifo' });
  }

  get pending(): number {
    return this.inFlight;
  }

  /** Sends every shot at its scheduled time; resolves once the last one has been sent. */
  run(shots: readonly Shot[]): Promise<void> {
    return new Promise((resolve) => {
      let next = 0;
      const tick = (): void => {
        const now = hrMs();
        while (next < shots.length && shots[next]!.intended <= now) this.fire(shots[next++]!);
        if (next >= shots.length) return resolve();
        // Timers have ~1 ms granularity: a busy loop would be more punctual but would steal a core
        // from the system under test on this 2-core machine. Lateness is measured (sentAt − intended).
        setTimeout(tick, Math.max(0, Math.floor(shots[next]!.intended - hrMs()) - 1));
      };
      tick();
    });
  }

  private fire(shot: Shot): void {
    this.matcher.expect(shot);
    this.inFlight++;
    shot.sentAt = hrMs();
    let settled = false;
    const settle = (status: number, error?: string): void => {
      if (settled) return;
      settled = true;
      this.inFlight--;
      shot.ackAt = hrMs();
      shot.status = status;
      shot.error = error;
    };
    const req = request(
      { agent: this.agent, host: this.host, port: this.port, path: this.path, method: 'POST', headers: shot.headers },
      (res) => {
        res.resume();
        res.on('end', () => settle(res.statusCode ?? 0, res.statusCode === 200 ? undefined : `HTTP ${res.statusCode}`));
        res.on('error', (err) => settle(0, (err as NodeJS.ErrnoException).code ?? err.message));
      },
    );
    const timer = setTimeout(() => {
      settle(0, 'timeout');
      req.destroy();
    }, this.ackTimeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (err) => settle(0, (err as NodeJS.ErrnoException).code ?? err.message));
    req.end(shot.body);
  }

  close(): void {
    this.agent.destroy();
  }
}
