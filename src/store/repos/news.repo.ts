import type { NewsBroadcast, NewsBroadcastState, NewsChannel, NewsDelivery, NewsItem, NewsItemStatus, NewsSubscription, WebPushSubscription } from '../../domain/news.js';
import type { NewsBroadcastRepo, NewsDeliveryRepo, NewsFeedStateRepo, NewsItemRepo, NewsSubscriptionRepo, WebPushSubscriptionRepo } from '../../ports/store.js';
import { insertIfAbsent, type Collection, type Filter } from '../collection.js';
import { defined, fromDoc, toDoc, type Doc } from '../documents.js';

/** News items, insert-if-absent on their stable id. */
export class NewsItemsRepo implements NewsItemRepo {
  constructor(private readonly items: Collection<Doc<NewsItem>>) {}

  async insert(item: NewsItem): Promise<{ created: boolean }> {
    return { created: await insertIfAbsent(this.items, toDoc(item)) };
  }

  async get(id: string): Promise<NewsItem | undefined> {
    const doc = await this.items.findOne({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async latest(query: Parameters<NewsItemRepo['latest']>[0]): Promise<NewsItem[]> {
    if (query.limit <= 0) return [];
    const filter: Filter = { ...(query.topics && { topics: { $in: [...query.topics] } }), ...(query.since && { publishedAt: { $gte: query.since } }), status: { $ne: 'scheduled' } };
    const docs = await this.items.find(filter, { sort: { publishedAt: -1, _id: -1 }, limit: query.limit });
    return docs.map((d) => fromDoc(d));
  }

  async listByStatus(status: NewsItemStatus, query: Parameters<NewsItemRepo['listByStatus']>[1]): Promise<NewsItem[]> {
    if (query.limit <= 0) return [];
    const filter: Filter = { status, ...(query.dueBy && { publishedAt: { $lte: query.dueBy } }) };
    const docs = await this.items.find(filter, { sort: { publishedAt: 1, _id: 1 }, limit: query.limit });
    return docs.map((d) => fromDoc(d));
  }

  async moveStatus(id: string, from: NewsItemStatus, to: NewsItemStatus | undefined): Promise<boolean> {
    const update = to === undefined ? { $unset: { status: true as const } } : { $set: { status: to } };
    return (await this.items.updateOne({ _id: id, status: from }, update)).matched === 1;
  }

  async removeScheduled(id: string): Promise<boolean> {
    return (await this.items.deleteMany({ _id: id, status: 'scheduled' })) > 0;
  }
}

/**
 * Subscriptions to topics, one document per subscriber: citizens' conversations (news_subscriptions) and
 * browsers (webpush_subscriptions), found by topic.
 */
class TopicSubscriptionsRepo<T extends { id: string; topics: string[] }> {
  constructor(private readonly subscriptions: Collection<Doc<T>>) {}

  /** A document back as its record (`fromDoc` keeps every field; only the generic type is lost). */
  private record(doc: Doc<T>): T {
    return fromDoc(doc) as unknown as T;
  }

  async put(subscription: T): Promise<void> {
    await this.subscriptions.replaceOne({ _id: subscription.id }, toDoc(subscription), { upsert: true });
  }

  async get(id: string): Promise<T | undefined> {
    const doc = await this.subscriptions.findOne({ _id: id });
    return doc ? this.record(doc) : undefined;
  }

  async remove(id: string): Promise<boolean> {
    return (await this.subscriptions.deleteMany({ _id: id })) > 0;
  }

  async listByTopic(topic: string): Promise<T[]> {
    const docs = await this.subscriptions.find({ topics: topic }, { sort: { _id: 1 } });
    return docs.map((d) => this.record(d));
  }
}

/** News subscriptions, keyed by conversation. */
export class NewsSubscriptionsRepo extends TopicSubscriptionsRepo<NewsSubscription> implements NewsSubscriptionRepo {}

/** Browsers' Web Push subscriptions, keyed by a hash of their endpoint. */
export class WebPushSubscriptionsRepo extends TopicSubscriptionsRepo<WebPushSubscription> implements WebPushSubscriptionRepo {}

/** One record per (item, conversation): inserting it is claiming the delivery. */
export class NewsDeliveriesRepo implements NewsDeliveryRepo {
  constructor(private readonly deliveries: Collection<Doc<NewsDelivery>>) {}

  async insert(delivery: NewsDelivery): Promise<{ created: boolean }> {
    return { created: await insertIfAbsent(this.deliveries, toDoc(delivery)) };
  }

  async get(id: string): Promise<NewsDelivery | undefined> {
    const doc = await this.deliveries.findOne({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async update(id: string, patch: Parameters<NewsDeliveryRepo['update']>[1]): Promise<void> {
    const set = defined(patch);
    if (Object.keys(set).length > 0) await this.deliveries.updateOne({ _id: id }, { $set: set });
  }

  async listCapped(before: Date, limit: number, channels?: readonly NewsChannel[]): Promise<NewsDelivery[]> {
    if (limit <= 0) return [];
    const docs = await this.deliveries.find({ status: 'waiting', reason: 'cap', at: { $lt: before }, ...(channels && { channel: { $in: [...channels] } }) }, { sort: { at: 1, _id: 1 }, limit });
    return docs.map((d) => fromDoc(d));
  }

  async listByItem(itemId: string): Promise<NewsDelivery[]> {
    const docs = await this.deliveries.find({ itemId }, { sort: { _id: 1 } });
    return docs.map((d) => fromDoc(d));
  }

  async countSent(conversationId: string, since: Date): Promise<number> {
    return (await this.deliveries.find({ conversationId, status: 'sent', at: { $gte: since } })).length;
  }

  async listByStatus(status: NewsDelivery['status'], limit: number, channels?: readonly NewsChannel[]): Promise<NewsDelivery[]> {
    if (limit <= 0) return [];
    const docs = await this.deliveries.find({ status, ...(channels && { channel: { $in: [...channels] } }) }, { sort: { at: 1, _id: 1 }, limit });
    return docs.map((d) => fromDoc(d));
  }
}

type FeedState = Awaited<ReturnType<NewsFeedStateRepo['get']>> & object;

/** The conditional-GET validators of each feed. */
export class NewsFeedsRepo implements NewsFeedStateRepo {
  constructor(private readonly feeds: Collection<Doc<FeedState & { id: string }>>) {}

  async get(url: string): Promise<FeedState | undefined> {
    const doc = await this.feeds.findOne({ _id: url });
    if (!doc) return undefined;
    const { id: _id, ...state } = fromDoc(doc);
    return state;
  }

  async put(state: FeedState): Promise<void> {
    await this.feeds.replaceOne({ _id: state.url }, toDoc({ ...state, id: state.url }), { upsert: true });
  }
}

/** Zalo Article broadcasts, one per item, moved by compare-and-set on their state. */
export class NewsBroadcastsRepo implements NewsBroadcastRepo {
  constructor(private readonly broadcasts: Collection<Doc<NewsBroadcast>>) {}

  async insert(broadcast: NewsBroadcast): Promise<{ created: boolean }> {
    return { created: await insertIfAbsent(this.broadcasts, toDoc(broadcast)) };
  }

  async get(id: string): Promise<NewsBroadcast | undefined> {
    const doc = await this.broadcasts.findOne({ _id: id });
    return doc ? fromDoc(doc) : undefined;
  }

  async listByState(states: readonly NewsBroadcastState[], limit: number): Promise<NewsBroadcast[]> {
    if (limit <= 0 || states.length === 0) return [];
    const docs = await this.broadcasts.find({ state: { $in: [...states] } }, { sort: { updatedAt: 1, _id: 1 }, limit });
    return docs.map((d) => fromDoc(d));
  }

  async advance(id: string, from: NewsBroadcast['state'], patch: Parameters<NewsBroadcastRepo['advance']>[2], step?: NewsBroadcast['steps'][number]): Promise<boolean> {
    const current = await this.broadcasts.findOne({ _id: id, state: from });
    if (!current) return false;
    const set: Record<string, unknown> = defined(patch);
    if (step) set['steps'] = [...(current.steps ?? []), step];
    // Over the state and the last change read: a concurrent move (or a step appended) makes this one lose.
    return (await this.broadcasts.updateOne({ _id: id, state: from, updatedAt: current.updatedAt }, { $set: set })).matched === 1;
  }
}
