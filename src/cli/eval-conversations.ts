import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadConfig } from '../config.js';
import type { OutboundRecord } from '../domain/conversation.js';
import { conversationKey, type Reply } from '../domain/message.js';
import type { Ticket } from '../domain/ticket.js';
import { createLogger } from '../logging/logger.js';
import { startSystem, type RunningSystem } from '../system/index.js';
// The evaluation's Zalo share talks to the faithful local fake of Zalo's API (as bench/pipeline does).
import { FakeZalo, messageId, ZaloWebhookDriver } from '../../tests/fakes/zalo/index.js';
import {
  checkSideEffects,
  checkStep,
  CONVERSATION_CLASSES,
  describeReplies,
  formatSummary,
  parseConversations,
  resolveTap,
  substitute,
  summarize,
  type Conversation,
  type ConversationContext,
  type ConversationResult,
  type ObservedStep,
  type SetSummary,
  type SideEffects,
  type Step,
} from './conversation-checks.js';

/**
 * `npm run eval:conversations`: the multi-turn evaluation (issue 9, item 11). Each scripted
 * conversation of knowledge/eval/conversations/*.vi.jsonl is played through the real system in embedded
 * mode, in this process (a temporary DATA_DIR, the widget's HTTP API on an ephemeral port: the channel
 * adapter a citizen's browser uses), one widget session per conversation; conversations marked
 * `"channel": "zalo"` arrive instead as signed Zalo webhooks, with replies sent to a local fake of
 * Zalo's API (tests/fakes/zalo) and buttons answered by their number. A step waits until the store
 * says its message was processed (done or failed), then checks the replies of that turn (outbound records
 * in reply to it, with their meta) against the step's expectation, and that the step opened no ticket
 * and recorded no operator request unless it says so. A conversation passes when every step passes;
 * it stops at its first failing step.
 *
 *   --set golden|holdout|all   which set (default all)
 *   --class <class>            only this class;  --id <id>  only this conversation
 *   --verbose                  every failing golden conversation's first failing step: expected vs got
 *   --show-holdout             with --verbose, the holdout's failures too (it is never tuned on: do not
 *                              read them to fix a failure; fix or add a golden conversation instead)
 *   --json                     one JSON document (summary and results) instead of the table (the
 *                              holdout's failing steps left out unless --show-holdout)
 *   --concurrency <n>          conversations played at once (default 8)
 *   --check                    exit 1 when a set is below its floor
 *
 * Format and classes: knowledge/eval/conversations/README.md.
 */

export const SETS = ['golden', 'holdout'] as const;
export type SetName = (typeof SETS)[number];
/** Shares of conversations passing every step that the sets must reach (asserted by the tests). */
export const FLOORS: Record<SetName, number> = { golden: 0.95, holdout: 0.9 };

const HERE = dirname(fileURLToPath(import.meta.url));
export const CONVERSATIONS_DIR = resolve(HERE, '../../knowledge/eval/conversations');

/** The widget install id of the system (src/system/index.ts WIDGET_ACCOUNT_ID): part of conversation ids. */
const WIDGET_ACCOUNT_ID = 'portal';
/** Longest a turn may take before the step fails (the system's own turn timeout is 10 s). */
const TURN_WAIT_MS = 20_000;
/** Longest an agency's answer may take to be delivered. */
const DELIVERY_WAIT_MS = 10_000;
const EVAL_ACTOR = { kind: 'coordinator' as const, id: 'eval-conversations' };

export function loadSet(set: SetName, dir = CONVERSATIONS_DIR): Conversation[] {
  const file = join(dir, `${set}.vi.jsonl`);
  return parseConversations(readFileSync(file, 'utf8'), file);
}

export interface EvalOptions {
  sets?: SetName[];
  class?: string;
  id?: string;
  concurrency?: number;
  /** Conversations to play instead of the files (tests). */
  conversations?: { set: string; conversation: Conversation }[];
}

export interface EvalReport {
  results: ConversationResult[];
  summary: Record<string, SetSummary>;
  wallMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` (2 ms, growing to 20 ms) until it returns a value, or fails after `timeoutMs`. */
async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let wait = 2;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(wait);
    wait = Math.min(20, wait * 2);
  }
}

/** The visitor id a widget session token carries (adapters/webchat/session.ts: base64url JSON {v} + '.' + signature). */
function visitorIdOf(token: string): string {
  const body = token.slice(0, token.indexOf('.'));
  const parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { v?: unknown };
  if (typeof parsed.v !== 'string') throw new Error('widget session token without a visitor id');
  return parsed.v;
}

/** One citizen on one channel: what a step needs to send a message or tap a button. */
interface Citizen {
  readonly conversationId: string;
  /** Sends typed text; returns the stored inbound message's id. */
  say(text: string): Promise<string>;
  /** Taps the button with this payload; `offered` is every reply so far, newest first. */
  tap(payload: string, offered: Reply[]): Promise<string | { problem: string }>;
}

/** One citizen on the widget: a session, messages and taps posted through the widget's HTTP API. */
class WidgetCitizen implements Citizen {
  private constructor(
    private readonly url: string,
    private readonly token: string,
    readonly visitorId: string,
  ) {}

  static async open(url: string): Promise<WidgetCitizen> {
    const res = await fetch(`${url}/widget/session`, { method: 'POST' });
    if (!res.ok) throw new Error(`POST /widget/session: ${res.status}`);
    const { token } = (await res.json()) as { token: string };
    return new WidgetCitizen(url, token, visitorIdOf(token));
  }

  get conversationId(): string {
    return conversationKey('webchat', WIDGET_ACCOUNT_ID, this.visitorId);
  }

  say(text: string): Promise<string> {
    return this.post({ text });
  }

  tap(payload: string): Promise<string> {
    return this.post({ payload });
  }

  private async post(message: { text: string } | { payload: string }): Promise<string> {
    const clientMessageId = randomUUID();
    const res = await fetch(`${this.url}/widget/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId, ...message }),
    });
    if (res.status !== 202) throw new Error(`POST /widget/messages: ${res.status} ${await res.text()}`);
    // receive-inbound.ts: `${channel}:${externalId}`, the widget's externalId being `${visitorId}:${clientMessageId}`.
    return `webchat:${this.visitorId}:${clientMessageId}`;
  }
}

/**
 * One citizen on Zalo: signed `user_send_text` webhooks as Zalo sends them. Zalo shows buttons as a
 * numbered list (the adapter's text mode), so a tap is the typed number of the button in the newest
 * reply that offered buttons, the choice the flows remember once that reply is delivered.
 */
class ZaloCitizen implements Citizen {
  readonly userId = ZaloWebhookDriver.newUserId();

  constructor(
    private readonly system: RunningSystem,
    private readonly driver: ZaloWebhookDriver,
    private readonly oaId: string,
  ) {}

  get conversationId(): string {
    return conversationKey('zalo', this.oaId, this.userId);
  }

  async say(text: string): Promise<string> {
    // Like a person reading before answering: the previous replies are delivered (so a typed number means what was shown).
    await until(async () => ((await outboundOf(this.system, this.conversationId)).every((r) => r.status !== 'pending') ? true : undefined), DELIVERY_WAIT_MS, 'the replies to reach Zalo');
    const msgId = messageId();
    const { status, body } = await this.driver.deliver(this.driver.text(this.userId, text, { msgId }));
    if (status !== 200) throw new Error(`POST /webhooks/zalo: ${status} ${body}`);
    return `zalo:${msgId}`;
  }

  async tap(payload: string, offered: Reply[]): Promise<string | { problem: string }> {
    const latest = offered.find((r) => (r.buttons?.length ?? 0) > 0);
    const index = latest?.buttons?.findIndex((b) => b.payload === payload) ?? -1;
    if (index < 0) return { problem: `${payload} is not among the latest numbered choices on Zalo` };
    return this.say(String(index + 1));
  }
}

async function sideEffectCounts(system: RunningSystem, conversationId: string): Promise<SideEffects> {
  const [tickets, handoffs] = await Promise.all([system.store.tickets.find({ conversationId, limit: 1000 }), system.store.handoffs.listByConversation(conversationId, 1000)]);
  return { tickets: tickets.length, operatorRequests: handoffs.length };
}

const newestTicket = async (system: RunningSystem, conversationId: string): Promise<Ticket | undefined> =>
  (await system.store.tickets.find({ conversationId, limit: 1 }))[0];

/** Every outbound record of the conversation, oldest first. */
const outboundOf = (system: RunningSystem, conversationId: string): Promise<OutboundRecord[]> => system.store.outbound.listByConversation(conversationId, 1000);

function stepInput(step: Step): string {
  if ('say' in step) return `say "${step.say}"`;
  if ('tap' in step) return `tap ${step.tap}`;
  return `agency answers "${step.agencyAnswer}"`;
}

/** Plays one turn (say or tap) and returns its replies. */
async function playTurn(system: RunningSystem, citizen: Citizen, step: Step & ({ say: string } | { tap: string }), ctx: ConversationContext): Promise<{ replies: Reply[]; problem?: string }> {
  const conversationId = citizen.conversationId;
  let inboundId: string;
  if ('say' in step) {
    inboundId = await citizen.say(substitute(step.say, ctx));
  } else {
    const offered = (await outboundOf(system, conversationId)).reverse().map((r) => r.reply);
    const tap = resolveTap(step.tap, offered, ctx);
    if (!tap.payload) return { replies: [], problem: tap.problem ?? 'tap not resolved' };
    const sent = await citizen.tap(tap.payload, offered);
    if (typeof sent !== 'string') return { replies: [], problem: sent.problem };
    inboundId = sent;
  }
  const inbound = await until(
    async () => (await system.store.inbound.listByConversation(conversationId, 1000)).find((m) => m.id === inboundId && m.status !== 'received'),
    TURN_WAIT_MS,
    'the turn',
  );
  const replies = (await outboundOf(system, conversationId)).filter((r) => r.inReplyTo === inboundId).map((r) => r.reply);
  return { replies, ...(inbound.status === 'failed' ? { problem: `the turn failed (${inbound.error ?? 'unknown error'})` } : {}) };
}

/** Agency staff answer the newest ticket; returns the answer message once it is delivered. */
async function playAgencyAnswer(system: RunningSystem, conversationId: string, text: string): Promise<{ replies: Reply[]; problem?: string }> {
  const ticket = await newestTicket(system, conversationId);
  if (!ticket) return { replies: [], problem: 'no ticket to answer' };
  const answered = await system.tickets.answer(ticket.id, EVAL_ACTOR, text);
  const outboundId = answered.delivery?.outboundId;
  if (!outboundId) return { replies: [], problem: 'the answer has no message' };
  await until(async () => ((await system.store.tickets.get(ticket.id))?.status === 'delivered' ? true : undefined), DELIVERY_WAIT_MS, 'the answer to be delivered');
  const record = await system.store.outbound.get(outboundId);
  return { replies: record ? [record.reply] : [] };
}

/** Plays one conversation; stops at its first failing step. */
async function playConversation(system: RunningSystem, zalo: { driver: ZaloWebhookDriver; oaId: string }, set: string, conversation: Conversation): Promise<ConversationResult> {
  const base = { set, id: conversation.id, class: conversation.class, variant: conversation.variant, channel: conversation.channel ?? 'webchat', steps: conversation.steps.length };
  const citizen: Citizen = conversation.channel === 'zalo' ? new ZaloCitizen(system, zalo.driver, zalo.oaId) : await WidgetCitizen.open(system.url!);
  const conversationId = citizen.conversationId;
  const ctx: ConversationContext = {};
  for (const [index, step] of conversation.steps.entries()) {
    const before = await sideEffectCounts(system, conversationId);
    let played: { replies: Reply[]; problem?: string };
    try {
      played = 'agencyAnswer' in step ? await playAgencyAnswer(system, conversationId, step.agencyAnswer) : await playTurn(system, citizen, step, ctx);
    } catch (error) {
      played = { replies: [], problem: (error as Error).message };
    }
    const after = await sideEffectCounts(system, conversationId);
    const ticket = await newestTicket(system, conversationId);
    const observed: ObservedStep = { replies: played.replies, ...(ticket ? { ticketStatus: ticket.status } : {}) };
    const created = { tickets: after.tickets - before.tickets, operatorRequests: after.operatorRequests - before.operatorRequests };
    const problems = [...(played.problem ? [played.problem] : []), ...checkStep(step.expect, observed, ctx), ...checkSideEffects(step.opens, created)];
    if (problems.length > 0) {
      return { ...base, passed: false, failure: { step: index + 1, input: stepInput(step), problems, got: describeReplies(played.replies) } };
    }
    // What later steps may refer to: the last clarification's options, the newest ticket's code.
    const clarify = [...played.replies].reverse().find((r) => r.meta?.tag === 'clarify' && r.meta.options?.length);
    if (clarify) ctx.options = clarify.meta!.options!;
    if (ticket) ctx.code = ticket.code;
  }
  return { ...base, passed: true };
}

/** Runs `items` through `worker`, at most `concurrency` at once, keeping their order in the result. */
async function pool<T, R>(items: T[], concurrency: number, worker: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await worker(items[i]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Starts the system in a temporary DATA_DIR, plays the conversations, stops it. */
export async function runConversationEval(options: EvalOptions = {}): Promise<EvalReport> {
  const started = Date.now();
  const items =
    options.conversations ??
    (options.sets ?? [...SETS]).flatMap((set) => loadSet(set).map((conversation) => ({ set: set as string, conversation })));
  const selected = items.filter(({ conversation: c }) => (!options.class || c.class === options.class) && (!options.id || c.id === options.id));
  const dataDir = mkdtempSync(join(tmpdir(), 'eval-conversations-'));
  const fakeZalo = await new FakeZalo().start();
  const config = loadConfig({
    ...fakeZalo.env(),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    SESSION_SECRET: randomUUID() + randomUUID(),
    // Many visitors from one address, some quickly: the widget's abuse limits are not under test here.
    WIDGET_RATE_PER_SESSION: '10000',
    WIDGET_RATE_PER_ADDRESS: '100000',
  });
  let system: RunningSystem | undefined;
  try {
    system = await startSystem({ config, logger: createLogger(config) });
    const running = system;
    const zalo = {
      driver: new ZaloWebhookDriver({ url: `${running.url}/webhooks/zalo`, appId: fakeZalo.appId, oaId: fakeZalo.oaId, oaSecretKey: fakeZalo.oaSecretKey }),
      oaId: fakeZalo.oaId,
    };
    const results = await pool(selected, options.concurrency ?? 8, ({ set, conversation }) => playConversation(running, zalo, set, conversation));
    return { results, summary: summarize(results), wallMs: Date.now() - started };
  } finally {
    await system?.stop();
    await fakeZalo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The failing conversations' first failing steps, expected vs got. */
export function formatFailures(results: ConversationResult[]): string {
  return results
    .filter((r) => !r.passed && r.failure)
    .map((r) => {
      const f = r.failure!;
      return `✗ [${r.set}] ${r.id} (${r.class}, ${r.variant}, ${r.channel}) step ${f.step}/${r.steps}: ${f.input}\n    expected: ${f.problems.join('; ')}\n    got:    ${f.got}`;
    })
    .join('\n');
}

/** Sets below their floor, as messages (empty when every set reached it). */
export function belowFloors(summary: Record<string, SetSummary>): string[] {
  return Object.entries(summary).flatMap(([set, s]) => {
    const floor = FLOORS[set as SetName];
    return floor !== undefined && s.total.share < floor ? [`${set}: ${(s.total.share * 100).toFixed(1)} % < ${floor * 100} %`] : [];
  });
}

/** Writes to stdout and resolves once it is flushed (a pipe is written asynchronously: exiting earlier cuts it off). */
const print = (text: string): Promise<void> => new Promise((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

async function main(args: string[]): Promise<number> {
  const set = argValue(args, '--set') ?? 'all';
  if (set !== 'all' && !(SETS as readonly string[]).includes(set)) {
    process.stderr.write(`--set must be golden, holdout or all\n`);
    return 2;
  }
  const klass = argValue(args, '--class');
  if (klass && !(CONVERSATION_CLASSES as readonly string[]).includes(klass)) {
    process.stderr.write(`--class must be one of ${CONVERSATION_CLASSES.join(', ')}\n`);
    return 2;
  }
  const id = argValue(args, '--id');
  const concurrency = Number(argValue(args, '--concurrency') ?? 8);
  const report = await runConversationEval({
    sets: set === 'all' ? [...SETS] : [set as SetName],
    ...(klass ? { class: klass } : {}),
    ...(id ? { id } : {}),
    concurrency: Number.isFinite(concurrency) && concurrency > 0 ? concurrency : 8,
  });
  const below = belowFloors(report.summary);
  if (args.includes('--json')) {
    // The holdout's failing steps only on request, as with --verbose.
    const results = args.includes('--show-holdout') ? report.results : report.results.map((r) => (r.set === 'holdout' ? { ...r, failure: undefined } : r));
    await print(`${JSON.stringify({ summary: report.summary, floors: FLOORS, belowFloors: below, wallMs: report.wallMs, results }, null, 2)}\n`);
  } else {
    if (args.includes('--verbose')) {
      const shown = args.includes('--show-holdout') ? report.results : report.results.filter((r) => r.set !== 'holdout');
      const failures = formatFailures(shown);
      if (failures) await print(`${failures}\n\n`);
    }
    await print(`Multi-turn evaluation: conversations passing every step (real system: widget and Zalo channels, flows, brain)\n\n`);
    await print(formatSummary(report.summary));
    const floors = Object.entries(report.summary)
      .map(([s, sum]) => `${s} ${(sum.total.share * 100).toFixed(1)} % (floor ${(FLOORS[s as SetName] ?? 0) * 100} %)`)
      .join(', ');
    await print(`${floors}\nwall time ${(report.wallMs / 1000).toFixed(1)} s\n`);
  }
  return args.includes('--check') && below.length > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
