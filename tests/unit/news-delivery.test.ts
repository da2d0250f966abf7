import { beforeEach, describe, expect, it } from 'vitest';
import { createNewsDelivery, newsDigestId, newsOutboundId, newsWindowOpen, type NewsDigest, type NewsPolicy } from '../../src/core/news-delivery.js';
import type { DeliveryJob } from '../../src/core/queues.js';
import { copyFor } from '../../src/domain/copy/index.js';
import type { Locale } from '../../src/domain/locale.js';
import type { ChannelKind } from '../../src/domain/message.js';
import { newsDeliveryId, type NewsDelivery, type NewsItem } from '../../src/domain/news.js';
import type { JobOptions, JobQueue } from '../../src/ports/queue.js';
import type { Store } from '../../src/ports/store.js';
import { createMemoryStore } from '../../src/store/memory/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Monday 7 December 2026, 10:00 in Hà Nội: outside quiet hours. */
const MORNING = new Date('2026-12-07T10:00:00+07:00');
const AT_23 = new Date('2026-12-07T23:00:00+07:00');
const NEXT_07 = new Date('2026-12-08T07:00:00+07:00');
const POLICY: NewsPolicy = { quietHours: { from: 21 * 60 + 30, to: 7 * 60 }, dailyCap: 3, zaloPaidWindow: false };

interface RecordedJob {
  channel: ChannelKind;
  name: string;
  data: DeliveryJob;
  options?: JobOptions;
}

let store: Store;
let now: Date;
let jobs: RecordedJob[];
let seq = 0;
/** Every digest rendered: what it was given. */
let digests: NewsDigest[];

beforeEach(() => {
  now = MORNING;
  store = createMemoryStore({ now: () => now });
  jobs = [];
  digests = [];
});

function queues(channel: ChannelKind): JobQueue<DeliveryJob> {
  return {
    name: `outbound-${channel}`,
    add: async (name, data, options) => {
      jobs.push({ channel, name, data, ...(options ? { options } : {}) });
    },
  };
}

function service(policy: Partial<NewsPolicy> = {}, target: Store = store) {
  return createNewsDelivery({
    store: target,
    clock: { now: () => now },
    deliveries: queues,
    policy: { ...POLICY, ...policy },
    render: (item: NewsItem, locale: Locale) => ({ text: `[${locale}] ${item.title}` }),
    renderDigest: (digest: NewsDigest, locale: Locale) => {
      digests.push(digest);
      return { text: `[${locale}] digest ${digest.count}: ${digest.items.map((i) => i.title).join(', ')}` };
    },
  });
}

/** An item as the poller records it (releaseQuiet reads held items back from the store). */
async function stored(overrides: Partial<NewsItem> = {}): Promise<NewsItem> {
  const news = item(overrides);
  await store.newsItems.insert(news);
  return news;
}

function item(overrides: Partial<NewsItem> = {}): NewsItem {
  const id = overrides.id ?? `item-${++seq}`;
  return {
    id,
    topics: ['tuyen-dung'],
    title: `Thông báo ${id}`,
    link: `https://travinh.gov.vn/tin/${id}`,
    urgency: 'normal',
    publishedAt: new Date(now.getTime() - HOUR),
    receivedAt: now,
    source: { kind: 'feed', url: 'https://travinh.gov.vn/rss/tuyen-dung.rss', guid: id },
    announce: true,
    ...overrides,
  };
}

/** A conversation last heard from `ago` ms before `now`, subscribed to `topics` (none: no subscription). */
async function citizen(channel: ChannelKind, ago: number, topics: string[] | null = ['tuyen-dung'], extra: { locale?: Locale } = {}): Promise<string> {
  const userId = `u${++seq}`;
  const id = `${channel}:acc:${userId}`;
  await store.conversations.getOrOpen({ id, contactId: `c-${userId}`, channel, accountId: 'acc', userId, ...extra, at: new Date(now.getTime() - ago) });
  await store.conversations.update(id, { lastInboundAt: new Date(now.getTime() - ago), ...extra });
  if (topics) await store.newsSubscriptions.put({ id, channel, topics, consentAt: new Date(now.getTime() - ago), updatedAt: new Date(now.getTime() - ago) });
  return id;
}

const outboundOf = async (conversationId: string) => (await store.outbound.listByConversation(conversationId, 100)).filter((r) => r.purpose === 'news');

async function deliveriesOf(conversationId: string): Promise<NewsDelivery[]> {
  const all = [...(await store.newsDeliveries.listByStatus('sent', 1000)), ...(await store.newsDeliveries.listByStatus('waiting', 1000)), ...(await store.newsDeliveries.listByStatus('quiet', 1000))];
  return all.filter((d) => d.conversationId === conversationId);
}

async function statusOf(itemId: string, conversationId: string): Promise<string | undefined> {
  const d = (await deliveriesOf(conversationId)).find((x) => x.itemId === itemId);
  return d && (d.reason && d.status === 'waiting' ? `${d.status}:${d.reason}` : d.status);
}

describe('newsWindowOpen', () => {
  it('When the boundaries are crossed, then Zalo 48 h (7 d with the paid window), Messenger 24 h, webchat always', () => {
    const ago = (ms: number) => new Date(MORNING.getTime() - ms);
    expect(newsWindowOpen('zalo', ago(48 * HOUR - MINUTE), MORNING, false)).toBe(true);
    expect(newsWindowOpen('zalo', ago(48 * HOUR), MORNING, false)).toBe(false);
    expect(newsWindowOpen('zalo', ago(48 * HOUR + MINUTE), MORNING, false)).toBe(false);
    expect(newsWindowOpen('zalo', ago(48 * HOUR + MINUTE), MORNING, true)).toBe(true);
    expect(newsWindowOpen('zalo', ago(7 * DAY - 1000), MORNING, true)).toBe(true);
    expect(newsWindowOpen('zalo', ago(7 * DAY + 1000), MORNING, true)).toBe(false);
    expect(newsWindowOpen('messenger', ago(24 * HOUR - MINUTE), MORNING, true)).toBe(true);
    expect(newsWindowOpen('messenger', ago(24 * HOUR + MINUTE), MORNING, true)).toBe(false);
    expect(newsWindowOpen('webchat', ago(400 * DAY), MORNING, false)).toBe(true);
    expect(newsWindowOpen('zalo', new Date(Number.NaN), MORNING, true)).toBe(false);
  });
});

describe('fanOut: the window per channel, decided at send time', () => {
  it('When citizens sit on both sides of each window, then only those inside get a message; the others wait with reason window', async () => {
    const zaloIn = await citizen('zalo', 47 * HOUR + 59 * MINUTE);
    const zaloOut = await citizen('zalo', 48 * HOUR + MINUTE);
    const zaloWeek = await citizen('zalo', 7 * DAY - 1000);
    const fbIn = await citizen('messenger', 23 * HOUR + 59 * MINUTE);
    const fbOut = await citizen('messenger', 24 * HOUR + MINUTE);
    const web = await citizen('webchat', 90 * DAY);
    const news = item();

    const counts = await service().fanOut(news, now);

    expect(counts).toEqual({ sent: 3, waiting: 3, quiet: 0, skipped: 0 });
    for (const id of [zaloIn, fbIn, web]) {
      expect(await statusOf(news.id, id)).toBe('sent');
      expect(await outboundOf(id)).toHaveLength(1);
    }
    for (const id of [zaloOut, zaloWeek, fbOut]) {
      expect(await statusOf(news.id, id)).toBe('waiting:window');
      expect(await outboundOf(id)).toEqual([]);
    }
    expect(jobs.map((j) => j.data.conversationId).sort()).toEqual([zaloIn, fbIn, web].sort());
  });

  it('When the Zalo paid window is on, then 48 h–7 d citizens get it too, and not past 7 days', async () => {
    const zaloOut = await citizen('zalo', 48 * HOUR + MINUTE);
    const zaloWeek = await citizen('zalo', 7 * DAY - 1000);
    const zaloGone = await citizen('zalo', 7 * DAY + 1000);
    const fbOut = await citizen('messenger', 24 * HOUR + MINUTE);
    const news = item();

    expect(await service({ zaloPaidWindow: true }).fanOut(news, now)).toEqual({ sent: 2, waiting: 2, quiet: 0, skipped: 0 });
    expect(await statusOf(news.id, zaloOut)).toBe('sent');
    expect(await statusOf(news.id, zaloWeek)).toBe('sent');
    expect(await statusOf(news.id, zaloGone)).toBe('waiting:window');
    expect(await statusOf(news.id, fbOut)).toBe('waiting:window');
  });

  it('When a message is queued, then it is an outbound record of purpose news with a deterministic id, in the citizen language, on its channel queue', async () => {
    const id = await citizen('zalo', HOUR, ['tuyen-dung'], { locale: 'km' });
    const news = item();

    await service().fanOut(news, now);

    const deliveryId = newsDeliveryId(news.id, id);
    const [record] = await outboundOf(id);
    expect(record).toMatchObject({
      id: newsOutboundId(deliveryId),
      conversationId: id,
      purpose: 'news',
      status: 'pending',
      attempts: 0,
      reply: { text: `[km] ${news.title}`, meta: { tag: 'news', locale: 'km' } },
    });
    expect(record!.id).toBe(`news:${news.id}|${id}`);
    expect(jobs).toEqual([{ channel: 'zalo', name: 'deliver', data: { conversationId: id }, options: expect.objectContaining({ jobId: `deliver:${id}:news:${deliveryId}` }) }]);
  });
});

describe('fanOut: consent and topics', () => {
  it('When conversations are not subscribed or subscribed to other topics, then they get nothing and no record', async () => {
    const subscribed = await citizen('zalo', HOUR);
    const otherTopic = await citizen('zalo', HOUR, ['y-te']);
    const noSubscription = await citizen('messenger', HOUR, null);

    const counts = await service().fanOut(item(), now);

    expect(counts).toEqual({ sent: 1, waiting: 0, quiet: 0, skipped: 0 });
    expect(await outboundOf(subscribed)).toHaveLength(1);
    for (const id of [otherTopic, noSubscription]) {
      expect(await outboundOf(id)).toEqual([]);
      expect(await deliveriesOf(id)).toEqual([]);
    }
    expect(jobs.map((j) => j.data.conversationId)).toEqual([subscribed]);
  });

  it('When a conversation subscribes to two of the item topics, then it gets one message', async () => {
    const id = await citizen('webchat', HOUR, ['tuyen-dung', 'thien-tai']);
    const counts = await service().fanOut(item({ topics: ['tuyen-dung', 'thien-tai'] }), now);
    expect(counts.sent).toBe(1);
    expect(await outboundOf(id)).toHaveLength(1);
  });

  it('When the item was recorded at a feed first poll (announce false), then nobody is messaged', async () => {
    const id = await citizen('zalo', HOUR);
    expect(await service().fanOut(item({ announce: false }), now)).toEqual({ sent: 0, waiting: 0, quiet: 0, skipped: 0 });
    expect(await deliveriesOf(id)).toEqual([]);
  });

  it('When a person holds the conversation, then no news is pushed: it waits with reason window', async () => {
    const held = await citizen('zalo', HOUR);
    expect(await store.conversations.setHandoff(held, 0, { status: 'assigned', rev: 1, assigneeId: 'op-1', assignedAt: now })).toBe(true);
    const news = item({ urgency: 'critical', topics: ['tuyen-dung'] });

    expect(await service().fanOut(news, now)).toEqual({ sent: 0, waiting: 1, quiet: 0, skipped: 0 });
    expect(await statusOf(news.id, held)).toBe('waiting:window');
    expect(await outboundOf(held)).toEqual([]);
    expect(jobs).toEqual([]);
  });
});

describe('quiet hours', () => {
  it('When an item comes at 23:00, then a normal one is held and a critical one goes now where the window allows', async () => {
    now = AT_23;
    const zalo = await citizen('zalo', 2 * HOUR, ['thien-tai']);
    const fbClosed = await citizen('messenger', 30 * HOUR, ['thien-tai']);
    const web = await citizen('webchat', 10 * DAY, ['thien-tai']);
    const normal = item({ topics: ['thien-tai'] });
    const critical = item({ topics: ['thien-tai'], urgency: 'critical' });

    expect(await service().fanOut(normal, now)).toEqual({ sent: 0, waiting: 1, quiet: 2, skipped: 0 });
    expect(await statusOf(normal.id, zalo)).toBe('quiet');
    expect(await statusOf(normal.id, web)).toBe('quiet');
    expect(await statusOf(normal.id, fbClosed)).toBe('waiting:window');
    expect(jobs).toEqual([]);

    expect(await service().fanOut(critical, now)).toEqual({ sent: 2, waiting: 1, quiet: 0, skipped: 0 });
    expect(await statusOf(critical.id, zalo)).toBe('sent');
    expect(await statusOf(critical.id, web)).toBe('sent');
    expect(await statusOf(critical.id, fbClosed)).toBe('waiting:window');
    expect(jobs.map((j) => j.data.conversationId).sort()).toEqual([zalo, web].sort());
  });

  it('When releaseQuiet runs at 07:00, then held items go out after window and cap are checked again; not before', async () => {
    now = AT_23;
    const zalo = await citizen('zalo', 2 * HOUR);
    const fb = await citizen('messenger', 16 * HOUR + 30 * MINUTE); // 24.5 h ago by 07:00
    const web = await citizen('webchat', HOUR);
    const leaver = await citizen('webchat', HOUR);
    const news = await stored();
    const news2 = await stored();
    const delivery = service();
    expect(await delivery.fanOut(news, now)).toEqual({ sent: 0, waiting: 0, quiet: 4, skipped: 0 });
    expect(await delivery.fanOut(news2, now)).toMatchObject({ quiet: 4 });
    await store.newsSubscriptions.remove(leaver); // "hủy nhận tin" overnight

    now = new Date(NEXT_07.getTime() - MINUTE);
    expect(await delivery.releaseQuiet(now)).toEqual({ sent: 0, waiting: 0 });
    expect(jobs).toEqual([]);

    now = NEXT_07;
    expect(await delivery.releaseQuiet(now)).toEqual({ sent: 4, waiting: 4 });
    for (const id of [zalo, web]) {
      expect(await statusOf(news.id, id)).toBe('sent');
      expect(await statusOf(news2.id, id)).toBe('sent');
      expect(await outboundOf(id)).toHaveLength(2);
    }
    expect(await statusOf(news.id, fb)).toBe('waiting:window');
    expect(await statusOf(news.id, leaver)).toBe('waiting:window');
    expect(await outboundOf(fb)).toEqual([]);
    expect(await outboundOf(leaver)).toEqual([]);

    expect(await delivery.releaseQuiet(now)).toEqual({ sent: 0, waiting: 0 });
    expect(jobs).toHaveLength(4);
  });

  it('When quiet hours are off, then a normal item goes at 23:00', async () => {
    now = AT_23;
    const id = await citizen('zalo', HOUR);
    expect(await service({ quietHours: null }).fanOut(item(), now)).toMatchObject({ sent: 1, quiet: 0 });
    expect(await outboundOf(id)).toHaveLength(1);
  });

  it('When the cap was reached before the morning release, then the held item waits with reason cap', async () => {
    now = AT_23;
    const id = await citizen('webchat', HOUR);
    const held = await stored();
    const delivery = service({ dailyCap: 1 });
    await delivery.fanOut(held, now);
    now = NEXT_07;
    expect(await delivery.fanOut(item({ urgency: 'critical' }), now)).toMatchObject({ sent: 1 });
    expect(await delivery.releaseQuiet(now)).toEqual({ sent: 0, waiting: 1 });
    expect(await statusOf(held.id, id)).toBe('waiting:cap');
  });
});

describe('daily cap', () => {
  it('When 5 items arrive in one day, then 3 are sent and 2 wait with reason cap; the next day counts afresh', async () => {
    const id = await citizen('webchat', HOUR);
    const delivery = service();
    const items = Array.from({ length: 5 }, () => item());
    const results = [];
    for (const [i, news] of items.entries()) {
      now = new Date(MORNING.getTime() + i * HOUR);
      results.push(await delivery.fanOut(news, now));
    }
    expect(results.map((r) => (r.sent ? 'sent' : r.waiting ? 'waiting' : '?'))).toEqual(['sent', 'sent', 'sent', 'waiting', 'waiting']);
    expect(await statusOf(items[3]!.id, id)).toBe('waiting:cap');
    expect(await statusOf(items[4]!.id, id)).toBe('waiting:cap');
    expect(await outboundOf(id)).toHaveLength(3);

    now = new Date(MORNING.getTime() + DAY);
    expect(await delivery.fanOut(item(), now)).toMatchObject({ sent: 1 });
    expect(await outboundOf(id)).toHaveLength(4);
  });
});

describe('exactly once', () => {
  it('When fanOut runs twice for an item, then each subscriber has one outbound record and the second run only skips', async () => {
    const ids = [await citizen('zalo', HOUR), await citizen('messenger', HOUR), await citizen('webchat', HOUR), await citizen('zalo', 3 * DAY)];
    const news = item();
    const delivery = service();

    expect(await delivery.fanOut(news, now)).toEqual({ sent: 3, waiting: 1, quiet: 0, skipped: 0 });
    now = new Date(now.getTime() + MINUTE);
    expect(await delivery.fanOut(news, now)).toEqual({ sent: 0, waiting: 0, quiet: 0, skipped: 4 });

    for (const id of ids.slice(0, 3)) expect(await outboundOf(id)).toHaveLength(1);
    expect(await outboundOf(ids[3]!)).toEqual([]);
    expect(await store.newsDeliveries.countSent(ids[0]!, new Date(0))).toBe(1);
  });

  it('When two workers fan out the same item at once, then one outbound record per subscriber and every claim counted once', async () => {
    const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => citizen((['zalo', 'messenger', 'webchat'] as const)[i % 3]!, HOUR)));
    const news = item();

    const [a, b] = await Promise.all([service().fanOut(news, now), service().fanOut(news, now)]);

    expect(a.sent + b.sent).toBe(40);
    expect(a.skipped + b.skipped).toBe(40);
    for (const id of ids) expect(await outboundOf(id)).toHaveLength(1);
    expect(new Set(jobs.map((j) => j.options?.jobId)).size).toBe(40);
  });

  it('When a worker crashed after claiming (no outbound record yet), then the replay writes and queues the message once', async () => {
    const id = await citizen('zalo', HOUR);
    const news = item();
    const deliveryId = newsDeliveryId(news.id, id);
    await store.newsDeliveries.insert({ id: deliveryId, itemId: news.id, conversationId: id, channel: 'zalo', status: 'sent', at: now });

    expect(await service().fanOut(news, now)).toEqual({ sent: 0, waiting: 0, quiet: 0, skipped: 1 });
    expect(await outboundOf(id)).toHaveLength(1);
    expect(jobs).toHaveLength(1);
    expect(await service().fanOut(news, now)).toMatchObject({ skipped: 1 });
    expect(await outboundOf(id)).toHaveLength(1);
  });

  it('When a worker crashed after the outbound insert (not queued), then the replay queues it without a second record', async () => {
    const id = await citizen('messenger', HOUR);
    const news = item();
    const deliveryId = newsDeliveryId(news.id, id);
    await store.newsDeliveries.insert({ id: deliveryId, itemId: news.id, conversationId: id, channel: 'messenger', status: 'sent', at: now });
    await store.outbound.insert({ id: newsOutboundId(deliveryId), conversationId: id, reply: { text: 'x' }, purpose: 'news', status: 'pending', attempts: 0, createdAt: now });

    await service().fanOut(news, now);
    expect(await outboundOf(id)).toHaveLength(1);
    expect(jobs.map((j) => j.options?.jobId)).toEqual([`deliver:${id}:news:${deliveryId}`]);
  });

  it('When the repository can read a claim back, then a waiting claim stays waiting even after the window reopened', async () => {
    const records = new Map<string, NewsDelivery>();
    const repo = store.newsDeliveries;
    const withGet: Store = {
      ...store,
      newsDeliveries: {
        insert: async (d) => {
          const r = await repo.insert(d);
          if (r.created) records.set(d.id, { ...d });
          return r;
        },
        update: async (id, patch) => {
          await repo.update(id, patch);
          const d = records.get(id);
          if (d) records.set(id, { ...d, ...patch });
        },
        countSent: (c, since) => repo.countSent(c, since),
        listByStatus: (s, l, c) => repo.listByStatus(s, l, c),
        listByItem: (itemId) => repo.listByItem(itemId),
        get: async (id: string) => records.get(id),
      } as Store['newsDeliveries'],
    };
    const id = await citizen('messenger', 30 * HOUR);
    const crashed = await citizen('zalo', HOUR);
    const news = item();
    const delivery = service({}, withGet);
    expect(await delivery.fanOut(news, now)).toMatchObject({ sent: 1, waiting: 1 });
    expect(await outboundOf(crashed)).toHaveLength(1);

    await store.conversations.update(id, { lastInboundAt: now }); // the citizen writes again
    expect(await delivery.fanOut(news, now)).toEqual({ sent: 0, waiting: 0, quiet: 0, skipped: 2 });
    expect(await outboundOf(id)).toEqual([]);
    expect(await statusOf(news.id, id)).toBe('waiting:window');
    expect(await outboundOf(crashed)).toHaveLength(1);
  });
});

describe('digest: what the daily cap held back, folded into one message the next morning', () => {
  /** Five items on Monday from 10:00, one an hour, for `id`: three pushed, two capped. */
  async function fiveItems(delivery: ReturnType<typeof service>): Promise<NewsItem[]> {
    const items: NewsItem[] = [];
    for (let i = 0; i < 5; i++) {
      now = new Date(MORNING.getTime() + i * HOUR);
      const news = await stored();
      await delivery.fanOut(news, now);
      items.push(news);
    }
    return items;
  }

  it('When 5 items came in one day, then 3 pushes and the next morning 1 digest containing the 2 others, not counted toward that day', async () => {
    const id = await citizen('webchat', HOUR);
    const delivery = service();
    const items = await fiveItems(delivery);
    expect(await outboundOf(id)).toHaveLength(3);

    now = new Date(MORNING.getTime() + 6 * HOUR); // the same day: capped today waits for tomorrow
    expect(await delivery.digest(now)).toEqual({ sent: 0, folded: 0, waiting: 0 });
    now = new Date(NEXT_07.getTime() - MINUTE); // quiet hours
    expect(await delivery.digest(now)).toEqual({ sent: 0, folded: 0, waiting: 0 });
    expect(jobs).toHaveLength(3);

    now = NEXT_07;
    expect(await delivery.digest(now)).toEqual({ sent: 1, folded: 2, waiting: 0 });
    const claimId = newsDigestId(id, now);
    expect(claimId).toBe(`digest:2026-12-08|${id}`);
    expect(digests).toHaveLength(1);
    expect(digests[0]!.count).toBe(2);
    expect(digests[0]!.items.map((i) => i.id).sort()).toEqual([items[3]!.id, items[4]!.id].sort());
    const records = await outboundOf(id);
    expect(records).toHaveLength(4);
    expect(records.find((r) => r.id === newsOutboundId(claimId))).toMatchObject({ purpose: 'news', status: 'pending', reply: { text: expect.stringContaining('[vi] digest 2:'), meta: { tag: 'news', locale: 'vi' } } });
    expect(jobs.at(-1)!.options?.jobId).toBe(`deliver:${id}:news:${claimId}`);
    expect(await store.newsDeliveries.get(claimId)).toMatchObject({ itemId: 'digest:2026-12-08', status: 'sent', at: NEXT_07 });
    // Folded: sent, reason cap kept, `at` still Monday's.
    const folded = await store.newsDeliveries.get(newsDeliveryId(items[3]!.id, id));
    expect(folded).toMatchObject({ status: 'sent', reason: 'cap' });
    expect(folded!.at.getTime()).toBeLessThan(NEXT_07.getTime());

    // Tuesday's own cap: three pushes still, the digest not counted; the fourth is capped for Wednesday.
    const tuesday = [];
    for (let i = 0; i < 4; i++) {
      now = new Date(NEXT_07.getTime() + (i + 1) * HOUR);
      tuesday.push(await delivery.fanOut(await stored(), now));
    }
    expect(tuesday.map((r) => (r.sent ? 'sent' : r.waiting ? 'waiting' : '?'))).toEqual(['sent', 'sent', 'sent', 'waiting']);
  });

  it('When the digest runs twice, or two workers run it at once, then one message', async () => {
    const id = await citizen('zalo', HOUR);
    const delivery = service();
    await fiveItems(delivery);
    now = new Date(NEXT_07.getTime() + 15 * MINUTE);

    const [a, b] = await Promise.all([delivery.digest(now), service().digest(now)]);
    expect(a.sent + b.sent).toBeGreaterThanOrEqual(1);
    now = new Date(now.getTime() + 15 * MINUTE);
    expect(await delivery.digest(now)).toEqual({ sent: 0, folded: 0, waiting: 0 });

    expect((await outboundOf(id)).filter((r) => r.id.startsWith('news:digest:'))).toHaveLength(1);
    expect(await outboundOf(id)).toHaveLength(4);
  });

  it('When a worker crashed after claiming the digest, then the next run writes and queues it once and marks the items sent', async () => {
    const id = await citizen('webchat', HOUR);
    const delivery = service();
    const items = await fiveItems(delivery);
    now = NEXT_07;
    await store.newsDeliveries.insert({ id: newsDigestId(id, now), itemId: 'digest:2026-12-08', conversationId: id, channel: 'webchat', status: 'sent', at: now });

    expect(await delivery.digest(now)).toEqual({ sent: 1, folded: 2, waiting: 0 });
    expect(await delivery.digest(now)).toEqual({ sent: 0, folded: 0, waiting: 0 });
    expect(await outboundOf(id)).toHaveLength(4);
    expect(await statusOf(items[4]!.id, id)).toBe('sent');
  });

  it('When the channel window is closed in the morning, then no digest: the items stay waiting (window) in "tin mới", for good', async () => {
    const id = await citizen('messenger', 5 * HOUR); // last message Monday 05:00: 26 h before Tuesday 07:00
    const delivery = service();
    const items = await fiveItems(delivery);
    expect(await outboundOf(id)).toHaveLength(3);

    now = NEXT_07;
    expect(await delivery.digest(now)).toEqual({ sent: 0, folded: 0, waiting: 2 });
    expect(await outboundOf(id)).toHaveLength(3);
    expect(digests).toEqual([]);
    expect(await store.newsDeliveries.get(newsDigestId(id, now))).toBeUndefined();
    expect(await statusOf(items[3]!.id, id)).toBe('waiting:window');
    expect(await statusOf(items[4]!.id, id)).toBe('waiting:window');

    await store.conversations.update(id, { lastInboundAt: now }); // writes again later that day: not re-sent
    now = new Date(NEXT_07.getTime() + HOUR);
    expect(await delivery.digest(now)).toEqual({ sent: 0, folded: 0, waiting: 0 });
    expect(await outboundOf(id)).toHaveLength(3);
  });

  it('When the subscriber unsubscribed overnight, then no digest', async () => {
    const id = await citizen('webchat', HOUR);
    const stays = await citizen('webchat', HOUR);
    const delivery = service();
    await fiveItems(delivery);
    await store.newsSubscriptions.remove(id); // "hủy nhận tin" in the evening

    now = NEXT_07;
    expect(await delivery.digest(now)).toEqual({ sent: 1, folded: 2, waiting: 2 });
    expect(await outboundOf(id)).toHaveLength(3);
    expect(await outboundOf(stays)).toHaveLength(4);
    expect(await store.newsDeliveries.get(newsDigestId(id, now))).toBeUndefined();
  });

  it('When more than 10 items were capped, then the digest names the 10 newest and counts them all; the copy says "và N tin khác"', async () => {
    const id = await citizen('webchat', HOUR);
    const delivery = service({ dailyCap: 0 });
    for (let i = 0; i < 12; i++) {
      now = new Date(MORNING.getTime() + i * MINUTE);
      await delivery.fanOut(await stored({ publishedAt: now }), now);
    }
    now = NEXT_07;
    expect(await delivery.digest(now)).toEqual({ sent: 1, folded: 12, waiting: 0 });
    expect(digests[0]!.count).toBe(12);
    expect(digests[0]!.items).toHaveLength(10);
    expect(digests[0]!.items[0]!.publishedAt.getTime()).toBeGreaterThan(digests[0]!.items[9]!.publishedAt.getTime());
    expect(await outboundOf(id)).toHaveLength(1);

    const text = copyFor('vi').bot.news.digest({ count: 12, items: digests[0]!.items.map((i) => ({ title: i.title, link: i.link! })) });
    expect(text).toContain(digests[0]!.items[0]!.title);
    expect(text).toContain(digests[0]!.items[0]!.link);
    expect(text).toContain('và 2 tin khác');
    expect(copyFor('en').bot.news.digest({ count: 2, items: [{ title: 'A' }, { title: 'B' }] })).not.toContain('more');
  });
});
