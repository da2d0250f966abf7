import type { NewsDelivery, NewsItem, NewsSubscription } from '../../domain/news.js';
import type { NewsDeliveryRepo, NewsFeedStateRepo, NewsItemRepo, NewsSubscriptionRepo } from '../../ports/store.js';
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
    const filter: Filter = query.topics ? { topics: { $in: [...query.topics] } } : {};
    const docs = await this.items.find(filter, { sort: { publishedAt: -1, _id: -1 }, limit: query.limit });
    return docs.map((d) => fromDoc(d));
  }
}

/** News subscriptions, keyed by conversation. */
export class NewsSubscriptionsRepo implements NewsSubscriptionRepo {
  constructor(private readonly subscriptions: Collection<Doc<NewsSubscription>>) {}

  async put(subscription: NewsSubscription): Promise<void> {
    await this.subscriptions.replaceOne({ _id: subscription.id }, toDoc(subscription), { upsert: true });
  }

  async get(conversationId: string): Promise<NewsSubscription | undefined> {
    const doc = await this.subscriptions.findOne({ _id: conversationId });
    return doc ? fromDoc(doc) : undefined;
  }

  async remove(conversationId: string): Promise<boolean> {
    return (await this.subscriptions.deleteMany({ _id: conversationId })) > 0;
  }

  async listByTopic(topic: string): Promise<NewsSubscription[]> {
    const docs = await this.subscriptions.find({ topics: topic }, { sort: { _id: 1 } });
    return docs.map((d) => fromDoc(d));
  }
}

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

  async listCapped(before: Date, limit: number): Promise<NewsDelivery[]> {
    if (limit <= 0) return [];
    const docs = await this.deliveries.find({ status: 'waiting', reason: 'cap', at: { $lt: before } }, { sort: { at: 1, _id: 1 }, limit });
    return docs.map((d) => fromDoc(d));
  }

  async countSent(conversationId: string, since: Date): Promise<number> {
    return (await this.deliveries.find({ conversationId, status: 'sent', at: { $gte: since } })).length;
  }

  async listByStatus(status: NewsDelivery['status'], limit: number): Promise<NewsDelivery[]> {
    if (limit <= 0) return [];
    const docs = await this.deliveries.find({ status }, { sort: { at: 1, _id: 1 }, limit });
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
