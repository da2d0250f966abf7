import { foldVietnamese, type NewsItem, type NewsSubscription, type NewsTopic } from '../domain/news.js';
import type { Clock } from '../ports/clock.js';
import type { NewsCommand } from '../ports/flow-services.js';
import type { Store } from '../ports/store.js';

/**
 * Citizens' news subscriptions in the chat (issue 12, item 2; A.4 items 1 and 7): what a typed message
 * asks of news ("đăng ký nhận tin", "đăng ký nhận tin tuyển dụng", "hủy nhận tin", "HỦY", "stop", "tin
 * mới"), and the subscription of one conversation (one citizen on one channel) to the province's topics.
 * Subscribing is the explicit opt-in: it records the time and the conversation's channel. Leaving takes
 * one word and removes the subscription, so nobody is sent news without a live opt-in.
 */

export interface NewsSubscriptionsDeps {
  store: Pick<Store, 'newsSubscriptions' | 'newsItems' | 'conversations'>;
  /** The province's topics (knowledge/news/topics.ts), in menu order. */
  topics: NewsTopic[];
  clock: Clock;
}

export interface NewsSubscriptions {
  /** A news command in typed text (accents optional, any case), or undefined. */
  read(text: string): NewsCommand | undefined;
  topics(): NewsTopic[];
  /** The topic with this id, if the province has it. */
  topic(id: string): NewsTopic | undefined;
  /** The conversation's subscription, if any. */
  subscription(conversationId: string): Promise<NewsSubscription | undefined>;
  /**
   * Adds the topic to the conversation's subscription (creating it), with consent now on the
   * conversation's channel; `added` false when it was there already. Undefined for an unknown topic.
   */
  subscribe(conversationId: string, topicId: string): Promise<{ topic: NewsTopic; topics: NewsTopic[]; added: boolean } | undefined>;
  /**
   * Stops one topic (the subscription goes when none is left), or every topic. `removed`: whether
   * anything was stopped; `remaining`: the topics still received. Undefined for an unknown topic.
   */
  unsubscribe(conversationId: string, topicId?: string): Promise<{ removed: boolean; topic?: NewsTopic; remaining: NewsTopic[] } | undefined>;
  /**
   * The newest items (publishedAt, newest first; none published later than now), at most `limit`: of
   * `topicId`, else of the citizen's topics, else (not subscribed) of every topic.
   */
  latest(conversationId: string, limit: number, topicId?: string): Promise<{ scope: 'topic' | 'subscribed' | 'all'; items: NewsItem[] }>;
}

/** Words said before a request ("cho mình", "tôi muốn", "xin", "ad ơi"), folded. */
const LEADING = new Set(['toi', 'minh', 'em', 'anh', 'chi', 'cho', 'xin', 'muon', 'can', 'hay', 'giup', 'vui', 'long', 'lam', 'on', 'ad', 'admin', 'oi', 'ban', 'duoc', 'se', 'de', 'thi']);

/** The bare keywords that stop every topic (A.4 item 7): HỦY, DỪNG, STOP and the Khmer "stop (receiving)". */
const STOP_FOLDED = new Set(['huy', 'stop', 'unsubscribe', 'huy bo', 'stop news']);
/** Compared as typed (NFC, lower case): "dừng" folds to "dung", which is also "đúng" (yes). */
const STOP_RAW = new Set(['dừng', 'dừng lại', 'ឈប់', 'ឈប់ទទួល', 'ឈប់ទទួលព័ត៌មាន']);
/** "Latest news" as the English and Khmer copy tell the citizen to type it. */
const LATEST_FOLDED = new Set(['latest news', 'news']);
const LATEST_RAW = new Set(['ព័ត៌មានថ្មី']);

/** "đăng ký nhận tin", "dk nhan ban tin", "đăng ký theo dõi tin tức" (not "nhận thông báo": a file's result is one too). */
const SUBSCRIBE = /^(?:dang ky|dang ki|dk|dki)(?: de)?(?:(?: nhan| theo doi)(?: cac)?(?: ban)? tin| ban tin| tin tuc)(?= |$)(.*)$/;
/** "nhận tin về giáo dục", "nhận tin tức tuyển dụng": a subscription only when it names a topic. */
const RECEIVE_TOPIC = /^(?:nhan|theo doi)(?: ban)? tin(?: tuc)?(?= |$)(.*)$/;
/**
 * "hủy nhận tin", "hủy đăng ký nhận tin", "ngừng nhận bản tin", "HỦY tin thiên tai"; "dừng", "thôi" and
 * "bỏ" only before "nhận" ("dừng nhận tin", "thôi nhận tin"): "dùng tin…" folds like "dừng tin…".
 */
const UNSUBSCRIBE =
  /^(?:(?:huy|ngung)(?: bo)?(?: dang ky| dang ki| dk| theo doi)?(?: nhan)?|(?:dung|thoi|bo)(?: dang ky| dang ki| dk| theo doi)? nhan)(?: cac| tat ca)?(?: ban)? tin(?: tuc)?(?= |$)(.*)$/;
/** "không nhận tin nữa", "ko muốn nhận tin tuyển dụng nữa" ("nữa": "không nhắn tin được" folds the same). */
const NO_MORE = /^(?:khong|ko|k) (?:muon )?nhan (?:ban )?tin(?: tuc)?(.*) nua$/;
/** "đừng gửi tin (cho tôi) nữa", "không gửi tin nữa". */
const DO_NOT_SEND = /^(?:dung|khong|ko) gui (?:ban )?tin(?: tuc)?(?= |$)(.*)$/;
/** "hủy theo dõi (tin)", "hủy đăng ký nhận thông báo". */
const UNFOLLOW = /^huy (?:theo doi(?: tin| tin tuc| thong bao)?|(?:dang ky )?nhan thong bao)$/;
/** "tin mới", "tin tức mới nhất", "xem tin mới", "bản tin mới", "các tin mới hôm nay". */
const LATEST = /^(?:xem |doc |co )?(?:cac |nhung )?(?:ban )?tin(?: tuc)? moi(?: nhat)?(?= |$)(.*)$/;

/** Words after a command that name no topic ("về", "chủ đề", "giúp mình", "nhé"). */
const NOISE = new Set(['ve', 'chu', 'de', 'linh', 'vuc', 'tin', 'tuc', 'moi', 'nhat', 'cua', 'tinh', 'a', 'nhe', 'nha', 'nhen', 'di', 'voi', 'giup', 'toi', 'minh', 'em', 'ad', 'admin', 'oi', 'ban', 'nua', 'luon', 'ngay', 'nao', 'khong', 'ko', 'k', 'gi', 'hom', 'nay', 'cho', 'the', 'vay', 'thoi', 'cac', 'tat', 'ca', 'het', 'cam', 'on', 'hi', 'dum', 'ho', 'nhan', 'duoc']);

export function createNewsSubscriptions(deps: NewsSubscriptionsDeps): NewsSubscriptions {
  const { store, clock } = deps;
  const topics = deps.topics.slice();
  const byId = new Map(topics.map((t) => [t.id, t]));
  /**
   * Every folded way of writing a topic (its name, its id's words, its aliases), longest first. A
   * one-word way counts only as written, accents included (`as`): folded, "bão" (storm) is the "báo"
   * of "thông báo".
   */
  const keys = topics
    .flatMap((t) => [t.name, t.id.replace(/-/g, ' '), ...(t.aliases ?? [])].map((k) => ({ key: foldVietnamese(k), topic: t, as: k.normalize('NFC').toLowerCase().trim() })))
    .filter((k) => k.key !== '')
    .sort((a, b) => b.key.length - a.key.length);
  const rawWords = (text: string) => new Set(text.normalize('NFC').toLowerCase().split(/[^\p{L}\p{N}]+/u));

  /** The topic a command's remaining words name (the longest way of writing one, then the first), and the words around it. */
  function topicAt(rest: string, typed: Set<string>): { topic: NewsTopic; around: string } | undefined {
    const padded = ` ${rest.trim()} `;
    let best: { at: number; key: string; topic: NewsTopic } | undefined;
    for (const { key, topic, as } of keys) {
      const at = padded.indexOf(` ${key} `);
      if (at < 0 || (!key.includes(' ') && !typed.has(as))) continue;
      if (!best || key.length > best.key.length || (key.length === best.key.length && at < best.at)) best = { at, key, topic };
    }
    return best && { topic: best.topic, around: `${padded.slice(0, best.at)} ${padded.slice(best.at + best.key.length + 2)}`.trim() };
  }

  /** Whether the words left after a command are only politeness and connectors. */
  const onlyNoise = (rest: string): boolean => rest.split(' ').every((w) => w === '' || NOISE.has(w));

  function read(text: string): NewsCommand | undefined {
    const raw = text.normalize('NFC').trim().toLowerCase().replace(/[\s!.។?]+$/u, '');
    if (STOP_RAW.has(raw)) return { action: 'unsubscribe' };
    if (LATEST_RAW.has(raw)) return { action: 'latest' };
    const words = foldVietnamese(text).split(' ').filter((w) => w !== '');
    // At most a short request: a long story that merely contains the words is the brain's to read.
    if (words.length === 0 || words.length > 16) return undefined;
    const typed = rawWords(text);
    const topicIn = (rest: string): NewsTopic | undefined => topicAt(rest, typed)?.topic;
    let start = 0;
    while (start < words.length - 1 && LEADING.has(words[start]!)) start += 1;
    const folded = words.slice(start).join(' ');
    if (STOP_FOLDED.has(folded) || UNFOLLOW.test(folded)) return { action: 'unsubscribe' };
    if (folded === 'subscribe') return { action: 'menu' };
    if (LATEST_FOLDED.has(folded)) return { action: 'latest' };

    const subscribe = SUBSCRIBE.exec(folded);
    if (subscribe) {
      const topic = topicIn(subscribe[1]!);
      return topic ? { action: 'subscribe', topic } : { action: 'menu' };
    }
    const receive = RECEIVE_TOPIC.exec(folded);
    if (receive) {
      // "nhận tin" folds like "nhắn tin" (to message someone): only a topic and polite words around it.
      const named = topicAt(receive[1]!, typed);
      if (named) return onlyNoise(named.around) ? { action: 'subscribe', topic: named.topic } : undefined;
      return onlyNoise(receive[1]!) ? { action: 'menu' } : undefined;
    }
    const unsubscribe = UNSUBSCRIBE.exec(folded) ?? NO_MORE.exec(folded) ?? DO_NOT_SEND.exec(folded);
    // "hủy tin nhắn" is about a message, not news.
    if (unsubscribe && !/^ ?nhan(?: |$)/.test(unsubscribe[1] ?? '')) {
      const topic = topicIn(unsubscribe[1] ?? '');
      return topic ? { action: 'unsubscribe', topic } : { action: 'unsubscribe' };
    }
    const latest = LATEST.exec(folded);
    if (latest) {
      const topic = topicIn(latest[1]!);
      return topic ? { action: 'latest', topic } : { action: 'latest' };
    }
    return undefined;
  }

  const topicsOf = (ids: readonly string[]): NewsTopic[] => topics.filter((t) => ids.includes(t.id));

  return {
    read,
    topics: () => topics.slice(),
    topic: (id) => byId.get(id),
    subscription: (conversationId) => store.newsSubscriptions.get(conversationId),

    async subscribe(conversationId, topicId) {
      const topic = byId.get(topicId);
      if (!topic) return undefined;
      const conversation = await store.conversations.get(conversationId);
      if (!conversation) throw new Error(`news: no conversation ${conversationId} to record the consent on`);
      const now = clock.now();
      const current = await store.newsSubscriptions.get(conversationId);
      const added = !current?.topics.includes(topicId);
      const ids = added ? [...(current?.topics ?? []), topicId] : current!.topics;
      // Each explicit subscription renews the consent: its time and the channel it was given on.
      await store.newsSubscriptions.put({ id: conversationId, channel: conversation.channel, topics: ids, consentAt: now, updatedAt: now });
      return { topic, topics: topicsOf(ids), added };
    },

    async unsubscribe(conversationId, topicId) {
      const topic = topicId === undefined ? undefined : byId.get(topicId);
      if (topicId !== undefined && !topic) return undefined;
      if (!topic) return { removed: await store.newsSubscriptions.remove(conversationId), remaining: [] };
      const current = await store.newsSubscriptions.get(conversationId);
      if (!current || !current.topics.includes(topic.id)) return { removed: false, topic, remaining: topicsOf(current?.topics ?? []) };
      const ids = current.topics.filter((id) => id !== topic.id);
      // No subscription without a topic: the last topic stopped is the whole subscription gone.
      if (ids.length === 0) await store.newsSubscriptions.remove(conversationId);
      else await store.newsSubscriptions.put({ ...current, topics: ids, updatedAt: clock.now() });
      return { removed: true, topic, remaining: topicsOf(ids) };
    },

    async latest(conversationId, limit, topicId) {
      if (limit <= 0) return { scope: topicId ? 'topic' : 'all', items: [] };
      let scope: 'topic' | 'subscribed' | 'all' = 'all';
      let wanted: string[] | undefined;
      if (topicId !== undefined) {
        scope = 'topic';
        wanted = [topicId];
      } else {
        const current = await store.newsSubscriptions.get(conversationId);
        if (current && current.topics.length > 0) {
          scope = 'subscribed';
          wanted = current.topics;
        }
      }
      const now = clock.now().getTime();
      // A few more than asked: an editor's item scheduled for later is not news yet.
      const items = await store.newsItems.latest({ ...(wanted ? { topics: wanted } : {}), limit: limit + 10 });
      return { scope, items: items.filter((i) => i.publishedAt.getTime() <= now).slice(0, limit) };
    },
  };
}
