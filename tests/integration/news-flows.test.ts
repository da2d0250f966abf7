import { describe, expect, it } from 'vitest';
import { loadNewsTopics } from '../../knowledge/news/topics.js';
import { DEFAULT_DATA_DIR } from '../../knowledge/catalog/load.js';
import { createNewsSubscriptions } from '../../src/core/news-subscriptions.js';
import { copyFor } from '../../src/domain/copy/index.js';
import { vi } from '../../src/domain/copy/vi.js';
import type { Reply } from '../../src/domain/message.js';
import type { NewsItem } from '../../src/domain/news.js';
import { systemClock } from '../../src/ports/clock.js';
import { useFlowHarness } from './flow-harness.js';

/**
 * Portal news in the chat (issue 12, item 2) through the real Botkit engine, the real brain and the
 * embedded store: the topic menu, subscribing by button and by typed text (accents optional), the
 * confirmation naming the topic and how to leave, "tin mới", leaving one topic and all of them.
 */

const topics = loadNewsTopics(DEFAULT_DATA_DIR);
const harness = useFlowHarness(undefined, { news: (store) => createNewsSubscriptions({ store, topics, clock: systemClock }) });

const one = (replies: Reply[]): Reply => {
  expect(replies).toHaveLength(1);
  expect(replies[0]!.meta?.tag).toBe('news');
  return replies[0]!;
};
const payloads = (reply: Reply) => reply.buttons?.map((b) => b.payload) ?? [];
const subscription = (user: string) => harness.store.newsSubscriptions.get(harness.conversation(user).id);

function item(id: string, topicIds: string[], title: string, publishedAt: string): NewsItem {
  const at = new Date(publishedAt);
  return { id, topics: topicIds, title, link: `https://portal.example.gov.vn/tin/${id}`, urgency: 'normal', publishedAt: at, receivedAt: at, source: { kind: 'feed', url: 'https://portal.example.gov.vn/rss', guid: id }, announce: false };
}

describe('news in the chat', () => {
  it('offers the topics, subscribes by a tapped topic and confirms it with the topic and how to leave', async () => {
    const menu = one(await harness.say('u1', 'đăng ký nhận tin'));
    expect(menu.text).toBe(vi.bot.news.menu([]));
    expect(payloads(menu)).toEqual([...topics.map((t) => `news:sub:${t.id}`), 'news:latest']);
    expect(menu.buttons![1]).toEqual({ title: 'Tuyển dụng', payload: 'news:sub:tuyen-dung' });

    const confirmed = one(await harness.say('u1', 'news:sub:tuyen-dung', true));
    expect(confirmed.text).toContain('"Tuyển dụng"');
    expect(confirmed.text).toContain('Gõ HỦY NHẬN TIN để ngừng nhận');
    expect(payloads(confirmed)).toEqual(['news:latest', 'news:unsub:tuyen-dung', 'news:menu']);
    // The consent: when, and on which channel.
    expect(await subscription('u1')).toMatchObject({ channel: 'webchat', topics: ['tuyen-dung'], consentAt: expect.any(Date) });

    // The menu again: the topics not yet chosen, and the way out.
    const again = one(await harness.say('u1', 'news:menu', true));
    expect(again.text).toBe(vi.bot.news.menu(['Tuyển dụng']));
    expect(payloads(again)).not.toContain('news:sub:tuyen-dung');
    expect(payloads(again)).toContain('news:unsub');
  });

  it('subscribes straight from typed text without accents, and adds topics', async () => {
    const first = one(await harness.say('u2', 'dang ky nhan tin tuyen dung'));
    expect(first.text).toBe(vi.bot.news.subscribed({ topic: 'Tuyển dụng', topics: ['Tuyển dụng'], already: false }));
    const second = one(await harness.say('u2', 'Đăng ký nhận tin y tế'));
    expect(second.text).toBe(vi.bot.news.subscribed({ topic: 'Y tế', topics: ['Tuyển dụng', 'Y tế'], already: false }));
    const repeated = one(await harness.say('u2', 'dang ky nhan tin y te'));
    expect(repeated.text).toContain('từ trước');
    expect((await subscription('u2'))?.topics).toEqual(['tuyen-dung', 'y-te']);
  });

  it('offers the menu for an unknown topic, and for news asked in other words', async () => {
    expect(one(await harness.say('u3', 'đăng ký nhận tin xổ số')).text).toBe(vi.bot.news.menu([]));
    const other = one(await harness.say('u3', 'tôi muốn nhận thông báo khi có chính sách mới'));
    expect(payloads(other)).toContain('news:sub:thu-tuc-moi');
    expect(await subscription('u3')).toBeUndefined();
  });

  it('shows "tin mới" as a short list (title, date, link), of the citizen’s topics once subscribed', async () => {
    expect(one(await harness.say('u4', 'tin mới')).text).toBe(vi.bot.news.noLatest({ scope: 'all' }));

    await harness.store.newsItems.insert(item('a', ['tuyen-dung'], 'Thi tuyển công chức tỉnh năm 2027', '2026-12-01T02:00:00Z'));
    await harness.store.newsItems.insert(item('b', ['y-te'], 'Lịch tiêm chủng tháng 12', '2026-12-04T17:30:00Z'));

    const all = one(await harness.say('u4', 'tin tuc moi'));
    expect(all.text.split('\n')).toEqual([
      'Tin mới của Cổng thông tin điện tử tỉnh:',
      '• Lịch tiêm chủng tháng 12 (05/12/2026)',
      'https://portal.example.gov.vn/tin/b',
      '• Thi tuyển công chức tỉnh năm 2027 (01/12/2026)',
      'https://portal.example.gov.vn/tin/a',
      'Gõ "đăng ký nhận tin" để nhận tin về chủ đề bạn quan tâm.',
    ]);

    await harness.say('u4', 'news:sub:tuyen-dung', true);
    const mine = one(await harness.say('u4', 'Tin mới'));
    expect(mine.text).toContain('Tin mới về các chủ đề bạn đăng ký:');
    expect(mine.text).toContain('Thi tuyển công chức tỉnh năm 2027 (01/12/2026)');
    expect(mine.text).not.toContain('tiêm chủng');
    expect(payloads(mine)).toEqual(['news:menu', 'news:unsub']);
  });

  it('stops one topic, then every topic, at once', async () => {
    await harness.say('u5', 'news:sub:y-te', true);
    await harness.say('u5', 'news:sub:giao-duc', true);

    const oneTopic = one(await harness.say('u5', 'huy nhan tin y te'));
    expect(oneTopic.text).toBe(vi.bot.news.unsubscribedTopic({ topic: 'Y tế', remaining: ['Giáo dục'] }));
    expect((await subscription('u5'))?.topics).toEqual(['giao-duc']);

    const all = one(await harness.say('u5', 'HỦY NHẬN TIN'));
    expect(all.text).toBe(vi.bot.news.unsubscribedAll);
    expect(await subscription('u5')).toBeUndefined();
    expect(await harness.store.newsSubscriptions.listByTopic('giao-duc')).toEqual([]);

    expect(one(await harness.say('u5', 'stop')).text).toBe(vi.bot.news.notSubscribed);
  });

  it('stops a topic from the confirmation’s button, and every topic from the menu’s', async () => {
    const confirmed = one(await harness.say('u6', 'dang ky nhan tin thoi tiet'));
    expect(confirmed.text).toContain('"Thiên tai – Thời tiết"');
    await harness.say('u6', 'news:sub:y-te', true);
    const stopped = one(await harness.say('u6', 'news:unsub:thien-tai-thoi-tiet', true));
    expect(stopped.text).toBe(vi.bot.news.unsubscribedTopic({ topic: 'Thiên tai – Thời tiết', remaining: ['Y tế'] }));
    expect(one(await harness.say('u6', 'news:unsub', true)).text).toBe(vi.bot.news.unsubscribedAll);
    expect(await subscription('u6')).toBeUndefined();
  });

  it.each(['stop', 'dừng', 'Hủy', 'dừng nhận tin', 'hủy đăng ký nhận tin'])('leaves with "%s"', async (text) => {
    await harness.say('u7', 'news:sub:y-te', true);
    expect(one(await harness.say('u7', text)).text).toBe(vi.bot.news.unsubscribedAll);
    expect(await subscription('u7')).toBeUndefined();
  });

  it('reads a news command in the middle of another topic', async () => {
    const answer = await harness.say('u8', 'đăng ký thường trú');
    expect(answer.at(-1)?.meta?.procedureId).toBe('dang-ky-thuong-tru');
    const confirmed = one(await harness.say('u8', 'dang ky nhan tin giao duc'));
    expect(confirmed.text).toContain('"Giáo dục"');
    expect((await subscription('u8'))?.topics).toEqual(['giao-duc']);
  });

  it('answers in the conversation’s language', async () => {
    const { id } = harness.conversation('u9');
    await harness.store.conversations.getOrOpen({ ...harness.conversation('u9'), at: new Date() });
    await harness.store.conversations.update(id, { locale: 'en' });
    const en = copyFor('en');
    const confirmed = one(await harness.say('u9', 'news:sub:y-te', true));
    expect(confirmed.text).toBe(en.bot.news.subscribed({ topic: 'Y tế', topics: ['Y tế'], already: false }));
    expect(confirmed.meta?.locale).toBe('en');
    expect(one(await harness.say('u9', 'stop')).text).toBe(en.bot.news.unsubscribedAll);
  });

  it('answers the Khmer "stop" in Khmer', async () => {
    await harness.say('u10', 'news:sub:y-te', true);
    const stopped = one(await harness.say('u10', 'ឈប់'));
    expect(stopped.text).toBe(copyFor('km').bot.news.unsubscribedAll);
    expect(stopped.meta?.locale).toBe('km');
    expect(await subscription('u10')).toBeUndefined();
  });
});
