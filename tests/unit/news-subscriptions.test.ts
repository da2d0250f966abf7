import { beforeEach, describe, expect, it } from 'vitest';
import { loadNewsTopics } from '../../knowledge/news/topics.js';
import { DEFAULT_DATA_DIR } from '../../knowledge/catalog/load.js';
import { createNewsSubscriptions, type NewsSubscriptions } from '../../src/core/news-subscriptions.js';
import { createFlowServices } from '../../src/core/flow-services.js';
import { copyFor } from '../../src/domain/copy/index.js';
import { vi } from '../../src/domain/copy/vi.js';
import type { ChannelKind } from '../../src/domain/message.js';
import type { NewsItem, NewsTopic } from '../../src/domain/news.js';
import { NEWS_LATEST, NEWS_MENU, newsSubscribePayload, newsUnsubscribePayload, parsePayload } from '../../src/domain/payloads.js';
import type { Clock } from '../../src/ports/clock.js';
import type { Store } from '../../src/ports/store.js';
import { createMemoryStore } from '../../src/store/memory/index.js';

/**
 * Citizens' news subscriptions in the chat (issue 12, item 2): what typed text asks of news, and
 * subscribe / unsubscribe / latest on the in-memory store with a frozen clock.
 */

const topics: NewsTopic[] = loadNewsTopics(DEFAULT_DATA_DIR);
const NOW = new Date('2026-12-07T03:00:00Z'); // 10:00 in Vietnam
const clock: Clock = { now: () => new Date(NOW) };

let store: Store;
let news: NewsSubscriptions;

async function open(user: string, channel: ChannelKind = 'zalo'): Promise<string> {
  const id = `${channel}:acc:${user}`;
  await store.conversations.getOrOpen({ id, contactId: `c-${user}`, channel, accountId: 'acc', userId: user, at: NOW });
  return id;
}

function item(id: string, topicIds: string[], publishedAt: string, extra: Partial<NewsItem> = {}): NewsItem {
  return {
    id,
    topics: topicIds,
    title: `Tin ${id}`,
    link: `https://portal.example.gov.vn/tin/${id}`,
    urgency: 'normal',
    publishedAt: new Date(publishedAt),
    receivedAt: new Date(publishedAt),
    source: { kind: 'feed', url: 'https://portal.example.gov.vn/rss', guid: id },
    announce: false,
    ...extra,
  };
}

beforeEach(async () => {
  store = createMemoryStore();
  await store.init();
  news = createNewsSubscriptions({ store, topics, clock });
});

describe('the topics (knowledge/data/news-topics.vi.json)', () => {
  it('are the province’s topics, each with the accent-free slug of its name as id', () => {
    expect(topics.map((t) => t.id)).toEqual(['thu-tuc-moi', 'tuyen-dung', 'thien-tai-thoi-tiet', 'y-te', 'giao-duc']);
    expect(topics.find((t) => t.id === 'tuyen-dung')).toMatchObject({ name: 'Tuyển dụng', aliases: expect.arrayContaining(['việc làm']) });
    expect(news.topics()).toEqual(topics);
  });
});

describe('read(): what typed text asks of news', () => {
  const read = (text: string) => {
    const command = news.read(text);
    return command && ('topic' in command && command.topic ? { action: command.action, topic: command.topic.id } : { action: command.action });
  };

  it.each([
    'đăng ký nhận tin',
    'Đăng ký nhận tin',
    'dang ky nhan tin',
    'DANG KY NHAN TIN',
    'đăng ký nhận tin tức',
    'đăng kí nhận bản tin',
    'dk nhan tin',
    'tôi muốn đăng ký nhận tin tức của tỉnh',
    'cho mình đăng ký nhận tin nhé',
    'subscribe',
  ])('"%s" asks for the topic menu', (text) => {
    expect(read(text)).toEqual({ action: 'menu' });
  });

  it('reads an unknown topic as a wish for the menu', () => {
    expect(read('đăng ký nhận tin bóng đá')).toEqual({ action: 'menu' });
    expect(read('dang ky nhan tin xo so')).toEqual({ action: 'menu' });
  });

  it.each([
    ['đăng ký nhận tin tuyển dụng', 'tuyen-dung'],
    ['dang ky nhan tin tuyen dung', 'tuyen-dung'],
    ['ĐĂNG KÝ NHẬN TIN TUYỂN DỤNG', 'tuyen-dung'],
    ['Đăng ký nhận tin về việc làm', 'tuyen-dung'],
    ['đăng ký nhận tin Thiên tai – Thời tiết', 'thien-tai-thoi-tiet'],
    ['dk nhan tin ve thien tai bao lu', 'thien-tai-thoi-tiet'],
    ['đăng ký nhận tin thời tiết', 'thien-tai-thoi-tiet'],
    ['cho mình đăng ký nhận tin y tế nhé', 'y-te'],
    ['dang ky nhan tin y te', 'y-te'],
    ['đăng ký nhận tin tức giáo dục', 'giao-duc'],
    ['đăng ký nhận tin thủ tục mới', 'thu-tuc-moi'],
    ['dang ky nhan tin thu tuc hanh chinh moi', 'thu-tuc-moi'],
    ['em chỉ muốn nhận tin về giáo dục thôi', 'giao-duc'],
    ['nhan tin tuyen sinh', 'giao-duc'],
  ])('"%s" subscribes to %s', (text, topic) => {
    expect(read(text)).toEqual({ action: 'subscribe', topic });
  });

  it.each([
    'hủy nhận tin',
    'huy nhan tin',
    'Hủy nhận tin',
    'HỦY NHẬN TIN',
    'huỷ nhận tin',
    'hủy đăng ký nhận tin',
    'huy dang ky nhan tin tuc',
    'dừng nhận tin',
    'dung nhan tin',
    'ngừng nhận bản tin',
    'thôi nhận tin',
    'không nhận tin nữa',
    'ko muốn nhận tin nữa',
    'đừng gửi tin cho tôi nữa',
    'hủy theo dõi',
    'xin hủy nhận tin giúp mình',
    'stop',
    'STOP',
    'Stop.',
    'unsubscribe',
    'HỦY',
    'hủy',
    'huy',
    'DỪNG',
    'dừng',
    'ឈប់',
    'ឈប់ទទួល',
  ])('"%s" stops every topic', (text) => {
    expect(read(text)).toEqual({ action: 'unsubscribe' });
  });

  it.each([
    ['hủy nhận tin y tế', 'y-te'],
    ['huy nhan tin giao duc', 'giao-duc'],
    ['HỦY tin thiên tai', 'thien-tai-thoi-tiet'],
    ['hủy đăng ký nhận tin tuyển dụng', 'tuyen-dung'],
    ['dừng nhận tin thời tiết', 'thien-tai-thoi-tiet'],
    ['không muốn nhận tin tuyển dụng nữa', 'tuyen-dung'],
  ])('"%s" stops %s only', (text, topic) => {
    expect(read(text)).toEqual({ action: 'unsubscribe', topic });
  });

  it.each(['tin mới', 'tin moi', 'Tin tức mới', 'tin tuc moi', 'tin mới nhất', 'xem tin mới', 'có tin mới không', 'bản tin mới hôm nay', 'latest news', 'ព័ត៌មានថ្មី'])(
    '"%s" asks for the latest items',
    (text) => {
      expect(read(text)).toEqual({ action: 'latest' });
    },
  );

  it('takes a one-word way of writing a topic only as written: "bão" (storm) is not the "báo" of "thông báo"', () => {
    expect(read('đăng ký nhận tin bão')).toEqual({ action: 'subscribe', topic: 'thien-tai-thoi-tiet' });
    expect(read('hủy nhận tin thông báo')).toEqual({ action: 'unsubscribe' });
    expect(read('huy nhan tin thong bao, dung gui tin cho toi nua')).toEqual({ action: 'unsubscribe' });
    expect(read('đăng ký nhận tin báo chí')).toEqual({ action: 'menu' });
  });

  it('reads "tin mới <topic>" as the latest items of that topic', () => {
    expect(read('tin mới tuyển dụng')).toEqual({ action: 'latest', topic: 'tuyen-dung' });
    expect(read('tin tuc moi ve y te')).toEqual({ action: 'latest', topic: 'y-te' });
  });

  it.each([
    'đăng ký thường trú',
    'hủy đăng ký thường trú',
    'đăng ký tín chỉ',
    'thông tin mới về hộ chiếu',
    'nhắn tin cho cán bộ y tế',
    'tôi không nhắn tin được',
    'không nhận được tin nhắn nữa',
    'hủy tin nhắn',
    'dùng tin nhắn để hỏi được không',
    'đúng',
    'dung',
    'xin chào',
    '',
    'cấp lại giấy phép lái xe bị mất',
  ])('leaves "%s" to the brain', (text) => {
    expect(read(text)).toBeUndefined();
  });
});

describe('subscribe', () => {
  it('creates the subscription with the consent’s time and the conversation’s channel', async () => {
    const id = await open('u1', 'messenger');
    const done = await news.subscribe(id, 'tuyen-dung');
    expect(done).toEqual({ topic: expect.objectContaining({ id: 'tuyen-dung', name: 'Tuyển dụng' }), topics: [expect.objectContaining({ id: 'tuyen-dung' })], added: true });
    expect(await store.newsSubscriptions.get(id)).toEqual({ id, channel: 'messenger', topics: ['tuyen-dung'], consentAt: NOW, updatedAt: NOW });
  });

  it('adds a topic to the subscription, keeps the topics in the menu’s order, and renews the consent', async () => {
    const id = await open('u1');
    await news.subscribe(id, 'y-te');
    const later = new Date(NOW.getTime() + 60_000);
    const second = createNewsSubscriptions({ store, topics, clock: { now: () => later } });
    const done = await second.subscribe(id, 'tuyen-dung');
    expect(done?.topics.map((t) => t.id)).toEqual(['tuyen-dung', 'y-te']);
    expect(await store.newsSubscriptions.get(id)).toMatchObject({ channel: 'zalo', topics: ['y-te', 'tuyen-dung'], consentAt: later, updatedAt: later });
    expect((await store.newsSubscriptions.listByTopic('y-te')).map((s) => s.id)).toEqual([id]);
  });

  it('says when the topic was there already, and records it once', async () => {
    const id = await open('u1');
    await news.subscribe(id, 'y-te');
    expect(await news.subscribe(id, 'y-te')).toMatchObject({ added: false, topics: [{ id: 'y-te' }] });
    expect((await store.newsSubscriptions.get(id))?.topics).toEqual(['y-te']);
  });

  it('refuses an unknown topic and records nothing', async () => {
    const id = await open('u1');
    expect(await news.subscribe(id, 'xo-so')).toBeUndefined();
    expect(await store.newsSubscriptions.get(id)).toBeUndefined();
  });

  it('needs the conversation, whose channel the consent is given on', async () => {
    await expect(news.subscribe('zalo:acc:nobody', 'y-te')).rejects.toThrow(/no conversation/);
  });
});

describe('unsubscribe', () => {
  it('stops one topic and keeps the others', async () => {
    const id = await open('u1');
    await news.subscribe(id, 'y-te');
    await news.subscribe(id, 'giao-duc');
    expect(await news.unsubscribe(id, 'y-te')).toEqual({ removed: true, topic: expect.objectContaining({ id: 'y-te' }), remaining: [expect.objectContaining({ id: 'giao-duc' })] });
    expect(await store.newsSubscriptions.get(id)).toMatchObject({ topics: ['giao-duc'], consentAt: NOW });
    expect(await store.newsSubscriptions.listByTopic('y-te')).toEqual([]);
  });

  it('removes the subscription when its last topic is stopped', async () => {
    const id = await open('u1');
    await news.subscribe(id, 'y-te');
    expect(await news.unsubscribe(id, 'y-te')).toMatchObject({ removed: true, remaining: [] });
    expect(await store.newsSubscriptions.get(id)).toBeUndefined();
  });

  it('stops every topic at once', async () => {
    const id = await open('u1');
    await news.subscribe(id, 'y-te');
    await news.subscribe(id, 'tuyen-dung');
    expect(await news.unsubscribe(id)).toEqual({ removed: true, remaining: [] });
    expect(await store.newsSubscriptions.get(id)).toBeUndefined();
    expect(await store.newsSubscriptions.listByTopic('tuyen-dung')).toEqual([]);
  });

  it('says when there was nothing to stop', async () => {
    const id = await open('u1');
    expect(await news.unsubscribe(id)).toEqual({ removed: false, remaining: [] });
    await news.subscribe(id, 'giao-duc');
    expect(await news.unsubscribe(id, 'y-te')).toMatchObject({ removed: false, topic: { id: 'y-te' }, remaining: [{ id: 'giao-duc' }] });
    expect(await news.unsubscribe(id, 'xo-so')).toBeUndefined();
    expect((await store.newsSubscriptions.get(id))?.topics).toEqual(['giao-duc']);
  });

  it('touches only this conversation', async () => {
    const [a, b] = [await open('a'), await open('b')];
    await news.subscribe(a, 'y-te');
    await news.subscribe(b, 'y-te');
    await news.unsubscribe(a);
    expect((await store.newsSubscriptions.listByTopic('y-te')).map((s) => s.id)).toEqual([b]);
  });
});

describe('latest', () => {
  beforeEach(async () => {
    await store.newsItems.insert(item('a', ['y-te'], '2026-12-01T02:00:00Z'));
    await store.newsItems.insert(item('b', ['tuyen-dung'], '2026-12-03T02:00:00Z'));
    await store.newsItems.insert(item('c', ['y-te', 'giao-duc'], '2026-12-05T02:00:00Z', { announce: true }));
    await store.newsItems.insert(item('d', ['thien-tai-thoi-tiet'], '2026-12-06T02:00:00Z'));
    // An editor's item scheduled for tomorrow is not news yet.
    await store.newsItems.insert(item('later', ['y-te'], '2026-12-08T02:00:00Z', { source: { kind: 'editor', accountId: 'ed-1' } }));
  });

  it('gives the newest items of every topic to a citizen who is not subscribed', async () => {
    const id = await open('u1');
    const found = await news.latest(id, 3);
    expect(found.scope).toBe('all');
    expect(found.items.map((i) => i.id)).toEqual(['d', 'c', 'b']);
  });

  it('gives the newest items of the citizen’s topics, those recorded at a feed’s first poll included', async () => {
    const id = await open('u1');
    await news.subscribe(id, 'y-te');
    const found = await news.latest(id, 5);
    expect(found.scope).toBe('subscribed');
    expect(found.items.map((i) => i.id)).toEqual(['c', 'a']);
  });

  it('gives one topic’s items when asked, and nothing when it has none', async () => {
    const id = await open('u1');
    expect((await news.latest(id, 5, 'tuyen-dung')).items.map((i) => i.id)).toEqual(['b']);
    expect(await news.latest(id, 5, 'thu-tuc-moi')).toEqual({ scope: 'topic', items: [] });
    expect(await news.latest(id, 0)).toEqual({ scope: 'all', items: [] });
  });
});

describe('FlowServices.news (core/flow-services.ts)', () => {
  const services = (withNews: boolean) =>
    createFlowServices({
      knowledge: { listAgencies: () => [] } as never,
      render: {} as never,
      store,
      copy: vi,
      clock,
      tickets: {} as never,
      limiters: {} as never,
      ...(withNews ? { news } : {}),
    });

  it('without a news service: not available, and nothing reads as a news command', async () => {
    const none = services(false).news!;
    expect(none.available).toBe(false);
    expect(none.read('đăng ký nhận tin')).toBeUndefined();
    expect(none.topics()).toEqual([]);
    expect(await none.subscribe('zalo:acc:u1', 'y-te')).toEqual({ outcome: 'unknown-topic' });
  });

  it('words outcomes and writes the items’ dates as dd/mm/yyyy in Vietnam time', async () => {
    const s = services(true).news!;
    const id = await open('u1');
    expect(s.available).toBe(true);
    expect(await s.subscribe(id, 'y-te')).toMatchObject({ outcome: 'subscribed', topic: { id: 'y-te' } });
    expect(await s.subscribe(id, 'y-te')).toMatchObject({ outcome: 'already' });
    expect(await s.subscribed(id)).toMatchObject([{ id: 'y-te' }]);
    // 17:30 UTC on the 4th is already the 5th in Vietnam.
    await store.newsItems.insert(item('late', ['y-te'], '2026-12-04T17:30:00Z'));
    expect(await s.latest(id)).toEqual({ scope: 'subscribed', items: [{ title: 'Tin late', date: '05/12/2026', link: 'https://portal.example.gov.vn/tin/late' }] });
    expect(await s.unsubscribe(id, 'giao-duc')).toMatchObject({ outcome: 'not-subscribed', topic: { id: 'giao-duc' } });
    expect(await s.unsubscribe(id)).toEqual({ outcome: 'unsubscribed', remaining: [] });
    expect(await s.unsubscribe(id)).toEqual({ outcome: 'not-subscribed', remaining: [] });
  });
});

describe('news buttons (domain/payloads.ts)', () => {
  it('carry the topic id and read back', () => {
    expect(newsSubscribePayload('tuyen-dung')).toBe('news:sub:tuyen-dung');
    expect(parsePayload('news:sub:tuyen-dung')).toEqual({ kind: 'news', action: 'subscribe', topicId: 'tuyen-dung' });
    expect(parsePayload(newsUnsubscribePayload('y-te'))).toEqual({ kind: 'news', action: 'unsubscribe', topicId: 'y-te' });
    expect(parsePayload(newsUnsubscribePayload())).toEqual({ kind: 'news', action: 'unsubscribe' });
    expect(parsePayload(NEWS_LATEST)).toEqual({ kind: 'news', action: 'latest' });
    expect(parsePayload(NEWS_MENU)).toEqual({ kind: 'news', action: 'menu' });
    for (const bad of ['news:sub:', 'news:sub:Tuyển', 'news:unsub:-x', 'news:other', 'news:sub:a b']) expect(parsePayload(bad), bad).toBeUndefined();
  });
});

describe('news copy', () => {
  it('names the topic and how to leave in every confirmation', () => {
    const text = vi.bot.news.subscribed({ topic: 'Tuyển dụng', topics: ['Tuyển dụng'], already: false });
    expect(text).toContain('"Tuyển dụng"');
    expect(text).toContain('Gõ HỦY NHẬN TIN để ngừng nhận');
    expect(copyFor('en').bot.news.subscribed({ topic: 'Y tế', topics: ['Y tế'], already: false })).toContain('STOP');
    expect(copyFor('km').bot.news.subscribed({ topic: 'Y tế', topics: ['Y tế'], already: false })).toContain('ឈប់');
  });

  it('lists the latest items with their dates and links, unnumbered', () => {
    const text = vi.bot.news.latest({ scope: 'subscribed', items: [{ title: 'Thi tuyển công chức 2027', date: '05/12/2026', link: 'https://portal.example.gov.vn/a' }] });
    expect(text.split('\n')).toEqual(['Tin mới về các chủ đề bạn đăng ký:', '• Thi tuyển công chức 2027 (05/12/2026)', 'https://portal.example.gov.vn/a']);
    expect(vi.bot.news.noLatest({ scope: 'all' })).toMatch(/^Chưa có tin mới/);
  });
});
