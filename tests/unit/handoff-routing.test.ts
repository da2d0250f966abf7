import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadHolidayCalendar } from '../../knowledge/calendar/holidays.js';
import { createHandoffMoves, type HandoffMoves } from '../../src/core/handoff-moves.js';
import { createHandoffRouting, offerButtons, type HandoffPolicy, type HandoffRouting, type OperatorHoursView } from '../../src/core/handoff-routing.js';
import type { DeliveryJob } from '../../src/core/queues.js';
import { vi as copy } from '../../src/domain/copy/vi.js';
import type { Conversation } from '../../src/domain/conversation.js';
import { AppError } from '../../src/domain/errors.js';
import { handoffOf, type HandoffRecord, type HandoffState } from '../../src/domain/handoff.js';
import type { ChannelKind } from '../../src/domain/message.js';
import { DEFAULT_OPERATOR_HOURS, operatorHours, parseOperatorHours } from '../../src/domain/operator-hours.js';
import type { Clock } from '../../src/ports/clock.js';
import type { JobOptions, JobQueue, QueueBackend } from '../../src/ports/queue.js';
import type { Logger } from '../../src/ports/logger.js';
import type { Store } from '../../src/ports/store.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { MINUTE, MONDAY_10, POLICY, freeLock, silentLogger } from './handoff-fixture.js';

/**
 * The hotline's moves and queue (src/core/handoff-moves.ts, src/core/handoff-routing.ts) over the
 * in-memory store, a clock the test moves, a lock that is always free (stubs where the test is about the
 * lock), and recorded deliveries and events. Operators' presence is written straight to the store unless
 * the test is about setPresence. Stretch (HandoffRecord) ids are random UUIDs: a test finds a stretch
 * through the conversation's state or the conversation's list of stretches.
 */

/** Saturday 14 March 2026, 10:00 in Hà Nội: office hours are closed until Monday 07:30. */
const SATURDAY_10 = new Date('2026-03-14T10:00:00+07:00');


const { calendar } = loadHolidayCalendar();
const ALWAYS = operatorHours(parseOperatorHours('24/7'), calendar);
const OFFICE = operatorHours(parseOperatorHours(DEFAULT_OPERATOR_HOURS), calendar);

let now: Date;
const clock: Clock = { now: () => new Date(now) };
const advance = (ms: number): Date => (now = new Date(now.getTime() + ms));

let store: Store;
let jobs: Array<{ channel: ChannelKind; name: string; data: DeliveryJob; options?: JobOptions }>;
let published: Array<{ name: string; event: Record<string, unknown> }>;
let moves: HandoffMoves;
let routing: HandoffRouting;

function build(options: { policy?: Partial<HandoffPolicy>; hours?: OperatorHoursView } = {}): void {
  const deliveries = (channel: ChannelKind): JobQueue<DeliveryJob> => ({
    name: `outbound-${channel}`,
    add: async (name, data, opts) => {
      jobs.push({ channel, name, data, ...(opts ? { options: opts } : {}) });
    },
  });
  const events = {
    publish: async (name: string, event: unknown) => {
      published.push({ name, event: event as Record<string, unknown> });
    },
  } as HandoffMovesDepsEvents;
  moves = createHandoffMoves({ store, events, clock, deliveries });
  routing = createHandoffRouting({
    store,
    moves,
    backend: freeLock,
    hours: options.hours ?? ALWAYS,
    policy: { ...POLICY, ...options.policy },
    clock,
    logger: silentLogger,
  });
}
type HandoffMovesDepsEvents = Parameters<typeof createHandoffMoves>[0]['events'];

async function open(name: string, channel: ChannelKind = 'zalo'): Promise<string> {
  const id = `${channel}:oa-1:${name}`;
  await store.conversations.getOrOpen({ id, contactId: `contact-${name}`, channel, accountId: 'oa-1', userId: name, at: now });
  return id;
}

/** An operator's heartbeat, written to the store (no routing). */
async function seen(id: string, name: string, extra: { status?: 'online' | 'away' | 'offline'; lastAssignedAt?: Date } = {}): Promise<void> {
  const before = await store.presence.get(id);
  await store.presence.put({
    id,
    name,
    team: 'hotline',
    status: extra.status ?? 'online',
    seenAt: new Date(now),
    ...(extra.lastAssignedAt ?? before?.lastAssignedAt ? { lastAssignedAt: extra.lastAssignedAt ?? before!.lastAssignedAt! } : {}),
  });
}

async function state(id: string): Promise<HandoffState> {
  return handoffOf((await store.conversations.get(id))!);
}

async function record(id: string): Promise<HandoffRecord | undefined> {
  return store.handoffs.get(id);
}

/** A stretch id as the code makes them (randomUUID). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The conversation's stretches, newest first. */
async function stretches(id: string): Promise<HandoffRecord[]> {
  return store.handoffs.listByConversation(id, 10);
}

/** The conversation's one and only stretch. */
async function onlyStretch(id: string): Promise<HandoffRecord> {
  const all = await stretches(id);
  expect(all).toHaveLength(1);
  expect(all[0]!.id).toMatch(UUID);
  return all[0]!;
}

async function activities(id: string) {
  return store.activities.listByConversation(id, 100);
}

/** Writes a handoff state directly (as if earlier moves happened), over the stored revision. */
async function force(id: string, next: Omit<HandoffState, 'rev'>): Promise<void> {
  const current = await state(id);
  expect(await store.conversations.setHandoff(id, current.rev, { ...next, rev: current.rev + 1 } as HandoffState)).toBe(true);
}

async function request(id: string, reason: 'requested' | 'fallbacks' | 'sensitive' = 'requested') {
  return routing.request({ conversationId: id, reason, question: 'Làm lại giấy khai sinh bị mất thế nào?' });
}

/** An operator's first reply (the console's reply use case patches it so). */
async function firstReply(id: string): Promise<void> {
  await moves.patch(id, (s) => (s.firstReplyAt ? undefined : { firstReplyAt: new Date(now) }));
}

function codeOf(err: unknown): string | undefined {
  return (err as { code?: string }).code;
}

beforeEach(async () => {
  now = new Date(MONDAY_10);
  store = createMemoryStore({ now: () => new Date(now) });
  await store.init();
  jobs = [];
  published = [];
  build();
});

afterEach(async () => {
  await store.close();
});

describe('request: nobody reachable', () => {
  it('When the citizen asks out of office hours, then nothing moves, the hours and next opening are told, and a closed stretch is recorded', async () => {
    // Arrange
    build({ hours: OFFICE });
    now = new Date(SATURDAY_10);
    await seen('op-a', 'An');
    const c = await open('u1');

    // Act
    const outcome = await request(c, 'requested');

    // Assert
    expect(outcome).toEqual({ outcome: 'out-of-hours', hours: OFFICE.describe(), opensAt: '07:30 16/03/2026' });
    expect(await state(c)).toEqual({ status: 'bot', rev: 0 });
    const closed = await onlyStretch(c);
    expect(closed).toEqual({
      id: closed.id,
      conversationId: c,
      channel: 'zalo',
      team: 'hotline',
      reason: 'requested',
      question: 'Làm lại giấy khai sinh bị mất thế nào?',
      requestedAt: SATURDAY_10,
      endedAt: SATURDAY_10,
      outcome: 'closed',
      reoffers: 0,
    });
    expect(await activities(c)).toEqual([]);
    expect(jobs).toEqual([]);
    expect(published).toEqual([]);
  });

  it('When the bot itself asks for a person out of hours (fallbacks, sensitive), then no closed stretch is recorded', async () => {
    // Arrange
    build({ hours: OFFICE });
    now = new Date(SATURDAY_10);
    const c = await open('u1');

    // Act
    const fallbacks = await request(c, 'fallbacks');
    const sensitive = await request(c, 'sensitive');

    // Assert
    expect(fallbacks.outcome).toBe('out-of-hours');
    expect(sensitive.outcome).toBe('out-of-hours');
    expect(await store.handoffs.listByConversation(c, 10)).toEqual([]);
  });

  it('When no operator is online (none, away, offline, or silent for over 90 s), then the outcome is nobody-online and nothing moves', async () => {
    // Arrange
    await seen('op-away', 'Away', { status: 'away' });
    await seen('op-off', 'Off', { status: 'offline' });
    await seen('op-stale', 'Stale');
    advance(90_001);
    const c = await open('u1');
    const d = await open('u2');

    // Act
    const requested = await request(c, 'requested');
    const sensitive = await request(d, 'sensitive');

    // Assert
    expect(requested).toEqual({ outcome: 'nobody-online' });
    expect(sensitive).toEqual({ outcome: 'nobody-online' });
    expect(await state(c)).toEqual({ status: 'bot', rev: 0 });
    expect(await state(d)).toEqual({ status: 'bot', rev: 0 });
    expect(await onlyStretch(c)).toMatchObject({ outcome: 'closed', endedAt: now, requestedAt: now, reason: 'requested' });
    expect(await stretches(d)).toEqual([]);
    expect(jobs).toEqual([]);
  });

  it('When the operator was seen exactly 90 s ago, then they still count as online and the request reaches them', async () => {
    // Arrange
    await seen('op-a', 'An');
    advance(90_000);
    const c = await open('u1');

    // Act
    const outcome = await request(c);

    // Assert
    expect(outcome).toEqual({ outcome: 'assigned' });
    expect(await state(c)).toMatchObject({ status: 'assigned', assigneeId: 'op-a' });
  });

  it('When the conversation is already queued or held, then the request says already and changes nothing', async () => {
    // Arrange
    build({ policy: { capacity: 1 } });
    await seen('op-a', 'An');
    const held = await open('u0');
    await request(held);
    const c = await open('u1');
    await request(c);
    const heldBefore = await state(held);
    const queuedBefore = await state(c);
    const jobsBefore = jobs.length;

    // Act
    const againHeld = await request(held);
    const againQueued = await request(c);

    // Assert
    expect(heldBefore.status).toBe('assigned');
    expect(queuedBefore.status).toBe('queued');
    expect(againHeld).toEqual({ outcome: 'already' });
    expect(againQueued).toEqual({ outcome: 'already' });
    expect(await state(held)).toEqual(heldBefore);
    expect(await state(c)).toEqual(queuedBefore);
    expect(await stretches(held)).toHaveLength(1);
    expect(await stretches(c)).toHaveLength(1);
    expect(jobs).toHaveLength(jobsBefore);
  });
});

describe('request: routed or queued', () => {
  it('When an operator is free, then the request is routed at once under a new stretch: "operator X took over" is said, and no queue notice', async () => {
    // Arrange
    await seen('op-a', 'An');
    const c = await open('u1');

    // Act
    const outcome = await request(c, 'fallbacks');

    // Assert
    expect(outcome).toEqual({ outcome: 'assigned' });
    const s = await state(c);
    expect(s).toEqual({
      status: 'assigned',
      rev: 2,
      handoffId: expect.stringMatching(UUID),
      team: 'hotline',
      reason: 'fallbacks',
      queuedAt: MONDAY_10,
      assigneeId: 'op-a',
      assigneeName: 'An',
      assignedAt: MONDAY_10,
    });
    expect(await stretches(c)).toEqual([
      {
        id: s.handoffId,
        conversationId: c,
        channel: 'zalo',
        team: 'hotline',
        reason: 'fallbacks',
        question: 'Làm lại giấy khai sinh bị mất thế nào?',
        requestedAt: MONDAY_10,
        queuedAt: MONDAY_10,
        assignedAt: MONDAY_10,
        assigneeId: 'op-a',
        reoffers: 0,
      },
    ]);
    const sent = await store.outbound.listByConversation(c, 10);
    expect(sent.map((o) => [o.id, o.reply, o.status, o.purpose])).toEqual([[`${c}#h2`, { text: copy.bot.handoff.assigned('An'), meta: { tag: 'handoff' } }, 'pending', 'response']]);
    expect(jobs.map((j) => [j.channel, j.name, j.data, j.options?.jobId])).toEqual([['zalo', 'deliver', { conversationId: c }, `deliver:${c}:${c}#h2`]]);
    expect((await store.presence.get('op-a'))?.lastAssignedAt).toEqual(MONDAY_10);
  });

  it('When the conversation stays queued, then the queue notice (place, wait, leave button) is sent and its place returned', async () => {
    // Arrange
    build({ policy: { capacity: 1 } });
    await seen('op-a', 'An');
    await request(await open('u0'));
    const c = await open('u1');
    jobs = [];

    // Act
    const outcome = await request(c);

    // Assert
    expect(outcome).toEqual({ outcome: 'queued', position: 1, waitMinutes: 6 });
    expect(await state(c)).toMatchObject({ status: 'queued', rev: 1, handoffId: (await onlyStretch(c)).id, queuedAt: MONDAY_10 });
    const sent = await store.outbound.listByConversation(c, 10);
    expect(sent.map((o) => [o.id, o.reply, o.status, o.purpose])).toEqual([
      [
        `${c}#h1`,
        { text: copy.bot.handoff.queued({ position: 1, waitMinutes: 6 }), buttons: [{ title: copy.bot.handoff.leaveButton, payload: 'hand:leave' }], meta: { tag: 'handoff' } },
        'pending',
        'response',
      ],
    ]);
    expect(jobs.map((j) => [j.channel, j.name, j.data, j.options?.jobId])).toEqual([['zalo', 'deliver', { conversationId: c }, `deliver:${c}:${c}#h1`]]);
  });

  it('When the routing pass of a request gives a conversation ahead to an operator, then the place told is the one after routing', async () => {
    // Arrange
    build({ policy: { capacity: 1 } });
    await seen('op-a', 'An');
    await request(await open('u0')); // op-a is full
    const ahead = await open('u1');
    const aheadOutcome = await request(ahead);
    await seen('op-b', 'Bình'); // a heartbeat written straight: no routing pass yet
    const c = await open('u2');

    // Act
    const outcome = await request(c);

    // Assert: op-b took the one ahead, so c is next; 2 operators × capacity 1 per 6 minutes.
    expect(aheadOutcome).toEqual({ outcome: 'queued', position: 1, waitMinutes: 6 });
    expect(await state(ahead)).toMatchObject({ status: 'assigned', assigneeId: 'op-b' });
    expect((await store.outbound.get(`${ahead}#h2`))?.reply.text).toBe(copy.bot.handoff.assigned('Bình'));
    expect(outcome).toEqual({ outcome: 'queued', position: 1, waitMinutes: 3 });
    expect((await store.outbound.get(`${c}#h1`))?.reply.text).toBe(copy.bot.handoff.queued({ position: 1, waitMinutes: 3 }));
  });

  it('When the request carries a preface (an emergency), then it is said first, before the queue notice or "operator X took over"; not when nobody is reachable', async () => {
    // Arrange
    build({ policy: { capacity: 1 } });
    await seen('op-a', 'An');
    const routed = await open('u1');
    const queued = await open('u2');
    const unreachable = await open('u3');
    const preface = 'Nếu nguy hiểm đến tính mạng, hãy gọi ngay 113 hoặc 115.';

    // Act
    const first = await routing.request({ conversationId: routed, reason: 'sensitive', preface });
    const second = await routing.request({ conversationId: queued, reason: 'sensitive', preface });
    advance(90_001);
    const third = await routing.request({ conversationId: unreachable, reason: 'sensitive', preface });

    // Assert
    expect(first).toEqual({ outcome: 'assigned' });
    expect(second).toEqual({ outcome: 'queued', position: 1, waitMinutes: 6 });
    expect(third).toEqual({ outcome: 'nobody-online' });
    expect(jobs.map((j) => j.options?.jobId)).toEqual([
      `deliver:${routed}:${routed}#h1-preface`,
      `deliver:${routed}:${routed}#h2`,
      `deliver:${queued}:${queued}#h1-preface`,
      `deliver:${queued}:${queued}#h1`,
    ]);
    expect((await store.outbound.get(`${routed}#h1-preface`))?.reply).toEqual({ text: preface, meta: { tag: 'handoff' } });
    expect((await store.outbound.get(`${routed}#h2`))?.reply.text).toBe(copy.bot.handoff.assigned('An'));
    expect((await store.outbound.get(`${queued}#h1`))?.reply.text).toBe(copy.bot.handoff.queued({ position: 1, waitMinutes: 6 }));
    expect(await store.outbound.listByConversation(unreachable, 10)).toEqual([]);
  });

  it('When the only operator is full, then each new request is told its place and a wait from the default 6-minute handle time', async () => {
    // Arrange
    build({ policy: { capacity: 1 } });
    await seen('op-a', 'An');
    const held = await open('u0');
    await request(held);
    const c1 = await open('u1');
    const c2 = await open('u2');

    // Act
    const first = await request(c1);
    advance(1000);
    const second = await request(c2);

    // Assert
    expect(first).toEqual({ outcome: 'queued', position: 1, waitMinutes: 6 });
    expect(second).toEqual({ outcome: 'queued', position: 2, waitMinutes: 12 });
    expect((await state(c1)).status).toBe('queued');
    expect((await store.outbound.get(`${c2}#h1`))?.reply.text).toBe(copy.bot.handoff.queued({ position: 2, waitMinutes: 12 }));
    expect((await store.outbound.get(`${c2}#h1`))?.reply.text).toContain('vị trí thứ 2');
  });

  it('When five or more stretches were resolved this week, then the wait uses their average handle time', async () => {
    // Arrange
    build({ policy: { capacity: 1 } });
    for (let i = 0; i < 5; i += 1) {
      const requestedAt = new Date(MONDAY_10.getTime() - (i + 1) * 3_600_000);
      await store.handoffs.insert({
        id: `old-${i}`,
        conversationId: `zalo:oa-1:old-${i}`,
        channel: 'zalo',
        team: 'hotline',
        reason: 'requested',
        requestedAt,
        assignedAt: requestedAt,
        endedAt: new Date(requestedAt.getTime() + 2 * MINUTE),
        outcome: 'resolved',
        reoffers: 0,
      });
    }
    await seen('op-a', 'An');
    await request(await open('u0'));
    const c = await open('u1');

    // Act
    const outcome = await request(c);

    // Assert: 1 operator × capacity 1 per 2 minutes.
    expect(outcome).toEqual({ outcome: 'queued', position: 1, waitMinutes: 2 });
  });
});

describe('placeInQueue', () => {
  it('When operators have free places, then conversations within them wait 1 minute; one not in the queue is placed after the last', async () => {
    // Arrange: one operator online with capacity 3 holding nothing; no routing pass has run.
    await seen('op-a', 'An');
    const c1 = await open('u1');
    await force(c1, { status: 'queued', handoffId: 'stretch-1', team: 'hotline', reason: 'requested', queuedAt: new Date(now) });
    advance(1000);
    const c2 = await open('u2');
    await force(c2, { status: 'queued', handoffId: 'stretch-2', team: 'hotline', reason: 'requested', queuedAt: new Date(now) });
    const outside = await open('u3');

    // Act
    const places = [await routing.placeInQueue(c1, now), await routing.placeInQueue(c2, now), await routing.placeInQueue(outside, now)];

    // Assert
    expect(places).toEqual([
      { position: 1, waitMinutes: 1 },
      { position: 2, waitMinutes: 1 },
      { position: 3, waitMinutes: 1 },
    ]);
  });
});

describe('route', () => {
  it('When two operators are online, then the one with fewer conversations gets the next, and on a tie the one longest without a new one', async () => {
    // Arrange
    await seen('op-a', 'An');
    const c1 = await open('u1');
    await request(c1); // op-a: 1, the only one online
    advance(MINUTE);
    await seen('op-a', 'An');
    await seen('op-b', 'Bình');
    const c2 = await open('u2');
    const c3 = await open('u3');
    const c4 = await open('u4');

    const heartbeat = async () => {
      await seen('op-a', 'An');
      await seen('op-b', 'Bình');
    };

    // Act
    await request(c2); // a 1, b 0 → b
    advance(MINUTE);
    await heartbeat();
    await request(c3); // a 1, b 1; a last got one 2 min ago, b 1 min ago → a
    advance(MINUTE);
    await heartbeat();
    await request(c4); // a 2, b 1 → b

    // Assert
    expect((await state(c1)).assigneeId).toBe('op-a');
    expect((await state(c2)).assigneeId).toBe('op-b');
    expect((await state(c3)).assigneeId).toBe('op-a');
    expect((await state(c4)).assigneeId).toBe('op-b');
    expect((await store.presence.get('op-a'))?.lastAssignedAt).toEqual(new Date(MONDAY_10.getTime() + 2 * MINUTE));
    expect((await store.presence.get('op-b'))?.lastAssignedAt).toEqual(new Date(MONDAY_10.getTime() + 3 * MINUTE));
  });

  it('When several conversations wait, then one pass gives them out oldest first, the longest without one first, keeping loads even', async () => {
    // Arrange
    const waiting: string[] = [];
    for (const name of ['u1', 'u2', 'u3', 'u4']) {
      const c = await open(name);
      await force(c, { status: 'queued', handoffId: `stretch-${c}`, team: 'hotline', reason: 'requested', queuedAt: new Date(now) });
      waiting.push(c);
      advance(1000);
    }
    await seen('op-a', 'An', { lastAssignedAt: new Date(MONDAY_10.getTime() - MINUTE) });
    await seen('op-b', 'Bình', { lastAssignedAt: new Date(MONDAY_10.getTime() - 2 * MINUTE) });

    // Act
    const assigned = await routing.route();

    // Assert
    expect(assigned).toBe(4);
    const assignees = await Promise.all(waiting.map(async (c) => (await state(c)).assigneeId));
    // The oldest goes to op-b (longest without one), the next to op-a (fewer); after that both hold one
    // and both were last given one at this same instant, so the order within one pass is not asserted.
    expect(assignees.slice(0, 2)).toEqual(['op-b', 'op-a']);
    expect(assignees.filter((a) => a === 'op-a')).toHaveLength(2);
    expect(assignees.filter((a) => a === 'op-b')).toHaveLength(2);
  });

  it('When operators are at capacity (snoozed conversations count), then the rest wait until one is handed back', async () => {
    // Arrange
    build({ policy: { capacity: 1 } });
    await seen('op-a', 'An');
    const c1 = await open('u1');
    const c2 = await open('u2');
    await request(c1);
    await moves.move({ conversationId: c1, to: 'snoozed', event: 'snooze', patch: () => ({ snoozedUntil: new Date(now.getTime() + 3_600_000) }) });

    // Act
    const queued = await request(c2);
    const whileFull = await routing.route();
    await moves.move({ conversationId: c1, to: 'bot', event: 'resolve', actor: { id: 'op-a', name: 'An' } });
    const afterResolve = await routing.route();

    // Assert
    expect(queued).toMatchObject({ outcome: 'queued', position: 1 });
    expect(whileFull).toBe(0);
    expect(afterResolve).toBe(1);
    expect(await state(c2)).toMatchObject({ status: 'assigned', assigneeId: 'op-a' });
  });

  it('When a conversation was offered to an operator and another is free, then it goes to the other even with more load', async () => {
    // Arrange
    await seen('op-a', 'An');
    await seen('op-b', 'Bình');
    const held = await open('u0');
    await force(held, { status: 'assigned', handoffId: `stretch-${held}`, team: 'hotline', reason: 'requested', assigneeId: 'op-b', assignedAt: new Date(now), firstReplyAt: new Date(now) });
    const c = await open('u1');
    await force(c, { status: 'queued', handoffId: `stretch-${c}`, team: 'hotline', reason: 'requested', queuedAt: new Date(now), offeredTo: ['op-a'] });

    // Act
    await routing.route();

    // Assert
    expect(await state(c)).toMatchObject({ status: 'assigned', assigneeId: 'op-b', offeredTo: ['op-a'] });
  });

  it('When a conversation was offered to the only free operator, then it is offered to them again', async () => {
    // Arrange
    build({ policy: { capacity: 1 } });
    await seen('op-a', 'An');
    await seen('op-b', 'Bình');
    const held = await open('u0');
    await force(held, { status: 'assigned', handoffId: `stretch-${held}`, team: 'hotline', reason: 'requested', assigneeId: 'op-b', assignedAt: new Date(now), firstReplyAt: new Date(now) });
    const c = await open('u1');
    await force(c, { status: 'queued', handoffId: `stretch-${c}`, team: 'hotline', reason: 'requested', queuedAt: new Date(now), offeredTo: ['op-a'] });

    // Act
    await routing.route();

    // Assert
    expect(await state(c)).toMatchObject({ status: 'assigned', assigneeId: 'op-a' });
  });

});

describe('queue lock', () => {
  /** A lock held elsewhere for the first `refusals` attempts, then granted; what the queue looked like at each attempt. */
  function busyLock(refusals: number, look: () => Promise<string>) {
    const log: string[] = [];
    const backend: Pick<QueueBackend, 'lock'> = {
      lock: async (key, ttlMs) => {
        const granted = log.filter((l) => l.startsWith('refused')).length >= refusals;
        log.push(`${granted ? 'granted' : 'refused'} ${key} ${ttlMs} (${await look()})`);
        if (!granted) return undefined;
        return { extend: async () => true, release: async () => void log.push(`released (${await look()})`) };
      },
    };
    return { backend, log };
  }

  function routingWith(backend: Pick<QueueBackend, 'lock'>, logger: Logger = silentLogger): HandoffRouting {
    return createHandoffRouting({ store, moves, backend, hours: ALWAYS, policy: POLICY, clock, logger });
  }

  it('When the queue lock is held elsewhere for a while, then the pass waits for it, runs once it is granted, and releases it', async () => {
    // Arrange
    await seen('op-a', 'An');
    const c = await open('u1');
    await force(c, { status: 'queued', handoffId: 'stretch-1', team: 'hotline', reason: 'requested', queuedAt: new Date(now) });
    const { backend, log } = busyLock(3, async () => (await state(c)).status);
    const warn = vi.fn();
    const locked = routingWith(backend, { ...silentLogger, warn });
    const started = Date.now();

    // Act
    const assigned = await locked.route();

    // Assert
    expect(assigned).toBe(1);
    expect(log).toEqual([
      'refused handoff:route:hotline 10000 (queued)',
      'refused handoff:route:hotline 10000 (queued)',
      'refused handoff:route:hotline 10000 (queued)',
      'granted handoff:route:hotline 10000 (queued)',
      'released (assigned)',
    ]);
    expect(warn).not.toHaveBeenCalled();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('When a citizen asks while the lock is held elsewhere, then nothing moves until it is granted; queueing, routing and the notice happen under it', async () => {
    // Arrange
    await seen('op-a', 'An');
    const c = await open('u1');
    const look = async () => `${(await state(c)).status}, ${(await store.outbound.listByConversation(c, 10)).length} notices`;
    const { backend, log } = busyLock(2, look);
    const locked = routingWith(backend);

    // Act
    const outcome = await locked.request({ conversationId: c, reason: 'requested' });

    // Assert
    expect(outcome).toEqual({ outcome: 'assigned' });
    expect(log).toEqual([
      'refused handoff:route:hotline 10000 (bot, 0 notices)',
      'refused handoff:route:hotline 10000 (bot, 0 notices)',
      'granted handoff:route:hotline 10000 (bot, 0 notices)',
      'released (assigned, 1 notices)',
    ]);
  });

  it('When nobody is reachable, then the request does not take the lock', async () => {
    // Arrange
    const c = await open('u1');
    const { backend, log } = busyLock(0, async () => (await state(c)).status);

    // Act
    const outcome = await routingWith(backend).request({ conversationId: c, reason: 'requested' });

    // Assert
    expect(outcome).toEqual({ outcome: 'nobody-online' });
    expect(log).toEqual([]);
  });

  it('When the lock is not granted within 5 s, then the pass goes on without it and says so in the log', async () => {
    // Arrange: timers and Date.now are faked, so the 5 s wait takes no real time.
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date', 'performance'] }); // the wait is measured on the monotonic clock
    try {
      await seen('op-a', 'An');
      const c = await open('u1');
      await force(c, { status: 'queued', handoffId: 'stretch-1', team: 'hotline', reason: 'requested', queuedAt: new Date(now) });
      let attempts = 0;
      const warn = vi.fn();
      const locked = routingWith({ lock: async () => void (attempts += 1) }, { ...silentLogger, warn });

      // Act
      const pass = locked.route();
      await vi.advanceTimersByTimeAsync(4_900);
      const whileWaiting = { status: (await state(c)).status, warned: warn.mock.calls.length };
      await vi.advanceTimersByTimeAsync(200);
      const assigned = await pass;

      // Assert: one attempt at once, then one every 20 ms for 5 s.
      expect(whileWaiting).toEqual({ status: 'queued', warned: 0 });
      expect(assigned).toBe(1);
      expect(await state(c)).toMatchObject({ status: 'assigned', assigneeId: 'op-a' });
      expect(attempts).toBe(1 + 5_000 / 20);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith({ team: 'hotline' }, expect.stringContaining('going on without it'));
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('sweep', () => {
  it('When the operator has not replied within firstReplyMs, then the conversation is re-offered (skipping them) and counted on its stretch', async () => {
    // Arrange
    await seen('op-a', 'An');
    const c = await open('u1');
    await request(c);
    advance(POLICY.firstReplyMs - 1);
    await seen('op-a', 'An');
    await seen('op-b', 'Bình');

    // Act
    const early = await routing.sweep();
    advance(1);
    const due = await routing.sweep();

    // Assert
    expect(early).toEqual({ unclaimed: 0, reoffered: 0, resumed: 0, woken: 0, assigned: 0 });
    expect(due).toEqual({ unclaimed: 0, reoffered: 1, resumed: 0, woken: 0, assigned: 1 });
    const stretch = await onlyStretch(c);
    expect(await state(c)).toEqual({
      status: 'assigned',
      rev: 4,
      handoffId: stretch.id,
      team: 'hotline',
      reason: 'requested',
      queuedAt: MONDAY_10,
      offeredTo: ['op-a'],
      assigneeId: 'op-b',
      assigneeName: 'Bình',
      assignedAt: now,
    });
    expect(stretch).toMatchObject({ queuedAt: MONDAY_10, assignedAt: MONDAY_10, assigneeId: 'op-b', reoffers: 1 });
    expect((await activities(c)).map((a) => [a.id, a.event, a.from, a.to])).toEqual([
      [`${c}:h1`, 'request', 'bot', 'queued'],
      [`${c}:h2`, 'route', 'queued', 'assigned'],
      [`${c}:h3`, 'reoffer', 'assigned', 'queued'],
      [`${c}:h4`, 'route', 'queued', 'assigned'],
    ]);
  });

  it('When the operator replied in time, then the conversation stays with them', async () => {
    // Arrange
    await seen('op-a', 'An');
    const c = await open('u1');
    await request(c);
    advance(MINUTE);
    await firstReply(c);
    advance(POLICY.firstReplyMs);
    await seen('op-a', 'An');

    // Act
    const done = await routing.sweep();

    // Assert
    expect(done.reoffered).toBe(0);
    expect(await state(c)).toMatchObject({ status: 'assigned', assigneeId: 'op-a', firstReplyAt: new Date(MONDAY_10.getTime() + MINUTE) });
  });

  it('When the operator has not been seen for over 90 s, then what they hold goes back to the queue', async () => {
    // Arrange
    await seen('op-a', 'An');
    const c = await open('u1');
    await request(c);
    await firstReply(c);

    // Act
    advance(90_000);
    const atLimit = await routing.sweep();
    advance(1);
    const past = await routing.sweep();

    // Assert
    expect(atLimit.reoffered).toBe(0);
    expect(past).toMatchObject({ reoffered: 1, assigned: 0 });
    const s = await state(c);
    expect(s).toMatchObject({ status: 'queued', offeredTo: ['op-a'], queuedAt: MONDAY_10 });
    expect(s.assigneeId).toBeUndefined();
    expect(s.assignedAt).toBeUndefined();
    expect(s.firstReplyAt).toBeUndefined();
  });

  it('When an operator goes offline, then what they hold is re-offered at once and routed to an online operator', async () => {
    // Arrange
    await seen('op-a', 'An');
    const c = await open('u1');
    await request(c);
    await firstReply(c);
    await seen('op-b', 'Bình');

    // Act
    await routing.setPresence({ id: 'op-a', name: 'An' }, 'offline');

    // Assert
    expect(await state(c)).toMatchObject({ status: 'assigned', assigneeId: 'op-b', offeredTo: ['op-a'] });
    expect(await store.presence.get('op-a')).toMatchObject({ status: 'offline', seenAt: now, lastAssignedAt: MONDAY_10 });
    expect(await onlyStretch(c)).toMatchObject({ reoffers: 1, assigneeId: 'op-b', assignedAt: MONDAY_10 });
  });

  it('When an operator comes online, then waiting conversations are routed to them', async () => {
    // Arrange
    const c = await open('u1');
    await force(c, { status: 'queued', handoffId: `stretch-${c}`, team: 'hotline', reason: 'requested', queuedAt: new Date(now) });

    // Act
    const presence = await routing.setPresence({ id: 'op-a', name: 'An' }, 'online');

    // Assert
    expect(presence).toEqual({ id: 'op-a', name: 'An', team: 'hotline', status: 'online', seenAt: now });
    expect(await state(c)).toMatchObject({ status: 'assigned', assigneeId: 'op-a' });
  });

  it('When nobody claims a queued conversation within claimMs, then it goes back to the bot with the offer; a re-offered one never does', async () => {
    // Arrange
    build({ policy: { capacity: 1 } });
    await seen('op-a', 'An');
    const held = await open('u0');
    await request(held);
    await firstReply(held);
    const c = await open('u1');
    await request(c);
    const reoffered = await open('u2');
    await force(reoffered, { status: 'queued', handoffId: `stretch-${reoffered}`, team: 'hotline', reason: 'requested', queuedAt: new Date(now), offeredTo: ['op-x'] });
    jobs = [];

    // Act
    advance(POLICY.claimMs - 1);
    await seen('op-a', 'An');
    const early = await routing.sweep();
    advance(1);
    await seen('op-a', 'An');
    const due = await routing.sweep();

    // Assert
    expect(early.unclaimed).toBe(0);
    expect(due).toEqual({ unclaimed: 1, reoffered: 0, resumed: 0, woken: 0, assigned: 0 });
    expect(await state(c)).toEqual({ status: 'bot', rev: 2 });
    expect((await state(reoffered)).status).toBe('queued');
    const stretch = await onlyStretch(c);
    expect(stretch).toMatchObject({ queuedAt: MONDAY_10, endedAt: now, outcome: 'unclaimed', reoffers: 0 });
    expect(stretch.assignedAt).toBeUndefined();
    expect((await store.outbound.get(`${c}#h2`))?.reply).toEqual({ text: copy.bot.handoff.unclaimed(5), buttons: offerButtons(undefined), meta: { tag: 'operator-requested' } });
    expect(offerButtons(undefined)).toEqual([
      { title: copy.bot.handoff.offerButtons.agency, payload: 'req:agency' },
      { title: copy.bot.handoff.offerButtons.callback, payload: 'req:callback' },
    ]);
    expect(jobs.map((j) => j.options?.jobId)).toEqual([`deliver:${c}:${c}#h2`]);
  });

  it('When a snoozed conversation reaches snoozedUntil, then it wakes to its operator', async () => {
    // Arrange
    await seen('op-a', 'An');
    const c = await open('u1');
    await request(c);
    await firstReply(c);
    const until = new Date(now.getTime() + 10 * MINUTE);
    await moves.move({ conversationId: c, to: 'snoozed', event: 'snooze', patch: () => ({ snoozedUntil: until }), actor: { id: 'op-a', name: 'An' } });

    // Act
    advance(10 * MINUTE - 1);
    await seen('op-a', 'An');
    const early = await routing.sweep();
    const stillSnoozed = (await state(c)).status;
    advance(1);
    await seen('op-a', 'An');
    const due = await routing.sweep();

    // Assert
    expect(early.woken).toBe(0);
    expect(stillSnoozed).toBe('snoozed');
    expect(due).toMatchObject({ woken: 1, reoffered: 0 });
    const s = await state(c);
    expect(s).toMatchObject({ status: 'assigned', assigneeId: 'op-a' });
    expect(s).not.toHaveProperty('snoozedUntil');
    expect((await activities(c)).at(-1)).toMatchObject({ event: 'wake', from: 'snoozed', to: 'assigned' });
  });

  it('When an external pause runs out, then the conversation returns to the bot flagged handedBack and its stretch ends external-ended', async () => {
    // Arrange
    const c = await open('u1');
    await store.handoffs.insert({ id: `stretch-${c}`, conversationId: c, channel: 'zalo', team: 'hotline', reason: 'external', requestedAt: new Date(now), reoffers: 0 });
    const pausedUntil = new Date(now.getTime() + POLICY.externalPauseMs);
    await force(c, { status: 'assigned', handoffId: `stretch-${c}`, team: 'hotline', reason: 'external', assigneeId: 'external', assignedAt: new Date(now), firstReplyAt: new Date(now), pausedUntil });

    // Act
    advance(POLICY.externalPauseMs - 1);
    const early = await routing.sweep();
    advance(1);
    const due = await routing.sweep();

    // Assert
    expect(early.resumed).toBe(0);
    expect(due).toMatchObject({ resumed: 1, reoffered: 0 });
    expect(await state(c)).toEqual({ status: 'bot', rev: 2, handedBack: true });
    expect(await record(`stretch-${c}`)).toMatchObject({ endedAt: now, outcome: 'external-ended' });
  });

  it('When someone else moves a conversation between the sweep reading it and moving it, then the sweep leaves it and counts nothing', async () => {
    // Arrange: each kind of sweep move is due, on the state the sweep reads...
    await seen('op-a', 'An');
    await seen('op-b', 'Bình');
    const t0 = new Date(now);
    const unclaimedDue = await open('u1');
    await force(unclaimedDue, { status: 'queued', handoffId: 'stretch-1', team: 'hotline', reason: 'requested', queuedAt: t0 });
    const wakeDue = await open('u2');
    await force(wakeDue, { status: 'snoozed', handoffId: 'stretch-2', team: 'hotline', reason: 'requested', assigneeId: 'op-a', assigneeName: 'An', assignedAt: t0, firstReplyAt: t0, snoozedUntil: new Date(t0.getTime() + MINUTE) });
    const pauseDue = await open('u3');
    await force(pauseDue, { status: 'assigned', handoffId: 'stretch-3', team: 'hotline', reason: 'external', assigneeId: 'external', assignedAt: t0, firstReplyAt: t0, pausedUntil: new Date(t0.getTime() + MINUTE) });
    const reofferDue = await open('u4');
    await force(reofferDue, { status: 'assigned', handoffId: 'stretch-4', team: 'hotline', reason: 'requested', assigneeId: 'op-a', assigneeName: 'An', assignedAt: t0 });
    advance(POLICY.claimMs);
    await seen('op-a', 'An');
    await seen('op-b', 'Bình');
    const renewedPause = new Date(now.getTime() + POLICY.externalPauseMs);
    // ...but right after the sweep lists them, an operator claims, the citizen writes, staff write again, the operator replies.
    const meanwhile: Record<string, () => Promise<unknown>> = {
      queued: () =>
        moves.move({ conversationId: unclaimedDue, to: 'assigned', event: 'claim', actor: { id: 'op-b', name: 'Bình' }, patch: () => ({ assigneeId: 'op-b', assigneeName: 'Bình', assignedAt: new Date(now) }) }),
      'assigned,snoozed': async () => {
        await moves.move({ conversationId: wakeDue, to: 'assigned', event: 'wake' });
        await moves.patch(pauseDue, () => ({ pausedUntil: renewedPause }));
        await firstReply(reofferDue);
      },
    };
    const racing = new Proxy(store.conversations, {
      get(target, prop, receiver) {
        if (prop !== 'listByHandoff') {
          const value = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (statuses: Parameters<Store['conversations']['listByHandoff']>[0], limit: number) => {
          const listed = await target.listByHandoff(statuses, limit);
          const act = meanwhile[statuses.join(',')];
          delete meanwhile[statuses.join(',')];
          await act?.();
          return listed;
        };
      },
    });
    const sweeping = createHandoffRouting({ store: { ...store, conversations: racing }, moves, backend: freeLock, hours: ALWAYS, policy: POLICY, clock, logger: silentLogger });

    // Act
    const done = await sweeping.sweep();

    // Assert
    expect(meanwhile).toEqual({});
    expect(done).toEqual({ unclaimed: 0, reoffered: 0, resumed: 0, woken: 0, assigned: 0 });
    expect(await state(unclaimedDue)).toMatchObject({ status: 'assigned', assigneeId: 'op-b' });
    expect(await state(wakeDue)).toMatchObject({ status: 'assigned', assigneeId: 'op-a' });
    expect(await state(pauseDue)).toMatchObject({ status: 'assigned', assigneeId: 'external', pausedUntil: renewedPause });
    expect(await state(reofferDue)).toMatchObject({ status: 'assigned', assigneeId: 'op-a', firstReplyAt: now });
  });
});

describe('wake', () => {
  it('When a snoozed conversation is woken, then it is its operator\'s again; woken from a stale copy, HANDOFF.CONFLICT', async () => {
    // Arrange
    await seen('op-a', 'An');
    const c = await open('u1');
    await request(c);
    await moves.move({ conversationId: c, to: 'snoozed', event: 'snooze', patch: () => ({ snoozedUntil: new Date(now.getTime() + 3_600_000) }) });
    const snoozed = (await store.conversations.get(c))!;

    // Act
    const woken = await routing.wake(snoozed);
    const again = await routing.wake(snoozed).catch((e: unknown) => e);

    // Assert
    expect(woken).toBeUndefined();
    expect(await state(c)).toMatchObject({ status: 'assigned', assigneeId: 'op-a', rev: 4 });
    expect(codeOf(again)).toBe('HANDOFF.CONFLICT');
    expect((await activities(c)).filter((a) => a.event === 'wake')).toHaveLength(1);
  });

});

describe('leave', () => {
  it('When the citizen leaves the queue, then the conversation is the bot again, told so, and the stretch is abandoned', async () => {
    // Arrange
    await seen('op-a', 'An', { status: 'away' });
    await seen('op-b', 'Bình');
    build({ policy: { capacity: 1 } });
    const held = await open('u0');
    await request(held);
    const c = await open('u1');
    await request(c);
    advance(MINUTE);

    // Act
    const left = await routing.leave(c);
    const again = await routing.leave(c);
    const notQueued = await routing.leave(held);

    // Assert
    expect([left, again, notQueued]).toEqual([true, false, false]);
    expect(await state(c)).toEqual({ status: 'bot', rev: 2 });
    expect(await onlyStretch(c)).toMatchObject({ endedAt: now, outcome: 'abandoned', queuedAt: MONDAY_10 });
    expect((await store.outbound.get(`${c}#h2`))?.reply).toEqual({ text: copy.bot.handoff.left, meta: { tag: 'handoff' } });
  });
});

describe('moves', () => {
  it('When two operators claim one queued conversation at once, then exactly one wins and the other gets HANDOFF.CONFLICT', async () => {
    // Arrange
    const c = await open('u1');
    await force(c, { status: 'queued', handoffId: `stretch-${c}`, team: 'hotline', reason: 'requested', queuedAt: new Date(now) });
    await store.handoffs.insert({ id: `stretch-${c}`, conversationId: c, channel: 'zalo', team: 'hotline', reason: 'requested', requestedAt: new Date(now), queuedAt: new Date(now), reoffers: 0 });
    const claim = (id: string, name: string) =>
      moves.move({ conversationId: c, to: 'assigned', event: 'claim', expectedRev: 1, actor: { id, name }, patch: () => ({ assigneeId: id, assigneeName: name, assignedAt: new Date(now) }) });

    // Act
    const results = await Promise.allSettled([claim('op-a', 'An'), claim('op-b', 'Bình')]);

    // Assert
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(AppError);
    expect(codeOf(lost[0]!.reason)).toBe('HANDOFF.CONFLICT');
    const winner = (won[0] as PromiseFulfilledResult<{ to: HandoffState }>).value.to.assigneeId;
    expect(await state(c)).toMatchObject({ status: 'assigned', rev: 2, assigneeId: winner });
    expect(await activities(c)).toHaveLength(1);
    expect(published.filter((p) => p.name === 'handoff.moved')).toHaveLength(1);
    expect((await record(`stretch-${c}`))?.assigneeId).toBe(winner);
  });

  it('When an operator moves from a stale revision, then HANDOFF.CONFLICT and nothing is written', async () => {
    // Arrange
    const c = await open('u1');
    await force(c, { status: 'queued', team: 'hotline', reason: 'requested', queuedAt: new Date(now) });

    // Act
    const err = await moves.move({ conversationId: c, to: 'assigned', event: 'claim', expectedRev: 0, patch: () => ({ assigneeId: 'op-a' }) }).catch((e: unknown) => e);

    // Assert
    expect(codeOf(err)).toBe('HANDOFF.CONFLICT');
    expect(await state(c)).toMatchObject({ status: 'queued', rev: 1 });
    expect(await activities(c)).toEqual([]);
  });

  it('When a move is illegal or the conversation does not exist, then HANDOFF.ILLEGAL_TRANSITION or HANDOFF.NOT_FOUND', async () => {
    // Arrange
    const c = await open('u1');

    // Act
    const illegal = await moves.move({ conversationId: c, to: 'bot', event: 'resolve' }).catch((e: unknown) => e);
    const missing = await moves.move({ conversationId: 'zalo:oa-1:nobody', to: 'queued', event: 'request' }).catch((e: unknown) => e);

    // Assert
    expect(codeOf(illegal)).toBe('HANDOFF.ILLEGAL_TRANSITION');
    expect(codeOf(missing)).toBe('HANDOFF.NOT_FOUND');
    expect(await state(c)).toEqual({ status: 'bot', rev: 0 });
  });

  it('When moves happen, then each is recorded once as an activity with id conversation:h<rev> and published once', async () => {
    // Arrange
    await seen('op-a', 'An');
    const c = await open('u1');

    // Act
    await request(c, 'sensitive');
    await moves.move({ conversationId: c, to: 'bot', event: 'resolve', actor: { id: 'op-a', name: 'An' }, text: 'Đã hướng dẫn làm lại giấy khai sinh' });

    // Assert
    expect(await activities(c)).toEqual([
      { id: `${c}:h1`, conversationId: c, at: now, kind: 'transition', from: 'bot', to: 'queued', event: 'request', reason: 'sensitive' },
      { id: `${c}:h2`, conversationId: c, at: now, kind: 'transition', from: 'queued', to: 'assigned', event: 'route', reason: 'sensitive' },
      {
        id: `${c}:h3`,
        conversationId: c,
        at: now,
        kind: 'transition',
        from: 'assigned',
        to: 'bot',
        event: 'resolve',
        actor: { id: 'op-a', name: 'An' },
        text: 'Đã hướng dẫn làm lại giấy khai sinh',
      },
    ]);
    const moved = published.filter((p) => p.name === 'handoff.moved').map((p) => p.event);
    expect(moved.map((e) => [e.conversationId, e.event, (e.from as HandoffState).rev, (e.to as HandoffState).rev, e.at])).toEqual([
      [c, 'request', 0, 1, now],
      [c, 'route', 1, 2, now],
      [c, 'resolve', 2, 3, now],
    ]);
  });

  it('When the same notice key is sent twice, then one outbound record and one delivery job exist', async () => {
    // Arrange
    const c = await open('u1', 'messenger');
    const conversation = (await store.conversations.get(c)) as Conversation;

    // Act
    await moves.notify(conversation, 'h7', { text: 'một' });
    await moves.notify(conversation, 'h7', { text: 'hai' });

    // Assert
    expect((await store.outbound.listByConversation(c, 10)).map((o) => [o.id, o.reply.text])).toEqual([[`${c}#h7`, 'một']]);
    expect(jobs.map((j) => [j.channel, j.options?.jobId])).toEqual([['messenger', `deliver:${c}:${c}#h7`]]);
  });

  it('When a stretch goes through assignment, re-offer, transfer and hand-back, then its record keeps the first assignment and counts re-offers', async () => {
    // Arrange
    await seen('op-a', 'An');
    const c = await open('u1');
    await request(c);
    const t0 = new Date(now);

    // Act
    advance(MINUTE);
    await moves.move({ conversationId: c, to: 'queued', event: 'reoffer', patch: (s) => ({ offeredTo: [s.assigneeId!], assigneeId: undefined, assigneeName: undefined, assignedAt: undefined }) });
    advance(MINUTE);
    await moves.move({ conversationId: c, to: 'assigned', event: 'claim', actor: { id: 'op-b', name: 'Bình' }, patch: () => ({ assigneeId: 'op-b', assigneeName: 'Bình', assignedAt: new Date(now) }) });
    advance(MINUTE);
    await moves.move({ conversationId: c, to: 'assigned', event: 'transfer', patch: () => ({ assigneeId: 'op-c', assigneeName: 'Châu', assignedAt: new Date(now) }) });
    advance(MINUTE);
    await moves.move({ conversationId: c, to: 'bot', event: 'resolve', actor: { id: 'op-c', name: 'Châu' }, text: 'Xong' });

    // Assert
    const stretch = await onlyStretch(c);
    expect(stretch).toEqual({
      id: stretch.id,
      conversationId: c,
      channel: 'zalo',
      team: 'hotline',
      reason: 'requested',
      question: 'Làm lại giấy khai sinh bị mất thế nào?',
      requestedAt: t0,
      queuedAt: t0,
      assignedAt: t0,
      assigneeId: 'op-c',
      reoffers: 2,
      endedAt: now,
      outcome: 'resolved',
      summary: 'Xong',
    });
    expect(await state(c)).toEqual({ status: 'bot', rev: 6 });
  });
});

/**
 * Stretch ids are random UUIDs (they were `<conversationId>:s<rev>`, and a closed request, which records
 * its stretch without moving, left the next request the same id: its stretch was dropped and the queue
 * pointed at the closed record). Each request now has a record of its own.
 */
describe('request after a closed request', () => {
  it('When a citizen asked twice out of hours and asks again in hours, then each request is a record of its own: the queued one is new and the closed ones stay closed', async () => {
    // Arrange
    build({ hours: OFFICE, policy: { capacity: 1 } });
    const c = await open('u1');
    now = new Date(SATURDAY_10);
    await request(c);
    advance(MINUTE);
    await request(c);
    now = new Date('2026-03-16T08:00:00+07:00');
    await seen('op-a', 'An');
    await request(await open('u0')); // op-a is full: the next request stays queued

    // Act
    const outcome = await request(c);

    // Assert
    expect(outcome).toMatchObject({ outcome: 'queued', position: 1 });
    const [live, ...closed] = await stretches(c);
    expect(closed).toHaveLength(2);
    expect(new Set([live!.id, ...closed.map((s) => s.id)]).size).toBe(3);
    expect([live!.id, ...closed.map((s) => s.id)].every((id) => UUID.test(id))).toBe(true);
    expect((await state(c)).handoffId).toBe(live!.id);
    expect(live).toMatchObject({ requestedAt: now, queuedAt: now, reason: 'requested' });
    expect(live?.outcome).toBeUndefined();
    expect(live?.endedAt).toBeUndefined();
    expect(closed.map((s) => [s.outcome, s.requestedAt, s.endedAt])).toEqual([
      ['closed', new Date(SATURDAY_10.getTime() + MINUTE), new Date(SATURDAY_10.getTime() + MINUTE)],
      ['closed', SATURDAY_10, SATURDAY_10],
    ]);
  });

  it('When the new stretch then ends, then only it gets the outcome; the closed one keeps its own', async () => {
    // Arrange
    build({ hours: OFFICE, policy: { capacity: 1 } });
    const c = await open('u1');
    now = new Date(SATURDAY_10);
    await request(c);
    const [closedBefore] = await stretches(c);
    now = new Date('2026-03-16T08:00:00+07:00');
    await seen('op-a', 'An');
    await request(await open('u0'));
    await request(c);
    advance(MINUTE);

    // Act
    await routing.leave(c);

    // Assert
    const [abandoned, closed] = await stretches(c);
    expect(abandoned).toMatchObject({ outcome: 'abandoned', endedAt: now, queuedAt: new Date('2026-03-16T08:00:00+07:00') });
    expect(closed).toEqual(closedBefore);
    expect(closed).toMatchObject({ outcome: 'closed', endedAt: SATURDAY_10 });
  });
});
