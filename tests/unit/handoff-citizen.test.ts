import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadHolidayCalendar } from '../../knowledge/calendar/holidays.js';
import { createHandoffCitizen, csatButtons, type HandoffCitizen } from '../../src/core/handoff-citizen.js';
import { createHandoffMoves, type HandoffMoves } from '../../src/core/handoff-moves.js';
import { createHandoffRouting, type HandoffRouting } from '../../src/core/handoff-routing.js';
import type { DeliveryJob } from '../../src/core/queues.js';
import { vi as copy } from '../../src/domain/copy/vi.js';
import type { Conversation, InboundMessage } from '../../src/domain/conversation.js';
import { handoffOf, type HandoffState } from '../../src/domain/handoff.js';
import { AppError } from '../../src/domain/errors.js';
import type { ChannelKind } from '../../src/domain/message.js';
import { parsePayload } from '../../src/domain/payloads.js';
import { operatorHours, parseOperatorHours } from '../../src/domain/operator-hours.js';
import type { Clock } from '../../src/ports/clock.js';
import { RetryLaterError, type JobQueue } from '../../src/ports/queue.js';
import type { Store } from '../../src/ports/store.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { MINUTE, MONDAY_10, POLICY, freeLock, silentLogger } from './handoff-fixture.js';

/**
 * The citizen's side of a handoff (src/core/handoff-citizen.ts) over the in-memory store with the real
 * moves and routing, a clock the test moves, and recorded deliveries and events: echoes (ours, or staff
 * answering from the platform's inbox), messages while a person holds the conversation, the
 * back-to-assistant disclosure and the satisfaction rating. Stretch (HandoffRecord) ids are random
 * UUIDs: a test finds a stretch through the conversation's state or its list of stretches.
 */

/** A stretch id as the code makes them (randomUUID). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const OWN_APP = 'app-1022';

const ALWAYS = operatorHours(parseOperatorHours('24/7'), loadHolidayCalendar().calendar);

let now: Date;
const clock: Clock = { now: () => new Date(now) };
const advance = (ms: number): Date => (now = new Date(now.getTime() + ms));

let store: Store;
let published: Array<{ name: string; event: Record<string, unknown> }>;
let moves: HandoffMoves;
let routing: HandoffRouting;
let citizen: HandoffCitizen;

beforeEach(async () => {
  now = new Date(MONDAY_10);
  store = createMemoryStore({ now: () => new Date(now) });
  await store.init();
  published = [];
  const events = {
    publish: async (name: string, event: unknown) => {
      published.push({ name, event: event as Record<string, unknown> });
    },
  } as Parameters<typeof createHandoffMoves>[0]['events'];
  const deliveries = (channel: ChannelKind): JobQueue<DeliveryJob> => ({ name: `outbound-${channel}`, add: async () => undefined });
  moves = createHandoffMoves({ store, events, clock, deliveries });
  routing = createHandoffRouting({ store, moves, backend: freeLock, hours: ALWAYS, policy: POLICY, clock, logger: silentLogger });
  citizen = createHandoffCitizen({ store, moves, routing, events, clock, policy: POLICY, ownAppIds: [OWN_APP] });
});

afterEach(async () => {
  await store.close();
});

async function open(name: string): Promise<string> {
  const id = `messenger:page-1:${name}`;
  await store.conversations.getOrOpen({ id, contactId: `contact-${name}`, channel: 'messenger', accountId: 'page-1', userId: name, at: now });
  return id;
}

async function load(id: string): Promise<Conversation> {
  return (await store.conversations.get(id))!;
}

async function state(id: string): Promise<HandoffState> {
  return handoffOf(await load(id));
}

async function seen(id: string, name: string): Promise<void> {
  await store.presence.put({ id, name, team: 'hotline', status: 'online', seenAt: new Date(now) });
}

let seq = 0;
function inbound(conversationId: string, fields: Partial<InboundMessage> = {}): InboundMessage {
  seq += 1;
  const externalId = fields.externalId ?? `mid-${seq}`;
  return { id: `messenger:${externalId}`, conversationId, externalId, seq, kind: 'message', status: 'received', receivedAt: new Date(now), ...fields };
}

const echo = (conversationId: string, fields: Partial<InboundMessage> = {}): InboundMessage => inbound(conversationId, { kind: 'echo', text: 'Chào anh, em là cán bộ tổng đài', ...fields });

async function ourReply(conversationId: string, id: string, fields: { status: 'pending' | 'sent'; externalId?: string; createdAt: Date }): Promise<void> {
  await store.outbound.insert({
    id,
    conversationId,
    reply: { text: 'Trả lời của trợ lý' },
    purpose: 'response',
    attempts: fields.status === 'sent' ? 1 : 0,
    status: fields.status,
    createdAt: fields.createdAt,
    ...(fields.externalId ? { externalId: fields.externalId } : {}),
  });
}

describe('echo: ours', () => {
  it('When an echo has the externalId of one of our sent replies, then it is ours and nothing changes', async () => {
    // Arrange
    const c = await open('u1');
    await ourReply(c, `${c}#r1`, { status: 'sent', externalId: 'm_ours', createdAt: new Date(now.getTime() - MINUTE) });

    // Act
    const who = await citizen.echo(await load(c), echo(c, { externalId: 'm_ours' }));

    // Assert
    expect(who).toBe('ours');
    expect(await state(c)).toEqual({ status: 'bot', rev: 0 });
    expect(published).toEqual([]);
    expect(await store.handoffs.listByConversation(c, 10)).toEqual([]);
  });

  it('When an echo carries our own app id, then it is ours even without a recorded send', async () => {
    // Arrange
    const c = await open('u1');

    // Act
    const who = await citizen.echo(await load(c), echo(c, { echoAppId: OWN_APP }));

    // Assert
    expect(who).toBe('ours');
    expect(await state(c)).toEqual({ status: 'bot', rev: 0 });
  });

  it('When the matching send belongs to another conversation, or the app id is another app, then the echo is staff', async () => {
    // Arrange
    const c = await open('u1');
    const other = await open('u2');
    await ourReply(other, `${other}#r1`, { status: 'sent', externalId: 'm_shared', createdAt: new Date(now.getTime() - MINUTE) });
    const d = await open('u3');

    // Act
    const byId = await citizen.echo(await load(c), echo(c, { externalId: 'm_shared' }));
    const byApp = await citizen.echo(await load(d), echo(d, { echoAppId: 'page-inbox-app' }));

    // Assert
    expect(byId).toBe('staff');
    expect(byApp).toBe('staff');
  });

  it('When one of our replies is still pending (created under 30 s ago), then the echo is retried later and nothing changes', async () => {
    // Arrange
    const c = await open('u1');
    await ourReply(c, `${c}#r1`, { status: 'pending', createdAt: new Date(now.getTime() - 29_999) });

    // Act
    const err = await citizen.echo(await load(c), echo(c)).catch((e: unknown) => e);

    // Assert
    expect(err).toBeInstanceOf(RetryLaterError);
    expect((err as RetryLaterError).delayMs).toBe(500);
    expect(await state(c)).toEqual({ status: 'bot', rev: 0 });
    expect(published).toEqual([]);
  });

  it('When the pending reply is 30 s old, or the echo has waited 30 s already, then the echo is judged staff', async () => {
    // Arrange
    const c = await open('u1');
    await ourReply(c, `${c}#r1`, { status: 'pending', createdAt: new Date(now.getTime() - 30_000) });
    const d = await open('u2');
    await ourReply(d, `${d}#r1`, { status: 'pending', createdAt: new Date(now.getTime() - 1000) });
    const waited = echo(d, { receivedAt: new Date(now.getTime() - 30_000) });

    // Act
    const oldPending = await citizen.echo(await load(c), echo(c));
    const oldEcho = await citizen.echo(await load(d), waited);

    // Assert
    expect(oldPending).toBe('staff');
    expect(oldEcho).toBe('staff');
  });
});

describe('echo: staff', () => {
  it('When staff answer a bot conversation from the platform inbox, then it is assigned to external and the bot pauses for externalPauseMs', async () => {
    // Arrange
    const c = await open('u1');

    // Act
    const who = await citizen.echo(await load(c), echo(c));

    // Assert
    expect(who).toBe('staff');
    const s = await state(c);
    expect(s).toEqual({
      status: 'assigned',
      rev: 1,
      handoffId: expect.stringMatching(UUID),
      team: 'hotline',
      reason: 'external',
      assigneeId: 'external',
      assignedAt: MONDAY_10,
      firstReplyAt: MONDAY_10,
      pausedUntil: new Date(MONDAY_10.getTime() + POLICY.externalPauseMs),
    });
    expect(await store.handoffs.listByConversation(c, 10)).toEqual([
      {
        id: s.handoffId,
        conversationId: c,
        channel: 'messenger',
      team: 'hotline',
        reason: 'external',
        requestedAt: MONDAY_10,
        assignedAt: MONDAY_10,
        assigneeId: 'external',
        reoffers: 0,
      },
    ]);
    expect(published.map((p) => [p.name, p.event.event ?? p.event.kind])).toEqual([
      ['handoff.moved', 'external'],
      ['handoff.activity', 'staff'],
    ]);
    expect((await store.activities.listByConversation(c, 10)).map((a) => [a.id, a.event, a.reason])).toEqual([[`${c}:h1`, 'external', 'external']]);
  });

  it('When staff write again, then the pause is renewed from that message without another move', async () => {
    // Arrange
    const c = await open('u1');
    await citizen.echo(await load(c), echo(c));
    advance(20 * MINUTE);

    // Act
    const who = await citizen.echo(await load(c), echo(c));

    // Assert
    expect(who).toBe('staff');
    expect(await state(c)).toMatchObject({ status: 'assigned', rev: 2, assigneeId: 'external', assignedAt: MONDAY_10, pausedUntil: new Date(now.getTime() + POLICY.externalPauseMs) });
    expect(await store.activities.listByConversation(c, 10)).toHaveLength(1);
  });

  it('When the renewed pause runs out, then the sweep hands the conversation back and the bot first says it is the assistant again, once', async () => {
    // Arrange
    const c = await open('u1');
    await citizen.echo(await load(c), echo(c));
    const stretchId = (await state(c)).handoffId!;
    advance(20 * MINUTE);
    await citizen.echo(await load(c), echo(c));
    advance(POLICY.externalPauseMs - 1);
    const early = await routing.sweep();
    const pausedStill = await state(c);
    advance(1);

    // Act
    const due = await routing.sweep();
    const first = await citizen.disclosure(await load(c));
    const second = await citizen.disclosure(await load(c));

    // Assert
    expect(early.resumed).toBe(0);
    expect(pausedStill.status).toBe('assigned');
    expect(due.resumed).toBe(1);
    expect(first).toEqual({ text: copy.bot.handoff.backToAssistant, meta: { tag: 'handoff' } });
    expect(second).toBeUndefined();
    const s = await state(c);
    expect(s.status).toBe('bot');
    expect(s.handedBack).toBeUndefined();
    expect(await store.handoffs.listByConversation(c, 10)).toEqual([expect.objectContaining({ id: stretchId, endedAt: now, outcome: 'external-ended' })]);
  });

  it('When staff answer again after the bot got the conversation back, then that is a new stretch of its own', async () => {
    // Arrange
    const c = await open('u1');
    await citizen.echo(await load(c), echo(c));
    const firstId = (await state(c)).handoffId!;
    advance(POLICY.externalPauseMs);
    await routing.sweep();
    advance(MINUTE);

    // Act
    await citizen.echo(await load(c), echo(c));

    // Assert
    const secondId = (await state(c)).handoffId!;
    expect(secondId).toMatch(UUID);
    expect(secondId).not.toBe(firstId);
    const [second, first] = await store.handoffs.listByConversation(c, 10);
    expect(second).toMatchObject({ id: secondId, reason: 'external', requestedAt: now, assigneeId: 'external' });
    expect(second?.outcome).toBeUndefined();
    expect(first).toMatchObject({ id: firstId, outcome: 'external-ended', endedAt: new Date(MONDAY_10.getTime() + POLICY.externalPauseMs) });
  });

  it('When staff answer after a closed request (nobody online), then their stretch is a new record and the closed one stays closed', async () => {
    // Arrange
    const c = await open('u1');
    const asked = await routing.request({ conversationId: c, reason: 'requested' });
    const [closed] = await store.handoffs.listByConversation(c, 10);
    advance(MINUTE);

    // Act
    await citizen.echo(await load(c), echo(c));

    // Assert
    expect(asked).toEqual({ outcome: 'nobody-online' });
    const s = await state(c);
    expect(s).toMatchObject({ status: 'assigned', assigneeId: 'external', reason: 'external' });
    expect(s.handoffId).toMatch(UUID);
    expect(s.handoffId).not.toBe(closed!.id);
    const stretches = await store.handoffs.listByConversation(c, 10);
    expect(stretches.map((h) => [h.id, h.reason, h.outcome, h.assigneeId])).toEqual([
      [s.handoffId, 'external', undefined, 'external'],
      [closed!.id, 'requested', 'closed', undefined],
    ]);
    expect(stretches[1]).toEqual(closed);
  });

  it('When staff answer a queued conversation, then it becomes external keeping its stretch and reason', async () => {
    // Arrange
    const c = await open('u1');
    await store.conversations.setHandoff(c, 0, { status: 'queued', rev: 1, handoffId: `${c}:s1`, team: 'hotline', reason: 'requested', queuedAt: new Date(now) });
    await store.handoffs.insert({ id: `${c}:s1`, conversationId: c, channel: 'messenger', team: 'hotline', reason: 'requested', requestedAt: new Date(now), queuedAt: new Date(now), reoffers: 0 });
    advance(MINUTE);

    // Act
    const who = await citizen.echo(await load(c), echo(c));

    // Assert
    expect(who).toBe('staff');
    expect(await state(c)).toMatchObject({ status: 'assigned', rev: 2, handoffId: `${c}:s1`, reason: 'requested', assigneeId: 'external', pausedUntil: new Date(now.getTime() + POLICY.externalPauseMs) });
    expect(await store.handoffs.get(`${c}:s1`)).toMatchObject({ assigneeId: 'external', assignedAt: now, queuedAt: MONDAY_10 });
    expect(await store.handoffs.listByConversation(c, 10)).toHaveLength(1);
  });

  it('When an operator holds the conversation in the console, then a staff echo changes nothing', async () => {
    // Arrange
    await seen('op-a', 'An');
    const c = await open('u1');
    await routing.request({ conversationId: c, reason: 'requested' });
    advance(30_000); // the queued and assigned notices are no longer in flight
    const before = await state(c);
    published = [];

    // Act
    const who = await citizen.echo(await load(c), echo(c));

    // Assert
    expect(before).toMatchObject({ status: 'assigned', assigneeId: 'op-a' });
    expect(who).toBe('staff');
    expect(await state(c)).toEqual(before);
    expect(published.map((p) => p.name)).toEqual(['handoff.activity']);
  });

  it('When an operator holds the conversation snoozed, then a staff echo changes nothing either (it stays snoozed)', async () => {
    // Arrange
    await seen('op-a', 'An');
    const c = await open('u1');
    await routing.request({ conversationId: c, reason: 'requested' });
    await moves.move({ conversationId: c, to: 'snoozed', event: 'snooze', patch: () => ({ snoozedUntil: new Date(now.getTime() + 3_600_000) }) });
    advance(30_000); // the notices are no longer in flight
    const before = await state(c);
    const stretchesBefore = await store.handoffs.listByConversation(c, 10);
    published = [];

    // Act
    const who = await citizen.echo(await load(c), echo(c));

    // Assert
    expect(before).toMatchObject({ status: 'snoozed', assigneeId: 'op-a' });
    expect(who).toBe('staff');
    expect(await state(c)).toEqual(before);
    expect(await store.handoffs.listByConversation(c, 10)).toEqual(stretchesBefore);
    expect(published).toEqual([{ name: 'handoff.activity', event: { conversationId: c, kind: 'staff', at: now } }]);
  });
});

describe('held', () => {
  async function queuedConversation(): Promise<string> {
    const c = await open('u1');
    await store.conversations.setHandoff(c, 0, { status: 'queued', rev: 1, handoffId: `${c}:s1`, team: 'hotline', reason: 'requested', queuedAt: new Date(now) });
    await store.handoffs.insert({ id: `${c}:s1`, conversationId: c, channel: 'messenger', team: 'hotline', reason: 'requested', requestedAt: new Date(now), queuedAt: new Date(now), reoffers: 0 });
    return c;
  }

  it('When a queued citizen presses the leave button, then they leave the queue and the stretch is abandoned', async () => {
    // Arrange
    const c = await queuedConversation();

    // Act
    await citizen.held(await load(c), inbound(c, { kind: 'postback', payload: 'hand:leave', text: copy.bot.handoff.leaveButton }));

    // Assert
    expect(await state(c)).toEqual({ status: 'bot', rev: 2 });
    expect(await store.handoffs.get(`${c}:s1`)).toMatchObject({ outcome: 'abandoned', endedAt: now });
    expect((await store.outbound.get(`${c}#h2`))?.reply.text).toBe(copy.bot.handoff.left);
    expect(published.filter((p) => p.name === 'handoff.activity')).toEqual([]);
  });

  it('When a queued citizen writes anything else, then the message is kept for the operator and the console told', async () => {
    // Arrange
    const c = await queuedConversation();
    advance(MINUTE);
    const message = inbound(c, { text: 'Tôi vẫn đang chờ', receivedAt: new Date(now.getTime() - 1000) });

    // Act
    await citizen.held(await load(c), message);

    // Assert
    expect((await state(c)).status).toBe('queued');
    expect(published).toEqual([{ name: 'handoff.activity', event: { conversationId: c, kind: 'citizen', at: message.receivedAt } }]);
  });

  it('When the citizen writes to a snoozed conversation, then it wakes to its operator', async () => {
    // Arrange
    await seen('op-a', 'An');
    const c = await open('u1');
    await routing.request({ conversationId: c, reason: 'requested' });
    await moves.move({ conversationId: c, to: 'snoozed', event: 'snooze', patch: () => ({ snoozedUntil: new Date(now.getTime() + 3_600_000) }) });

    // Act
    await citizen.held(await load(c), inbound(c, { text: 'Anh ơi, em gửi giấy tờ rồi' }));

    // Assert
    const s = await state(c);
    expect(s).toMatchObject({ status: 'assigned', assigneeId: 'op-a' });
    expect(s).not.toHaveProperty('snoozedUntil');
    expect(published.at(-1)).toMatchObject({ name: 'handoff.activity', event: { kind: 'citizen' } });
  });

  it('When the snoozed conversation was woken meanwhile (a stale copy), then the conflict is no failure: the message is still kept and the console told', async () => {
    // Arrange
    await seen('op-a', 'An');
    const c = await open('u1');
    await routing.request({ conversationId: c, reason: 'requested' });
    await moves.move({ conversationId: c, to: 'snoozed', event: 'snooze', patch: () => ({ snoozedUntil: new Date(now.getTime() + 3_600_000) }) });
    const stale = await load(c);
    await routing.wake(stale); // the sweep or the operator first
    const woken = await state(c);
    published = [];
    const message = inbound(c, { text: 'Anh ơi?' });

    // Act
    await citizen.held(stale, message);

    // Assert
    expect(await state(c)).toEqual(woken);
    expect(published).toEqual([{ name: 'handoff.activity', event: { conversationId: c, kind: 'citizen', at: message.receivedAt } }]);
  });

  it('When waking the snoozed conversation fails otherwise, then held rethrows the error and tells the console nothing', async () => {
    // Arrange
    await seen('op-a', 'An');
    const c = await open('u1');
    await routing.request({ conversationId: c, reason: 'requested' });
    await moves.move({ conversationId: c, to: 'snoozed', event: 'snooze', patch: () => ({ snoozedUntil: new Date(now.getTime() + 3_600_000) }) });
    const failure = new AppError('HANDOFF.NOT_FOUND', 'No such conversation');
    const failing = createHandoffCitizen({
      store,
      moves,
      routing: { ...routing, wake: async () => Promise.reject(failure) },
      events: { publish: async (name: string, event: unknown) => void published.push({ name, event: event as Record<string, unknown> }) } as Parameters<typeof createHandoffCitizen>[0]['events'],
      clock,
      policy: POLICY,
    });
    published = [];

    // Act
    const err = await failing.held(await load(c), inbound(c, { text: 'Anh ơi?' })).catch((e: unknown) => e);

    // Assert
    expect(err).toBe(failure);
    expect(published).toEqual([]);
    expect((await state(c)).status).toBe('snoozed');
  });
});

describe('disclosure', () => {
  it('When the conversation was not handed back, then there is nothing to say and nothing changes', async () => {
    // Arrange
    const c = await open('u1');

    // Act
    const reply = await citizen.disclosure(await load(c));

    // Assert
    expect(reply).toBeUndefined();
    expect(await state(c)).toEqual({ status: 'bot', rev: 0 });
  });
});

describe('rate', () => {
  it('When the citizen rates their own stretch 1–5, then it is recorded once; other values, other stretches and a second rating are refused', async () => {
    // Arrange
    const c = await open('u1');
    const other = await open('u2');
    for (const conversationId of [c, other]) {
      await store.handoffs.insert({ id: `${conversationId}:s1`, conversationId, channel: 'messenger', team: 'hotline', reason: 'requested', requestedAt: new Date(now), endedAt: new Date(now), outcome: 'resolved', reoffers: 0 });
    }

    // Act
    const refused = [
      await citizen.rate(c, `${c}:s1`, 0),
      await citizen.rate(c, `${c}:s1`, 6),
      await citizen.rate(c, `${c}:s1`, 2.5),
      await citizen.rate(c, `${other}:s1`, 5),
      await citizen.rate(c, `${c}:s9`, 5),
    ];
    const accepted = await citizen.rate(c, `${c}:s1`, 4);
    const again = await citizen.rate(c, `${c}:s1`, 1);

    // Assert
    expect(refused).toEqual([false, false, false, false, false]);
    expect(accepted).toBe(true);
    expect(again).toBe(false);
    expect((await store.handoffs.get(`${c}:s1`))?.csat).toBe(4);
    expect((await store.handoffs.get(`${other}:s1`))?.csat).toBeUndefined();
  });

  it('When each rating 1 to 5 is given to a fresh stretch, then each is accepted; the buttons carry them with the stretch id', async () => {
    // Arrange
    const c = await open('u1');
    for (let r = 1; r <= 5; r += 1) {
      await store.handoffs.insert({ id: `${c}:s${r}`, conversationId: c, channel: 'messenger', team: 'hotline', reason: 'requested', requestedAt: new Date(now), reoffers: 0 });
    }

    // Act
    const results = [];
    for (let r = 1; r <= 5; r += 1) results.push(await citizen.rate(c, `${c}:s${r}`, r));

    // Assert
    expect(results).toEqual([true, true, true, true, true]);
    expect(csatButtons(copy.bot.handoff, `${c}:s1`)).toEqual([1, 2, 3, 4, 5].map((r) => ({ title: `${r} ★`, payload: `csat:${r}:${c}:s1` })));
  });

  it('When the stretch id is a UUID (as the code makes them), then the rating buttons carry it back whole', async () => {
    // Arrange
    const c = await open('u1');
    const asked = await routing.request({ conversationId: c, reason: 'requested' }); // nobody online: a closed stretch
    const [stretch] = await store.handoffs.listByConversation(c, 10);

    // Act
    const buttons = csatButtons(copy.bot.handoff, stretch!.id);
    const parsed = buttons.map((b) => parsePayload(b.payload));
    const accepted = await citizen.rate(c, (parsed[2] as { handoffId: string }).handoffId, 3);

    // Assert
    expect(asked).toEqual({ outcome: 'nobody-online' });
    expect(stretch!.id).toMatch(UUID);
    expect(parsed).toEqual([1, 2, 3, 4, 5].map((rating) => ({ kind: 'csat', rating, handoffId: stretch!.id })));
    expect(accepted).toBe(true);
    expect((await store.handoffs.get(stretch!.id))?.csat).toBe(3);
  });
});
