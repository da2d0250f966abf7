import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, ConsoleSession } from '../../src/domain/account.js';
import type { ContactIdentity, Conversation, InboundMessage, OutboundRecord } from '../../src/domain/conversation.js';
import { conversationKey, type ChannelKind } from '../../src/domain/message.js';
import { createTicket, transition, type NewTicket, type Ticket, type TicketStatus } from '../../src/domain/ticket.js';
import { generate as generateTrackingCode } from '../../src/domain/tracking-code.js';
import { buildPublication, type PublishedAnswer } from '../../src/domain/publication.js';
import type { Store } from '../../src/ports/store.js';

/**
 * The store contract (BullMQ's adapter-conformance idea): every Store implementation runs this one
 * suite. Each test owns its data (random ids), so the suite shares one store and tests do not depend
 * on order or on each other.
 */

export interface StoreHarness {
  store: Store;
  /** Closes the store (the current one after `reopen`) and removes everything it wrote. */
  cleanup(): Promise<void>;
  /** Closes the store and opens a new one on the same data; provided where durability means something. */
  reopen?(): Promise<Store>;
}

/** A file store on a fresh temporary data directory (reopened on the same data), removed by cleanup. */
export async function dataDirHarness(open: (dataDir: string) => Store, prefix: string): Promise<StoreHarness & { dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  let current = open(dataDir);
  return {
    dataDir,
    get store() {
      return current;
    },
    async reopen() {
      await current.close();
      current = open(dataDir);
      return current;
    },
    async cleanup() {
      await current.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const uid = (prefix: string): string => `${prefix}-${randomUUID()}`;

const newIdentity = (channel: ChannelKind = 'zalo'): ContactIdentity => ({ channel, accountId: uid('oa'), userId: uid('user') });

/** Opens a fresh conversation the way the inbound use case does: contact first, then its conversation. */
async function openConversation(store: Store, at = new Date()): Promise<Conversation> {
  const identity = newIdentity();
  const contact = await store.contacts.upsertByIdentity(identity, at);
  return store.conversations.getOrOpen({ id: conversationKey(identity.channel, identity.accountId, identity.userId), contactId: contact.id, ...identity, at });
}

function inbound(conversationId: string, extra: Partial<InboundMessage> = {}): Omit<InboundMessage, 'seq' | 'status'> {
  const externalId = uid('msg');
  return { id: `zalo:${externalId}`, conversationId, externalId, kind: 'message', text: 'thủ tục khai sinh cần gì', receivedAt: new Date(), ...extra };
}

function outbound(conversationId: string, extra: Partial<OutboundRecord> = {}): OutboundRecord {
  return {
    id: uid('out'),
    conversationId,
    reply: { text: 'Hồ sơ gồm: tờ khai, giấy chứng sinh.', buttons: [{ title: 'Lệ phí', payload: 'FEE' }], link: { title: 'Cổng DVC', url: 'https://dichvucong.gov.vn' } },
    purpose: 'response',
    status: 'pending',
    attempts: 0,
    createdAt: new Date(),
    ...extra,
  };
}

/** 1990-01-01T00:00:0{n}Z: older than anything other tests write, so oldest-first listings start with these. */
const ancient = (n: number): Date => new Date(Date.UTC(1990, 0, 1, 0, 0, n));

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
/** Monday 9/3/2026 10:00 in Hà Nội. */
const T0 = new Date('2026-03-09T10:00:00+07:00');
const later = (ms: number, from: Date = T0): Date => new Date(from.getTime() + ms);

/** A new `received` ticket made by the domain, with its own id, code, agency and conversation unless given. */
function newTicket(overrides: Partial<NewTicket> = {}): Ticket {
  return createTicket({
    id: uid('tk'),
    code: generateTrackingCode(),
    kind: 'question',
    agencyId: uid('agency'),
    conversationId: uid('zalo:oa:user'),
    question: 'Xin hỏi thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ cần những gì?',
    consent: { forward: true, publish: false },
    dueAt: later(5 * DAY),
    at: T0,
    ...overrides,
  });
}

/**
 * A ticket with every optional part filled in and a date at every depth: feedback with a place and a
 * call-back phone, assigned, overdue, answered late, delivery failed once then sent.
 */
function fullTicket(): Ticket {
  const created = newTicket({ kind: 'feedback', place: 'Ngõ 12 Phan Đình Phùng, phường Ba Đình', procedureId: '1.001193', contact: { name: 'Nguyễn Văn A', phone: '0912 345 678', callback: true }, actor: { kind: 'coordinator', id: 'desk-1' } });
  const assigned = transition(created, 'assign', { kind: 'coordinator', id: 'desk-1' }, later(HOUR), { agencyId: uid('so-xay-dung'), note: 'Theo bảng định tuyến' });
  const overdue = transition(assigned, 'markOverdue', { kind: 'system' }, later(6 * DAY));
  const answered = transition(overdue, 'answer', { kind: 'staff', id: 'staff-1' }, later(6 * DAY + HOUR), { text: 'Đã cử cán bộ kiểm tra hiện trường.' });
  const failed = transition(answered, 'failDelivery', { kind: 'system' }, later(6 * DAY + 2 * HOUR), { error: 'CHANNEL.SEND_REJECTED' });
  return transition(failed, 'deliver', { kind: 'system' }, later(6 * DAY + 3 * HOUR), { outboundId: uid('out') });
}

/** Every Date inside a ticket, by path, so a test can check each came back as a Date. */
function ticketDates(ticket: Ticket): Record<string, unknown> {
  return {
    dueAt: ticket.dueAt,
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt,
    overdueAt: ticket.overdueAt,
    'answer.at': ticket.answer?.at,
    'delivery.at': ticket.delivery?.at,
    ...Object.fromEntries(ticket.timeline.map((e, i) => [`timeline[${i}].at`, e.at])),
  };
}

function account(extra: Partial<Account> = {}): Account {
  return {
    id: uid('acc'),
    username: uid('user').toLowerCase(),
    displayName: 'Trần Thị B',
    role: 'staff',
    agencyId: uid('agency'),
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    disabled: false,
    createdAt: new Date('2026-02-02T02:02:02.222Z'),
    ...extra,
  };
}

function consoleSession(accountId: string, extra: Partial<ConsoleSession> = {}): ConsoleSession {
  return { id: uid('sess'), accountId, csrfToken: uid('csrf'), createdAt: T0, expiresAt: later(8 * HOUR), ...extra };
}

/**
 * The guarantee of these tests comes from MongoDB's single-document atomicity: FerretDB 1.x reads,
 * computes and writes an update in separate steps, so two compare-and-set writers can both win there.
 * They run on every engine that reports atomic updates (MongoDB, nedb, memory) and are skipped on
 * FerretDB only, detected from buildInfo (store.info()); the reason is in their name.
 */
const NEEDS_ATOMIC = ' [needs atomic single-document updates: skipped on FerretDB 1.x]';

export function storeContract(name: string, make: () => Promise<StoreHarness>): void {
  describe(`store contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: Store;
    let atomicUpdates = true;

    beforeAll(async () => {
      harness = await make();
      store = harness.store;
      await store.init();
      atomicUpdates = (await store.info()).atomicUpdates;
    });

    /** A test whose guarantee needs atomic updates (see NEEDS_ATOMIC). */
    const atomicIt = (title: string, body: () => Promise<void>): void => {
      it(title + NEEDS_ATOMIC, async (ctx) => {
        if (!atomicUpdates) ctx.skip();
        await body();
      });
    };

    it('When the store is pinged, then it answers and names its engine', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      expect(['nedb', 'sqlite', 'memory', 'mongodb', 'ferretdb']).toContain((await store.info()).engine);
    });
    afterAll(async () => {
      await harness?.cleanup();
    });

    it('When init runs again, then it succeeds (idempotent)', async () => {
      await expect(store.init()).resolves.toBeUndefined();
    });

    describe('contacts', () => {
      it('When the same identity arrives twice, then both calls return the same contact', async () => {
        const identity = newIdentity();
        const at = new Date('2026-03-01T08:00:00Z');
        const first = await store.contacts.upsertByIdentity(identity, at);
        const second = await store.contacts.upsertByIdentity({ ...identity }, new Date('2026-03-02T08:00:00Z'));
        expect(second).toEqual(first);
        expect(first.identities).toEqual([identity]);
        expect(first.createdAt).toBeInstanceOf(Date);
        expect(first.createdAt).toEqual(at);
        expect(await store.contacts.get(first.id)).toEqual(first);
      });

      it('When the same user id arrives on another channel or account, then it is another contact', async () => {
        const identity = newIdentity('zalo');
        const zalo = await store.contacts.upsertByIdentity(identity, new Date());
        const messenger = await store.contacts.upsertByIdentity({ ...identity, channel: 'messenger' }, new Date());
        const otherOa = await store.contacts.upsertByIdentity({ ...identity, accountId: uid('oa') }, new Date());
        expect(new Set([zalo.id, messenger.id, otherOa.id]).size).toBe(3);
      });

      it('When ten first messages of one citizen are handled at once, then exactly one contact is created', async () => {
        const identity = newIdentity('messenger');
        const contacts = await Promise.all(Array.from({ length: 10 }, () => store.contacts.upsertByIdentity(identity, new Date())));
        expect(new Set(contacts.map((c) => c.id)).size).toBe(1);
      });

      it('When an unknown contact id is read, then it is undefined', async () => {
        expect(await store.contacts.get(uid('nobody'))).toBeUndefined();
      });
    });

    describe('conversations', () => {
      it('When a conversation is opened, then it is in bot mode with every timestamp at the given time', async () => {
        const at = new Date('2026-04-05T01:02:03.456Z');
        const conversation = await openConversation(store, at);
        expect(conversation).toMatchObject({ handoff: { status: 'bot', rev: 0 }, lastInboundAt: at, createdAt: at, updatedAt: at });
        expect(await store.conversations.get(conversation.id)).toEqual(conversation);
      });

      it('When getOrOpen finds an existing conversation, then it returns it unchanged', async () => {
        const conversation = await openConversation(store, new Date('2026-01-01T00:00:00Z'));
        await store.conversations.update(conversation.id, { locale: 'en' });
        const { id, contactId, channel, accountId, userId } = conversation;
        const again = await store.conversations.getOrOpen({ id, contactId, channel, accountId, userId, at: new Date('2026-02-01T00:00:00Z') });
        expect(again.locale).toBe('en');
        expect(again.createdAt).toEqual(conversation.createdAt);
      });

      it('When several workers open the same new conversation at once, then they all get one conversation', async () => {
        const identity = newIdentity();
        const contact = await store.contacts.upsertByIdentity(identity, new Date());
        const id = conversationKey(identity.channel, identity.accountId, identity.userId);
        const opened = await Promise.all(Array.from({ length: 8 }, (_, i) => store.conversations.getOrOpen({ id, contactId: contact.id, ...identity, at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) })));
        expect(new Set(opened.map((c) => c.createdAt.getTime())).size).toBe(1);
      });

      it('When the locale is set, then get returns it and the conversation keeps its mode; a new conversation has none', async () => {
        const conversation = await openConversation(store, new Date('2026-01-01T00:00:00Z'));
        expect(conversation.locale).toBeUndefined();
        await store.conversations.update(conversation.id, { locale: 'km' });
        expect(await store.conversations.get(conversation.id)).toMatchObject({ locale: 'km', handoff: { status: 'bot' } });
        await store.conversations.update(conversation.id, { locale: 'vi' });
        expect((await store.conversations.get(conversation.id))?.locale).toBe('vi');
      });

      it('When lastInboundAt is updated, then get returns it and a later updatedAt', async () => {
        const conversation = await openConversation(store, new Date('2026-01-01T00:00:00Z'));
        const lastInboundAt = new Date('2026-06-01T10:00:00Z');
        await store.conversations.update(conversation.id, { lastInboundAt });
        const stored = await store.conversations.get(conversation.id);
        expect(stored).toMatchObject({ lastInboundAt, createdAt: conversation.createdAt });
        expect(stored?.lastInboundAt).toBeInstanceOf(Date);
        expect(stored!.updatedAt.getTime()).toBeGreaterThan(conversation.updatedAt.getTime());
      });

      it('When an unknown conversation is read or updated, then it is undefined and nothing is created', async () => {
        const id = uid('none');
        await store.conversations.update(id, { locale: 'en' });
        expect(await store.conversations.setHandoff(id, 0, { status: 'queued', rev: 1 })).toBe(false);
        expect(await store.conversations.get(id)).toBeUndefined();
      });

      it('When two moves are computed from the same handoff revision, then only the first is written', async () => {
        const conversation = await openConversation(store);
        const queuedAt = new Date('2026-03-02T01:00:00Z');
        expect(await store.conversations.setHandoff(conversation.id, 0, { status: 'queued', rev: 1, team: 'hotline', queuedAt, offeredTo: ['a'] })).toBe(true);
        expect(await store.conversations.setHandoff(conversation.id, 0, { status: 'assigned', rev: 1 })).toBe(false);
        expect(await store.conversations.setHandoff(conversation.id, 1, { status: 'assigned', rev: 2, assigneeId: 'op-1', queuedAt })).toBe(true);
        expect(await store.conversations.setHandoff(conversation.id, 1, { status: 'bot', rev: 2 })).toBe(false);
        expect((await store.conversations.get(conversation.id))?.handoff).toEqual({ status: 'assigned', rev: 2, assigneeId: 'op-1', queuedAt });
      });

      it('When conversations wait in the queue, then listByHandoff returns them oldest in the queue first', async () => {
        const team = uid('team');
        const ids: string[] = [];
        for (const minute of [30, 10, 20]) {
          const c = await openConversation(store);
          await store.conversations.setHandoff(c.id, 0, { status: 'queued', rev: 1, team, queuedAt: new Date(Date.UTC(2031, 0, 1, 0, minute)) });
          ids.push(c.id);
        }
        const listed = (await store.conversations.listByHandoff(['queued'], 1000)).filter((c) => c.handoff?.team === team).map((c) => c.id);
        expect(listed).toEqual([ids[1], ids[2], ids[0]]);
      });
    });

    describe('news items, subscriptions, deliveries and feeds', () => {
      const item = (id: string, topics: string[], day: number) => ({
        id,
        topics,
        title: `Tin ${id}`,
        urgency: 'normal' as const,
        publishedAt: new Date(Date.UTC(2031, 5, day)),
        receivedAt: new Date(Date.UTC(2031, 5, day)),
        source: { kind: 'feed' as const, url: 'https://portal.example/rss', guid: id },
        announce: true,
      });

      it('When an item is recorded twice, then it is created once; latest lists the newest first, by topic', async () => {
        const topic = uid('topic');
        const [a, b, c] = [uid('n'), uid('n'), uid('n')];
        expect(await store.newsItems.insert(item(a, [topic], 1))).toEqual({ created: true });
        expect(await store.newsItems.insert(item(a, [topic], 1))).toEqual({ created: false });
        await store.newsItems.insert(item(b, ['other', topic], 3));
        await store.newsItems.insert(item(c, ['other'], 2));
        expect((await store.newsItems.latest({ topics: [topic], limit: 10 })).map((i) => i.id)).toEqual([b, a]);
        expect(await store.newsItems.get(a)).toEqual(item(a, [topic], 1));
      });

      it('When subscriptions are put, then an item finds its subscribers by topic; a removed one is gone', async () => {
        const topic = uid('topic');
        const at = new Date('2031-06-01T00:00:00Z');
        const one = { id: uid('conv'), channel: 'zalo' as const, topics: [topic, 'y-te'], consentAt: at, updatedAt: at };
        const two = { id: uid('conv'), channel: 'webchat' as const, topics: ['y-te'], consentAt: at, updatedAt: at };
        await store.newsSubscriptions.put(one);
        await store.newsSubscriptions.put(two);
        expect((await store.newsSubscriptions.listByTopic(topic)).map((s) => s.id)).toEqual([one.id]);
        await store.newsSubscriptions.put({ ...two, topics: [topic] });
        expect((await store.newsSubscriptions.listByTopic(topic)).map((s) => s.id).sort()).toEqual([one.id, two.id].sort());
        expect(await store.newsSubscriptions.remove(one.id)).toBe(true);
        expect(await store.newsSubscriptions.get(one.id)).toBeUndefined();
      });

      it('When a delivery is claimed twice, then only the first wins; sent ones count toward the day, held ones are listed', async () => {
        const conversationId = uid('conv');
        const at = (h: number) => new Date(Date.UTC(2031, 6, 1, h));
        const delivery = (n: number, status: 'sent' | 'quiet') => ({ id: `${uid('n')}|${conversationId}`, itemId: `i${n}`, conversationId, channel: 'zalo' as const, status, at: at(n) });
        const first = delivery(1, 'sent');
        expect(await store.newsDeliveries.insert(first)).toEqual({ created: true });
        expect(await store.newsDeliveries.insert(first)).toEqual({ created: false });
        expect(await store.newsDeliveries.get(first.id)).toEqual(first);
        await store.newsDeliveries.insert(delivery(2, 'sent'));
        const held = delivery(3, 'quiet');
        await store.newsDeliveries.insert(held);
        expect(await store.newsDeliveries.countSent(conversationId, at(2))).toBe(1);
        expect((await store.newsDeliveries.listByStatus('quiet', 1000)).map((d) => d.id)).toContain(held.id);
        expect((await store.newsDeliveries.listByStatus('quiet', 1000, ['zalo', 'webchat'])).map((d) => d.id)).toContain(held.id);
        expect((await store.newsDeliveries.listByStatus('quiet', 1000, ['webpush'])).map((d) => d.id)).not.toContain(held.id);
        const capped = { ...delivery(4, 'quiet'), status: 'waiting' as const, reason: 'cap' as const };
        await store.newsDeliveries.insert(capped);
        expect((await store.newsDeliveries.listCapped(at(5), 1000)).map((d) => d.id)).toContain(capped.id);
        expect((await store.newsDeliveries.listCapped(at(5), 1000, ['webpush'])).map((d) => d.id)).not.toContain(capped.id);
        expect((await store.newsDeliveries.listCapped(at(4), 1000)).map((d) => d.id)).not.toContain(capped.id);
        await store.newsDeliveries.update(held.id, { status: 'sent', at: at(7) });
        expect(await store.newsDeliveries.countSent(conversationId, at(0))).toBe(3);
      });

      it('When an item is scheduled, then it is listed only as scheduled until published once; a scheduled item can be removed, a published one not', async () => {
        const topic = uid('topic');
        const [due, later, out] = [uid('n'), uid('n'), uid('n')];
        await store.newsItems.insert({ ...item(due, [topic], 4), status: 'scheduled' as const });
        await store.newsItems.insert({ ...item(later, [topic], 9), status: 'scheduled' as const, versions: { km: { title: 'ព័ត៌មាន' } } });
        await store.newsItems.insert(item(out, [topic], 2));
        expect((await store.newsItems.latest({ topics: [topic], limit: 10 })).map((i) => i.id)).toEqual([out]);
        const dueIds = (await store.newsItems.listByStatus('scheduled', { dueBy: new Date(Date.UTC(2031, 5, 5)), limit: 1000 })).map((i) => i.id);
        expect(dueIds).toContain(due);
        expect(dueIds).not.toContain(later);
        expect((await store.newsItems.listByStatus('scheduled', { limit: 1000 })).map((i) => i.id)).toEqual(expect.arrayContaining([due, later]));
        expect(await store.newsItems.moveStatus(due, 'scheduled', 'publishing')).toBe(true);
        expect(await store.newsItems.moveStatus(due, 'scheduled', 'publishing')).toBe(false);
        expect((await store.newsItems.listByStatus('publishing', { limit: 1000 })).map((i) => i.id)).toContain(due);
        expect(await store.newsItems.moveStatus(due, 'publishing', undefined)).toBe(true);
        expect(await store.newsItems.moveStatus(due, 'publishing', undefined)).toBe(false);
        expect((await store.newsItems.latest({ topics: [topic], limit: 10 })).map((i) => i.id)).toEqual([due, out]);
        expect((await store.newsItems.get(due))?.status).toBeUndefined();
        expect((await store.newsItems.get(later))?.versions).toEqual({ km: { title: 'ព័ត៌មាន' } });
        expect(await store.newsItems.removeScheduled(due)).toBe(false);
        expect(await store.newsItems.removeScheduled(later)).toBe(true);
        expect(await store.newsItems.get(later)).toBeUndefined();
      });

      it("When an item's deliveries are listed, then every channel's record is there, with a failure's code", async () => {
        const itemId = uid('n');
        const at = new Date('2031-07-02T00:00:00Z');
        await store.newsDeliveries.insert({ id: `${itemId}|c1`, itemId, conversationId: 'c1', channel: 'zalo', status: 'sent', at });
        await store.newsDeliveries.insert({ id: `${itemId}|webpush:w1`, itemId, conversationId: 'webpush:w1', channel: 'webpush', status: 'queued', at });
        await store.newsDeliveries.update(`${itemId}|webpush:w1`, { status: 'failed', error: { code: 'WEBPUSH.GONE', status: 410 } });
        const listed = await store.newsDeliveries.listByItem(itemId);
        expect(listed.map((d) => d.id)).toEqual([`${itemId}|c1`, `${itemId}|webpush:w1`]);
        expect(listed[1]).toMatchObject({ status: 'failed', error: { code: 'WEBPUSH.GONE', status: 410 } });
      });

      it('When a browser subscribes to web push, then it is found by topic, replaced on re-subscribing, and removed', async () => {
        const topic = uid('topic');
        const at = new Date('2031-06-01T00:00:00Z');
        const sub = { id: uid('wp'), endpoint: 'https://push.example/abc', keys: { p256dh: 'BPk', auth: 'au' }, topics: [topic], locale: 'vi' as const, consentAt: at, updatedAt: at };
        await store.webPush.put(sub);
        await store.webPush.put({ ...sub, topics: [topic, 'y-te'] });
        expect(await store.webPush.listByTopic(topic)).toEqual([{ ...sub, topics: [topic, 'y-te'] }]);
        expect(await store.webPush.remove(sub.id)).toBe(true);
        expect(await store.webPush.remove(sub.id)).toBe(false);
        expect(await store.webPush.listByTopic(topic)).toEqual([]);
      });

      it('When a broadcast is recorded twice and moved from a stale state, then one record exists and only the move from its state counts', async () => {
        const id = uid('n');
        const at = new Date('2031-06-01T00:00:00Z');
        const broadcast = { id, itemId: id, state: 'creating' as const, requestedBy: { id: 'a1', username: 'dp' }, requestedAt: at, target: { cities: '58' }, steps: [], updatedAt: at };
        expect(await store.newsBroadcasts.insert(broadcast)).toEqual({ created: true });
        expect(await store.newsBroadcasts.insert({ ...broadcast, state: 'live' as const })).toEqual({ created: false });
        const t1 = new Date('2031-06-01T00:00:01Z');
        expect(await store.newsBroadcasts.advance(id, 'creating', { state: 'verifying', token: 'tok', updatedAt: t1 }, { step: 'create', at: t1, outcome: 'token' })).toBe(true);
        expect(await store.newsBroadcasts.advance(id, 'creating', { state: 'failed', updatedAt: t1 })).toBe(false);
        const t2 = new Date('2031-06-01T00:00:02Z');
        expect(await store.newsBroadcasts.advance(id, 'verifying', { updatedAt: t2 }, { step: 'verify', at: t2, outcome: '-214' })).toBe(true);
        expect(await store.newsBroadcasts.get(id)).toMatchObject({ state: 'verifying', token: 'tok', steps: [{ step: 'create', outcome: 'token' }, { step: 'verify', outcome: '-214' }] });
      });

      it('When broadcasts are listed by state, then only those states come back, least recently moved first, at most the limit', async () => {
        const make = (state: 'live' | 'failed' | 'done', minute: number) => {
          const id = uid('n');
          const at = new Date(Date.UTC(1990, 0, 1, 0, minute));
          return { id, itemId: id, state, requestedBy: { id: 'a1', username: 'dp' }, requestedAt: at, target: { cities: '58' }, steps: [], updatedAt: at };
        };
        const [late, done, early] = [make('live', 3), make('done', 1), make('failed', 2)];
        for (const b of [late, done, early]) await store.newsBroadcasts.insert(b);
        const mine = new Set([late.id, done.id, early.id]);
        const listed = (await store.newsBroadcasts.listByState(['live', 'failed'], 1_000)).filter((b) => mine.has(b.id));
        expect(listed.map((b) => b.id)).toEqual([early.id, late.id]);
        expect(listed[0]?.updatedAt).toBeInstanceOf(Date);
        expect((await store.newsBroadcasts.listByState(['live', 'failed'], 1)).map((b) => b.id)).toEqual([early.id]);
        expect(await store.newsBroadcasts.listByState([], 10)).toEqual([]);
      });

      it("When a feed's validators are stored, then they read back", async () => {
        const url = `https://portal.example/${uid('feed')}.rss`;
        const state = { url, etag: 'W/"abc"', lastModified: 'Mon, 07 Dec 2026 01:00:00 GMT', polledAt: new Date('2031-01-01T00:00:00Z') };
        await store.newsFeeds.put(state);
        expect(await store.newsFeeds.get(url)).toEqual(state);
        expect(await store.newsFeeds.get(`${url}x`)).toBeUndefined();
      });
    });

    describe('handoff records, activities, presence, canned replies, calls, audit', () => {
      it('When a stretch is recorded twice and updated, then one record holds the update and is listed by conversation and by time', async () => {
        const conversationId = uid('conv');
        const requestedAt = new Date('2031-02-01T02:00:00Z');
        const record = { id: uid('h'), conversationId, channel: 'zalo' as const, team: 'hotline', reason: 'requested' as const, requestedAt, reoffers: 0 };
        await store.handoffs.insert(record);
        await store.handoffs.insert({ ...record, reason: 'fallbacks' });
        await store.handoffs.update(record.id, { assignedAt: new Date('2031-02-01T02:05:00Z'), outcome: 'resolved', csat: 5 });
        expect(await store.handoffs.get(record.id)).toMatchObject({ reason: 'requested', outcome: 'resolved', csat: 5 });
        expect((await store.handoffs.listByConversation(conversationId, 10)).map((h) => h.id)).toEqual([record.id]);
        const between = await store.handoffs.listRequestedBetween(new Date('2031-02-01T00:00:00Z'), new Date('2031-02-02T00:00:00Z'));
        expect(between.map((h) => h.id)).toContain(record.id);
      });

      it('When activities are added, then they are listed oldest first and a replayed id is ignored', async () => {
        const conversationId = uid('conv');
        const first = { id: uid('a'), conversationId, at: new Date('2031-01-01T00:00:00Z'), kind: 'transition' as const, from: 'bot' as const, to: 'queued' as const, event: 'request' as const };
        const note = { id: uid('a'), conversationId, at: new Date('2031-01-01T00:01:00Z'), kind: 'note' as const, actor: { id: 'op', name: 'Lan' }, text: 'gọi lại sau' };
        await store.activities.insert(note);
        await store.activities.insert(first);
        await store.activities.insert(first);
        expect((await store.activities.listByConversation(conversationId, 10)).map((a) => a.id)).toEqual([first.id, note.id]);
      });

      it('When presence, canned replies and calls are written, then they read back', async () => {
        const team = uid('team');
        const seenAt = new Date('2031-01-01T00:00:00Z');
        await store.presence.put({ id: 'op-a', name: 'A', team, status: 'online', seenAt });
        await store.presence.put({ id: 'op-a', name: 'A', team, status: 'away', seenAt, lastAssignedAt: seenAt });
        expect(await store.presence.listByTeam(team)).toEqual([{ id: 'op-a', name: 'A', team, status: 'away', seenAt, lastAssignedAt: seenAt }]);
        const code = uid('kh').toLowerCase();
        await store.canned.put({ id: code, text: 'Xin chào', updatedAt: seenAt, updatedBy: 'op-a' });
        expect((await store.canned.list()).find((c) => c.id === code)?.text).toBe('Xin chào');
        expect(await store.canned.remove(code)).toBe(true);
        expect(await store.canned.remove(code)).toBe(false);
        const call = { id: uid('call'), operatorId: 'op-a', question: 'Hỏi khai sinh', receivedAt: new Date('2031-03-03T03:00:00Z') };
        await store.calls.insert(call);
        expect((await store.calls.listBetween(new Date('2031-03-03T00:00:00Z'), new Date('2031-03-04T00:00:00Z'))).map((c) => c.id)).toContain(call.id);
        expect((await store.calls.listRecent(1000)).some((c) => c.id === call.id)).toBe(true);
      });

      it('When several processes seed the same canned reply at once, then every write succeeds and one record remains', async () => {
        const code = uid('seed').toLowerCase();
        const at = new Date('2031-01-01T00:00:00Z');
        await Promise.all(Array.from({ length: 8 }, (_, i) => store.canned.put({ id: code, text: `Mẫu ${i}`, updatedAt: at, updatedBy: 'system' })));
        expect((await store.canned.list()).filter((c) => c.id === code)).toHaveLength(1);
        expect(await store.canned.remove(code)).toBe(true);
      });

      it('When audit entries are written, then they are listed newest first, by target and by time', async () => {
        const target = uid('conv');
        const at = (m: number) => new Date(Date.UTC(2031, 4, 1, 0, m));
        const entry = (id: string, m: number) => ({ id, action: 'conversation.reply' as const, actor: { id: 'op', username: 'lan' }, target: { kind: 'conversation' as const, id: target }, at: at(m) });
        await store.audit.insert(entry(uid('e'), 1));
        await store.audit.insert(entry(uid('e'), 2));
        const listed = await store.audit.list({ targetId: target, limit: 10 });
        expect(listed.map((e) => e.at)).toEqual([at(2), at(1)]);
        expect(listed[0]).toMatchObject({ action: 'conversation.reply', target: { kind: 'conversation', id: target } });
        expect(await store.audit.list({ targetId: target, from: at(2), limit: 10 })).toHaveLength(1);
      });
    });

    describe('inbound messages', () => {
      it('When a message is inserted, then it gets seq 1, status received and round-trips its fields', async () => {
        const conversation = await openConversation(store);
        const msg = inbound(conversation.id, { payload: 'MENU', receivedAt: new Date('2026-05-05T05:05:05.555Z') });
        const { created, message } = await store.inbound.insert(msg);
        expect(created).toBe(true);
        expect(message).toEqual({ ...msg, seq: 1, status: 'received' });
        const [stored] = await store.inbound.listByConversation(conversation.id, 10);
        expect(stored).toEqual(message);
        expect(stored?.receivedAt).toBeInstanceOf(Date);
      });

      it('When a platform redelivers a message id, then it is not duplicated and keeps its seq', async () => {
        const conversation = await openConversation(store);
        const first = await store.inbound.insert(inbound(conversation.id));
        await store.inbound.insert(inbound(conversation.id));
        const again = await store.inbound.insert({ ...first.message, text: 'changed on redelivery' });
        expect(again).toEqual({ created: false, message: first.message });
        const listed = await store.inbound.listByConversation(conversation.id, 10);
        expect(listed.map((m) => m.seq)).toEqual([1, 2]);
        expect(listed[0]?.text).toBe(first.message.text);
      });

      it('When 50 messages of one conversation are inserted at once, then seqs are 1..50 without gaps or repeats', async () => {
        const conversation = await openConversation(store);
        const msgs = Array.from({ length: 50 }, () => inbound(conversation.id));
        const results = await Promise.all(msgs.map((m) => store.inbound.insert(m)));
        expect(results.every((r) => r.created)).toBe(true);
        expect(results.map((r) => r.message.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        const listed = await store.inbound.listByConversation(conversation.id, 100);
        expect(listed.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        const redelivered = await Promise.all(msgs.map((m) => store.inbound.insert(m)));
        expect(redelivered.every((r) => !r.created)).toBe(true);
        expect(await store.inbound.listByConversation(conversation.id, 100)).toHaveLength(50);
      });

      it('When two conversations receive messages, then each has its own seq sequence', async () => {
        const a = await openConversation(store);
        const b = await openConversation(store);
        await store.inbound.insert(inbound(a.id));
        await store.inbound.insert(inbound(a.id));
        const { message } = await store.inbound.insert(inbound(b.id));
        expect(message.seq).toBe(1);
      });

      it("When a turn's decision is recorded, then the pending message carries it until its status is set, which removes it", async () => {
        const conversation = await openConversation(store);
        const { message } = await store.inbound.insert(inbound(conversation.id));
        const decided = { tag: 'r' as const, replies: [{ text: 'Thủ tục cấp lại căn cước', buttons: [{ title: 'Lệ phí', payload: 'ask:fee' }] }], status: 'done' as const };
        await store.inbound.recordDecision(message.id, decided);
        expect((await store.inbound.nextPending(conversation.id))?.decided).toEqual(decided);
        await store.inbound.setStatus(message.id, 'done', { processedAt: new Date('2026-07-07T07:07:07Z') });
        const [stored] = await store.inbound.listByConversation(conversation.id, 1);
        expect(stored?.status).toBe('done');
        expect(stored).not.toHaveProperty('decided');
      });

      it('When messages are processed, then nextPending walks them in seq order and skips done and failed ones', async () => {
        const conversation = await openConversation(store);
        const [m1, m2, m3] = await Promise.all([1, 2, 3].map(() => store.inbound.insert(inbound(conversation.id))))
          .then((rs) => rs.map((r) => r.message).sort((x, y) => x.seq - y.seq));
        expect((await store.inbound.nextPending(conversation.id))?.id).toBe(m1!.id);
        const processedAt = new Date('2026-07-07T07:07:07Z');
        await store.inbound.setStatus(m1!.id, 'done', { processedAt });
        expect((await store.inbound.nextPending(conversation.id))?.id).toBe(m2!.id);
        await store.inbound.setStatus(m2!.id, 'failed', { error: 'FLOW.CRASHED', processedAt });
        expect((await store.inbound.nextPending(conversation.id))?.id).toBe(m3!.id);
        await store.inbound.setStatus(m3!.id, 'done');
        expect(await store.inbound.nextPending(conversation.id)).toBeUndefined();
        const listed = await store.inbound.listByConversation(conversation.id, 10);
        expect(listed.map((m) => m.status)).toEqual(['done', 'failed', 'done']);
        expect(listed[0]?.processedAt).toEqual(processedAt);
        expect(listed[0]?.processedAt).toBeInstanceOf(Date);
        expect(listed[1]?.error).toBe('FLOW.CRASHED');
      });

      it('When some conversations have received messages, then conversationsWithPending lists exactly those', async () => {
        const pending = await openConversation(store);
        const finished = await openConversation(store);
        const silent = await openConversation(store);
        await store.inbound.insert(inbound(pending.id));
        await store.inbound.insert(inbound(pending.id));
        const { message } = await store.inbound.insert(inbound(finished.id));
        await store.inbound.setStatus(message.id, 'done');
        const ids = await store.inbound.conversationsWithPending();
        expect(ids.filter((id) => id === pending.id)).toHaveLength(1);
        expect(ids).not.toContain(finished.id);
        expect(ids).not.toContain(silent.id);
      });

      it('When listing with a limit, then the latest messages come back oldest first', async () => {
        const conversation = await openConversation(store);
        for (let i = 0; i < 5; i++) await store.inbound.insert(inbound(conversation.id));
        const listed = await store.inbound.listByConversation(conversation.id, 3);
        expect(listed.map((m) => m.seq)).toEqual([3, 4, 5]);
      });

      it('When listing messages received in a period, then every conversation\'s messages in [from, to) come back oldest first', async () => {
        const [a, b] = [await openConversation(store), await openConversation(store)];
        const from = new Date('1991-03-01T00:00:00Z');
        const to = new Date('1991-04-01T00:00:00Z');
        const before = inbound(a.id, { receivedAt: new Date('1991-02-28T23:59:59.999Z') });
        const first = inbound(b.id, { receivedAt: from });
        const second = inbound(a.id, { receivedAt: new Date('1991-03-15T08:00:00Z'), kind: 'postback' });
        const atEnd = inbound(b.id, { receivedAt: to });
        for (const m of [second, atEnd, before, first]) await store.inbound.insert(m);
        const found = await store.inbound.listReceivedBetween(from, to);
        expect(found.map((m) => m.id)).toEqual([first.id, second.id]);
        expect(found[1]).toMatchObject({ conversationId: a.id, kind: 'postback', status: 'received' });
        expect(found[0]?.receivedAt).toBeInstanceOf(Date);
      });
    });

    describe('outbound messages', () => {
      it('When a record is inserted twice, then the second insert reports false and changes nothing', async () => {
        const conversation = await openConversation(store);
        const record = outbound(conversation.id, { inReplyTo: 'zalo:m1' });
        expect(await store.outbound.insert(record)).toEqual({ created: true });
        await store.outbound.update(record.id, { status: 'sent', externalId: 'ext-1', attempts: 1 });
        expect(await store.outbound.insert({ ...record, status: 'pending' })).toEqual({ created: false });
        expect(await store.outbound.get(record.id)).toEqual({ ...record, status: 'sent', externalId: 'ext-1', attempts: 1 });
      });

      it('When delivery state is updated, then get returns the record with the patch applied', async () => {
        const conversation = await openConversation(store);
        const record = outbound(conversation.id);
        await store.outbound.insert(record);
        await store.outbound.update(record.id, { status: 'failed', attempts: 3, error: { code: 'CHANNEL.SEND_REJECTED', platformCode: -230, message: 'no interaction' } });
        const sentAt = new Date('2026-08-08T08:08:08.888Z');
        await store.outbound.update(record.id, { status: 'sent', externalId: 'mid.1', sentAt });
        const stored = await store.outbound.get(record.id);
        expect(stored).toEqual({ ...record, status: 'sent', externalId: 'mid.1', sentAt, attempts: 3, error: { code: 'CHANNEL.SEND_REJECTED', platformCode: -230, message: 'no interaction' } });
        expect(stored?.sentAt).toBeInstanceOf(Date);
        expect(stored?.createdAt).toBeInstanceOf(Date);
        expect(await store.outbound.get(uid('none'))).toBeUndefined();
      });

      it('When records are read by id together, then those that exist come back whole, however many ids', async () => {
        const conversation = await openConversation(store);
        const records = Array.from({ length: 3 }, () => outbound(conversation.id));
        for (const r of records) await store.outbound.insert(r);
        const ids = [...Array.from({ length: 1_200 }, () => uid('none')), ...records.map((r) => r.id)];
        const found = await store.outbound.getMany(ids);
        expect(found.sort((a, b) => a.id.localeCompare(b.id))).toEqual([...records].sort((a, b) => a.id.localeCompare(b.id)));
        expect(await store.outbound.getMany([])).toEqual([]);
      });

      it('When a record is moved from a state, then only a record still in that state moves', async () => {
        const conversation = await openConversation(store);
        const record = outbound(conversation.id);
        await store.outbound.insert(record);
        const sendingSince = new Date('2026-08-08T08:08:08.000Z');
        expect(await store.outbound.updateIf(record.id, 'pending', { status: 'sending', sendingSince })).toBe(true);
        expect(await store.outbound.updateIf(record.id, 'pending', { status: 'sending', sendingSince: new Date() })).toBe(false);
        const claimed = await store.outbound.get(record.id);
        expect(claimed).toEqual({ ...record, status: 'sending', sendingSince });
        expect(claimed?.sendingSince).toBeInstanceOf(Date);
        expect(await store.outbound.updateIf(record.id, 'pending', { status: 'failed' })).toBe(false);
        expect(await store.outbound.updateIf(uid('none'), 'pending', { status: 'sending' })).toBe(false);
        expect(await store.outbound.updateIf(record.id, 'sending', { status: 'sent', externalId: 'ext-9' })).toBe(true);
        expect((await store.outbound.get(record.id))?.status).toBe('sent');
      });

      atomicIt('When two runs claim the same pending record at once, then exactly one claim holds', async () => {
        const conversation = await openConversation(store);
        const record = outbound(conversation.id);
        await store.outbound.insert(record);
        const claims = await Promise.all([1, 2, 3].map(() => store.outbound.updateIf(record.id, 'pending', { status: 'sending', sendingSince: new Date() })));
        expect(claims.filter(Boolean)).toHaveLength(1);
      });

      it('When listing by status, then matching records come back oldest first, at most the limit', async () => {
        const conversation = await openConversation(store);
        const records = [3, 1, 2].map((n) => outbound(conversation.id, { status: 'failed', createdAt: ancient(n) }));
        for (const r of records) await store.outbound.insert(r);
        await store.outbound.insert(outbound(conversation.id, { status: 'sent', createdAt: ancient(0) }));
        const listed = await store.outbound.listByStatus('failed', 2);
        expect(listed.map((r) => r.createdAt)).toEqual([ancient(1), ancient(2)]);
        expect(listed.every((r) => r.status === 'failed')).toBe(true);
      });

      it('When listing a conversation, then its latest records come back oldest first', async () => {
        const conversation = await openConversation(store);
        const other = await openConversation(store);
        for (const n of [2, 4, 1, 3]) await store.outbound.insert(outbound(conversation.id, { createdAt: new Date(Date.UTC(2026, 0, n)) }));
        await store.outbound.insert(outbound(other.id));
        const listed = await store.outbound.listByConversation(conversation.id, 3);
        expect(listed.map((r) => r.createdAt.getUTCDate())).toEqual([2, 3, 4]);
      });

      it('When messages are held or pending in a conversation, then listWithStatus returns only those of that status, oldest first', async () => {
        const conversation = await openConversation(store);
        const other = await openConversation(store);
        for (const n of [3, 1, 2]) await store.outbound.insert(outbound(conversation.id, { status: 'held', purpose: 'update', createdAt: new Date(Date.UTC(2026, 1, n)) }));
        await store.outbound.insert(outbound(conversation.id, { status: 'pending' }));
        await store.outbound.insert(outbound(other.id, { status: 'held' }));
        const held = await store.outbound.listWithStatus(conversation.id, 'held');
        expect(held.map((r) => r.createdAt.getUTCDate())).toEqual([1, 2, 3]);
        expect(held.every((r) => r.status === 'held' && r.conversationId === conversation.id)).toBe(true);
        const pending = await store.outbound.listWithStatus(conversation.id, 'pending');
        expect(pending.map((r) => r.status)).toEqual(['pending']);
      });
    });

    describe('dialog state', () => {
      it('When values are written, then read returns them as JSON round-trips and leaves missing keys out', async () => {
        const [k1, k2, missing] = [uid('dialog'), uid('dialog'), uid('dialog')];
        const value = {
          dialogStack: [{ id: 'procedure-lookup', state: { 'options.v2': { $type: 'x' }, question: 'Cấp lại CCCD ở đâu?' } }],
          n: 1.5,
          ok: true,
          none: null,
          at: new Date('2026-01-02T03:04:05.000Z'),
        };
        await store.dialogState.write({ [k1]: value, [k2]: ['a', 1] });
        const read = await store.dialogState.read([k1, k2, missing]);
        expect(Object.keys(read).sort()).toEqual([k1, k2].sort());
        expect(read[k1]).toEqual(JSON.parse(JSON.stringify(value)));
        expect(read[k2]).toEqual(['a', 1]);
      });

      it('When a key is written again, then the new value replaces the old one whole', async () => {
        const key = uid('dialog');
        await store.dialogState.write({ [key]: { a: 1, b: 2 } });
        await store.dialogState.write({ [key]: { a: 3 } });
        expect(await store.dialogState.read([key])).toEqual({ [key]: { a: 3 } });
      });

      it('When keys are deleted, then they read as absent and deleting missing keys is harmless', async () => {
        const [k1, k2] = [uid('dialog'), uid('dialog')];
        await store.dialogState.write({ [k1]: 1, [k2]: 2 });
        await store.dialogState.delete([k1, uid('never-written')]);
        expect(await store.dialogState.read([k1, k2])).toEqual({ [k2]: 2 });
        expect(await store.dialogState.read([])).toEqual({});
      });
    });

    describe('secrets', () => {
      it('When a secret is written with compare-and-set, then only the current version may replace it', async () => {
        const key = uid('zalo-tokens');
        expect(await store.secrets.get(key)).toBeUndefined();
        expect(await store.secrets.compareAndSet(key, 0, { accessToken: 'a1', refreshToken: 'r1', expiresAt: 1 })).toBe(true);
        expect(await store.secrets.compareAndSet(key, 0, { accessToken: 'x' })).toBe(false);
        expect(await store.secrets.get(key)).toEqual({ value: { accessToken: 'a1', refreshToken: 'r1', expiresAt: 1 }, version: 1 });
        expect(await store.secrets.compareAndSet(key, 1, { accessToken: 'a2', refreshToken: 'r2' })).toBe(true);
        expect(await store.secrets.compareAndSet(key, 1, { accessToken: 'stale' })).toBe(false);
        expect(await store.secrets.get(key)).toEqual({ value: { accessToken: 'a2', refreshToken: 'r2' }, version: 2 });
      });

      atomicIt('When two workers compare-and-set the same version at once, then exactly one wins', async () => {
        const key = uid('zalo-tokens');
        await store.secrets.compareAndSet(key, 0, { refreshToken: 'r0' });
        const results = await Promise.all(['A', 'B'].map((w) => store.secrets.compareAndSet(key, 1, { refreshToken: `r1-${w}` })));
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results[0] ? 'A' : 'B';
        expect(await store.secrets.get(key)).toEqual({ value: { refreshToken: `r1-${winner}` }, version: 2 });
      });

      it('When two workers create the same absent secret at once, then exactly one wins', async () => {
        const key = uid('zalo-tokens');
        const results = await Promise.all(['A', 'B'].map((w) => store.secrets.compareAndSet(key, 0, { by: w })));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await store.secrets.get(key))?.version).toBe(1);
      });
    });

    describe('tickets', () => {
      it('When a ticket is inserted, then get and getByCode return it whole, every nested date a Date', async () => {
        const ticket = fullTicket();
        await store.tickets.insert(ticket);
        const byId = await store.tickets.get(ticket.id);
        const byCode = await store.tickets.getByCode(ticket.code);
        expect(byId).toEqual(ticket);
        expect(byCode).toEqual(ticket);
        const dates = ticketDates(byId!);
        expect(Object.keys(dates)).toHaveLength(6 + 6);
        for (const [path, value] of Object.entries(dates)) expect(value, path).toBeInstanceOf(Date);
        expect(dates).toEqual(ticketDates(ticket));
      });

      it('When an unknown ticket id or code is read, then it is undefined', async () => {
        expect(await store.tickets.get(uid('tk'))).toBeUndefined();
        expect(await store.tickets.getByCode(generateTrackingCode())).toBeUndefined();
      });

      it('When a second ticket has a code or an id already taken, then the insert is refused and the first stands', async () => {
        const first = newTicket();
        await store.tickets.insert(first);
        await expect(store.tickets.insert(newTicket({ code: first.code }))).rejects.toThrow();
        await expect(store.tickets.insert(newTicket({ id: first.id }))).rejects.toThrow();
        expect(await store.tickets.getByCode(first.code)).toEqual(first);
        expect(await store.tickets.get(first.id)).toEqual(first);
      });

      it('When a ticket is replaced with its current updatedAt, then it writes; with a stale one, then it does not', async () => {
        const ticket = newTicket();
        await store.tickets.insert(ticket);
        const assigned = transition(ticket, 'assign', { kind: 'system' }, later(HOUR));
        expect(await store.tickets.replace(assigned, ticket.updatedAt)).toBe(true);
        expect(await store.tickets.get(ticket.id)).toEqual(assigned);
        const stale = transition(ticket, 'reroute', { kind: 'coordinator', id: 'desk-2' }, later(2 * HOUR), { agencyId: uid('agency') });
        expect(await store.tickets.replace(stale, ticket.updatedAt)).toBe(false);
        expect(await store.tickets.get(ticket.id)).toEqual(assigned);
        expect(await store.tickets.replace(newTicket(), T0)).toBe(false);
      });

      atomicIt('When two officers replace the same version at once, then exactly one wins', async () => {
        const ticket = newTicket();
        await store.tickets.insert(ticket);
        const coordinator = { kind: 'coordinator' as const, id: 'desk-1' };
        const [a, b] = [uid('agency-a'), uid('agency-b')];
        const versions = [
          transition(ticket, 'assign', coordinator, later(HOUR), { agencyId: a }),
          transition(ticket, 'reroute', coordinator, later(HOUR), { agencyId: b }),
        ];
        const results = await Promise.all(versions.map((v) => store.tickets.replace(v, ticket.updatedAt)));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.tickets.get(ticket.id)).toEqual(versions[results[0] ? 0 : 1]);
      });

      atomicIt('When several workers append to one ticket at once, retrying on conflict, then every timeline event is kept once', async () => {
        const answered = transition(transition(newTicket(), 'assign', { kind: 'system' }, later(HOUR)), 'answer', { kind: 'staff', id: 's1' }, later(2 * HOUR), { text: 'Trả lời.' });
        await store.tickets.insert(answered);
        const workers = Array.from({ length: 8 }, (_, i) => `E${i}`);
        let conflicts = 0;
        await Promise.all(
          workers.map(async (error) => {
            for (;;) {
              const current = (await store.tickets.get(answered.id))!;
              const next = transition(current, 'failDelivery', { kind: 'system' }, later(1000, current.updatedAt), { error });
              if (await store.tickets.replace(next, current.updatedAt)) return;
              conflicts++;
            }
          }),
        );
        const stored = (await store.tickets.get(answered.id))!;
        expect(stored.timeline.slice(0, answered.timeline.length)).toEqual(answered.timeline);
        expect(stored.timeline.slice(answered.timeline.length).map((e) => e.note).sort()).toEqual(workers);
        expect(stored.updatedAt).toEqual(later(8 * 1000, answered.updatedAt));
        expect(conflicts).toBeGreaterThan(0);
      });

      it('When tickets are found by agency and status, then only matching ones come back, newest first', async () => {
        const agencyId = uid('agency');
        const at = (n: number): Date => later(n * HOUR);
        const make = (n: number, status: TicketStatus, extra: Partial<NewTicket> = {}): Ticket => ({ ...newTicket({ agencyId, at: at(n), dueAt: later(5 * DAY, at(n)), ...extra }), status });
        const [t1, t2, t3, t4] = [make(1, 'received'), make(2, 'overdue'), make(3, 'answered'), make(4, 'assigned')];
        // Inserted out of order, with a newer ticket of another agency: order comes from createdAt, not insertion.
        for (const t of [t1, t4, t2, t3, make(5, 'assigned', { agencyId: uid('other') })]) await store.tickets.insert(t);
        const ids = (found: Ticket[]): string[] => found.map((t) => t.id);
        expect(ids(await store.tickets.find({ agencyId, limit: 10 }))).toEqual(ids([t4, t3, t2, t1]));
        expect(ids(await store.tickets.find({ agencyId, status: ['assigned', 'overdue'], limit: 10 }))).toEqual(ids([t4, t2]));
        expect(ids(await store.tickets.find({ agencyId, status: ['closed'], limit: 10 }))).toEqual([]);
        expect(await store.tickets.find({ agencyId, status: [], limit: 10 })).toEqual([]);
        expect(ids(await store.tickets.find({ agencyId, limit: 2 }))).toEqual(ids([t4, t3]));
        expect(await store.tickets.find({ agencyId, limit: 0 })).toEqual([]);
        expect((await store.tickets.find({ agencyId, limit: 1 }))[0]).toEqual(t4);
      });

      it('When tickets are found by due date, then only those due strictly before come back', async () => {
        const agencyId = uid('agency');
        const due = (days: number): Ticket => newTicket({ agencyId, dueAt: later(days * DAY) });
        const [soon, distant, exactly] = [due(1), due(9), due(3)];
        for (const t of [soon, distant, exactly]) await store.tickets.insert({ ...t, status: 'assigned' });
        const found = await store.tickets.find({ agencyId, dueBefore: later(3 * DAY), limit: 10 });
        expect(found.map((t) => t.id)).toEqual([soon.id]);
        const overdueSweep = await store.tickets.find({ agencyId, status: ['received', 'assigned', 'reopened'], dueBefore: later(10 * DAY), limit: 10 });
        expect(overdueSweep.map((t) => t.id).sort()).toEqual([soon.id, distant.id, exactly.id].sort());
        expect(overdueSweep.every((t) => t.dueAt instanceof Date && t.timeline[0]?.at instanceof Date)).toBe(true);
      });

      it('When tickets are found by conversation, then the citizen gets their own tickets across agencies, newest first', async () => {
        const conversationId = uid('zalo:oa:user');
        const first = newTicket({ conversationId, at: later(HOUR), dueAt: later(5 * DAY) });
        const second = newTicket({ conversationId, at: later(2 * HOUR), dueAt: later(5 * DAY) });
        await store.tickets.insert(first);
        await store.tickets.insert(newTicket());
        await store.tickets.insert(second);
        expect(await store.tickets.find({ conversationId, limit: 10 })).toEqual([second, first]);
        expect(await store.tickets.find({ conversationId, agencyId: first.agencyId, limit: 10 })).toEqual([first]);
      });

      it('When tickets are found by creation period, then only those created in [from, before) come back, newest first', async () => {
        const agencyId = uid('agency');
        const from = later(DAY);
        const before = later(2 * DAY);
        const [early, first, last, atEnd] = [newTicket({ agencyId, at: later(DAY - 1) }), newTicket({ agencyId, at: from }), newTicket({ agencyId, at: later(DAY + HOUR) }), newTicket({ agencyId, at: before })];
        for (const t of [last, early, atEnd, first]) await store.tickets.insert(t);
        const found = await store.tickets.find({ agencyId, createdFrom: from, createdBefore: before, limit: 10 });
        expect(found.map((t) => t.id)).toEqual([last.id, first.id]);
        expect((await store.tickets.find({ agencyId, createdFrom: before, limit: 10 })).map((t) => t.id)).toEqual([atEnd.id]);
      });
    });

    describe('accounts', () => {
      it('When an account is inserted, then get and getByUsername return it and list includes it', async () => {
        const staff = account();
        const coordinator = account({ role: 'coordinator', agencyId: undefined });
        await store.accounts.insert(staff);
        await store.accounts.insert(coordinator);
        expect(await store.accounts.get(staff.id)).toEqual(staff);
        expect(await store.accounts.getByUsername(staff.username)).toEqual(staff);
        const stored = await store.accounts.get(coordinator.id);
        expect(stored).toEqual(coordinator);
        expect(stored).not.toHaveProperty('agencyId');
        expect(stored?.createdAt).toBeInstanceOf(Date);
        const listed = await store.accounts.list();
        expect(listed).toContainEqual(staff);
        expect(listed).toContainEqual(coordinator);
      });

      it('When an unknown account id or username is read, then it is undefined', async () => {
        expect(await store.accounts.get(uid('acc'))).toBeUndefined();
        expect(await store.accounts.getByUsername(uid('nobody'))).toBeUndefined();
      });

      it('When a second account takes a username in use, then the insert is refused and the first stands', async () => {
        const first = account();
        await store.accounts.insert(first);
        await expect(store.accounts.insert(account({ username: first.username }))).rejects.toThrow();
        expect(await store.accounts.getByUsername(first.username)).toEqual(first);
      });

      it('When an account is updated, then the patched fields change, the rest stay, and unknown ids are ignored', async () => {
        const staff = account();
        await store.accounts.insert(staff);
        const agencyId = uid('agency');
        await store.accounts.update(staff.id, { displayName: 'Trần Thị C', agencyId, passwordHash: '$argon2id$new', disabled: true, role: undefined });
        expect(await store.accounts.get(staff.id)).toEqual({ ...staff, displayName: 'Trần Thị C', agencyId, passwordHash: '$argon2id$new', disabled: true });
        await store.accounts.update(staff.id, {});
        expect((await store.accounts.get(staff.id))?.disabled).toBe(true);
        const unknown = uid('acc');
        await store.accounts.update(unknown, { disabled: true });
        expect(await store.accounts.get(unknown)).toBeUndefined();
      });
    });

    describe('console sessions', () => {
      it('When a session is read before it expires, then it comes back; at or after expiry, then it is undefined', async () => {
        const session = consoleSession(uid('acc'));
        await store.sessions.insert(session);
        const stored = await store.sessions.get(session.id, later(-1, session.expiresAt));
        expect(stored).toEqual(session);
        expect(stored?.expiresAt).toBeInstanceOf(Date);
        expect(await store.sessions.get(session.id, session.createdAt)).toEqual(session);
        expect(await store.sessions.get(session.id, session.expiresAt)).toBeUndefined();
        expect(await store.sessions.get(session.id, later(DAY, session.expiresAt))).toBeUndefined();
        expect(await store.sessions.get(uid('sess'), T0)).toBeUndefined();
      });

      it('When a session is deleted, then it is gone and deleting it again is harmless', async () => {
        const session = consoleSession(uid('acc'));
        await store.sessions.insert(session);
        await store.sessions.delete(session.id);
        expect(await store.sessions.get(session.id, T0)).toBeUndefined();
        await expect(store.sessions.delete(session.id)).resolves.toBeUndefined();
      });

      it('When an account signs out everywhere, then all its sessions go and other accounts keep theirs', async () => {
        const [accountId, otherId] = [uid('acc'), uid('acc')];
        const mine = [consoleSession(accountId), consoleSession(accountId), consoleSession(accountId, { expiresAt: later(-HOUR) })];
        const theirs = consoleSession(otherId);
        for (const s of [...mine, theirs]) await store.sessions.insert(s);
        await store.sessions.deleteByAccount(accountId);
        for (const s of mine) expect(await store.sessions.get(s.id, later(-2 * HOUR))).toBeUndefined();
        expect(await store.sessions.get(theirs.id, T0)).toEqual(theirs);
        await expect(store.sessions.deleteByAccount(uid('acc'))).resolves.toBeUndefined();
      });
    });

    describe('publications', () => {
      const entry = (over: Partial<PublishedAnswer> & { field?: string } = {}, at = new Date()): PublishedAnswer => ({
        ...buildPublication({ ticketId: uid('tk'), agencyId: 'so-tu-phap', question: 'Hỏi gì?', answer: 'Trả lời.', publishedAt: at, approvedBy: uid('acc') }),
        ...over,
      });

      it('When an entry is upserted, then get returns it with dates, and an unknown id is undefined', async () => {
        const e = entry({ field: uid('field') });
        await store.publications.upsert(e);
        const stored = await store.publications.get(e.id);
        expect(stored).toEqual(e);
        expect(stored?.publishedAt).toBeInstanceOf(Date);
        expect(await store.publications.get(uid('qa'))).toBeUndefined();
      });

      it('When the same entry is upserted again, then it is replaced, not duplicated', async () => {
        const field = uid('field');
        const e = entry({ field });
        await store.publications.upsert(e);
        await store.publications.upsert({ ...e, answer: 'Trả lời đã sửa.' });
        const listed = await store.publications.list({ field, limit: 10 });
        expect(listed).toHaveLength(1);
        expect(listed[0]?.answer).toBe('Trả lời đã sửa.');
      });

      it('When entries are listed by field, then only that field comes back, newest first, up to the limit', async () => {
        const field = uid('field');
        const t = Date.now();
        const old = entry({ field }, new Date(t - 2 * HOUR));
        const mid = entry({ field }, new Date(t - HOUR));
        const recent = entry({ field }, new Date(t));
        const other = entry({ field: uid('field') });
        for (const e of [mid, other, old, recent]) await store.publications.upsert(e);
        expect((await store.publications.list({ field, limit: 10 })).map((e) => e.id)).toEqual([recent.id, mid.id, old.id]);
        expect((await store.publications.list({ field, limit: 2 })).map((e) => e.id)).toEqual([recent.id, mid.id]);
        expect(await store.publications.list({ field, limit: 0 })).toEqual([]);
        const all = await store.publications.list({ limit: 1000 });
        expect(all.map((e) => e.id)).toEqual(expect.arrayContaining([old.id, other.id]));
      });

      it('When entries without a field are listed with field null, then only those come back', async () => {
        const noField = entry();
        expect(noField).not.toHaveProperty('field');
        await store.publications.upsert(noField);
        await store.publications.upsert(entry({ field: uid('field') }));
        const listed = await store.publications.list({ field: null, limit: 1000 });
        expect(listed.map((e) => e.id)).toContain(noField.id);
        expect(listed.every((e) => e.field === undefined)).toBe(true);
        expect(listed.find((e) => e.id === noField.id)).not.toHaveProperty('field');
      });

      it('When an entry is removed, then it is gone and a second remove reports false', async () => {
        const e = entry({ field: uid('field') });
        await store.publications.upsert(e);
        expect(await store.publications.remove(e.id)).toBe(true);
        expect(await store.publications.get(e.id)).toBeUndefined();
        expect(await store.publications.remove(e.id)).toBe(false);
      });
    });

    describe('durability', () => {
      it('When the store is closed and reopened on the same data, then everything written is still there', async (ctx) => {
        const probe = await make();
        if (!probe.reopen) {
          await probe.cleanup();
          ctx.skip();
          return;
        }
        try {
          const before = probe.store;
          await before.init();
          const conversation = await openConversation(before, new Date('2026-09-09T09:09:09.009Z'));
          const msgs = [inbound(conversation.id), inbound(conversation.id)];
          for (const m of msgs) await before.inbound.insert(m);
          const record = outbound(conversation.id, { status: 'held' });
          await before.outbound.insert(record);
          await before.outbound.update(record.id, { attempts: 2 });
          await before.dialogState.write({ [`dialog:${conversation.id}`]: { step: 2 } });
          await before.secrets.compareAndSet('zalo:tokens', 0, { refreshToken: 'r1' });
          const stretch = { id: uid('h'), conversationId: conversation.id, channel: 'webchat' as const, team: 'hotline', reason: 'requested' as const, question: 'Gặp tổng đài viên', requestedAt: new Date(), reoffers: 0 };
          await before.handoffs.insert(stretch);
          await before.conversations.setHandoff(conversation.id, 0, { status: 'queued', rev: 1, handoffId: stretch.id, queuedAt: stretch.requestedAt });
          const ticket = newTicket({ conversationId: conversation.id });
          await before.tickets.insert(ticket);
          const assigned = transition(ticket, 'assign', { kind: 'system' }, later(HOUR));
          await before.tickets.replace(assigned, ticket.updatedAt);
          const full = fullTicket();
          await before.tickets.insert(full);
          const staff = account();
          await before.accounts.insert(staff);
          await before.accounts.update(staff.id, { disabled: true });
          const session = consoleSession(staff.id);
          await before.sessions.insert(session);

          const after = await probe.reopen();
          await after.init();
          expect(await after.conversations.get(conversation.id)).toMatchObject({ ...conversation, handoff: { status: 'queued', rev: 1, handoffId: stretch.id }, updatedAt: expect.any(Date) });
          expect(await after.contacts.get(conversation.contactId)).toMatchObject({ id: conversation.contactId, createdAt: conversation.createdAt });
          expect((await after.inbound.listByConversation(conversation.id, 10)).map((m) => m.id)).toEqual(msgs.map((m) => m.id));
          expect(await after.inbound.conversationsWithPending()).toContain(conversation.id);
          expect(await after.outbound.listWithStatus(conversation.id, 'held')).toEqual([{ ...record, attempts: 2 }]);
          expect(await after.dialogState.read([`dialog:${conversation.id}`])).toEqual({ [`dialog:${conversation.id}`]: { step: 2 } });
          expect(await after.secrets.get('zalo:tokens')).toEqual({ value: { refreshToken: 'r1' }, version: 1 });
          expect(await after.handoffs.listByConversation(conversation.id, 10)).toEqual([stretch]);
          // Unique indexes and seq survive too: a redelivery is still refused, the next message continues the sequence.
          expect((await after.inbound.insert(msgs[0]!)).created).toBe(false);
          expect((await after.inbound.insert(inbound(conversation.id))).message.seq).toBe(3);
          expect(await after.secrets.compareAndSet('zalo:tokens', 0, { refreshToken: 'again' })).toBe(false);
          // Tickets keep every nested date as a Date, their unique code and their concurrency version.
          expect(await after.tickets.getByCode(ticket.code)).toEqual(assigned);
          const fullAfter = await after.tickets.get(full.id);
          expect(fullAfter).toEqual(full);
          for (const [path, value] of Object.entries(ticketDates(fullAfter!))) expect(value, path).toBeInstanceOf(Date);
          expect(await after.tickets.find({ conversationId: conversation.id, limit: 10 })).toEqual([assigned]);
          await expect(after.tickets.insert(newTicket({ code: ticket.code }))).rejects.toThrow();
          expect(await after.tickets.replace(ticket, ticket.updatedAt)).toBe(false);
          expect(await after.accounts.getByUsername(staff.username)).toEqual({ ...staff, disabled: true });
          await expect(after.accounts.insert(account({ username: staff.username }))).rejects.toThrow();
          expect(await after.sessions.get(session.id, T0)).toEqual(session);
        } finally {
          await probe.cleanup();
        }
      });
    });
  });
}
