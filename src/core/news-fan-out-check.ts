import type { NewsItem } from '../domain/news.js';
import type { Store } from '../ports/store.js';

/** Newest items a check always reads, whatever their publication date (a feed entry may be dated before it came). */
const NEWEST_ITEMS = 20;
/** Items published within the check's window read at most per pass (a province publishes tens a day). */
const WINDOW_ITEMS = 1_000;
/** Items found complete, remembered so the periodic passes do not read them again (cleared past this many). */
const COMPLETE_REMEMBERED = 1_000;

/** Someone an item's fan-out owes it: the key its claim is recorded under (a news delivery's conversationId) and when they (last) subscribed. */
export interface FanOutRecipient {
  key: string;
  subscribedAt: Date;
}

export interface FanOutCheckOptions {
  store: Pick<Store, 'newsItems' | 'newsDeliveries'>;
  /** Items published this long before a pass are read (besides the NEWEST_ITEMS newest). */
  withinMs: number;
  /** Whether the item, out since `outAt` (epoch ms), is one this fan-out still owes at `now` (its kind, its age). */
  owes(item: NewsItem, outAt: number, now: number): boolean;
  /** The recipients subscribed to a topic. */
  recipients(topic: string): Promise<FanOutRecipient[]>;
}

/**
 * Items whose fan-out did not finish (its job lost with Redis, or failed for good mid-way), for the
 * reconciler to queue again; one check for the chat (news-delivery.ts) and the browsers (news-webpush.ts).
 * An item is unfinished when a recipient subscribed to one of its topics before it came out has no claim
 * for it: recipients who subscribed (or changed) after it came out were never promised it. An item found
 * complete is not read again by this process (a claim is never removed, so it stays complete).
 */
export function createFanOutCheck(options: FanOutCheckOptions): (now: Date) => Promise<string[]> {
  const complete = new Set<string>();
  return async function unfinishedFanOuts(now: Date): Promise<string[]> {
    const { newsItems, newsDeliveries } = options.store;
    const [newest, recent] = await Promise.all([newsItems.latest({ limit: NEWEST_ITEMS }), newsItems.latest({ since: new Date(now.getTime() - options.withinMs), limit: WINDOW_ITEMS })]);
    const items = new Map([...newest, ...recent].map((item) => [item.id, item]));
    const unfinished: string[] = [];
    for (const item of items.values()) {
      if (!item.announce || complete.has(item.id)) continue;
      const outAt = Math.max(item.publishedAt.getTime(), item.receivedAt.getTime());
      if (!options.owes(item, outAt, now.getTime())) continue;
      const claimed = new Set((await newsDeliveries.listByItem(item.id)).map((d) => d.conversationId));
      let missing = false;
      for (const topic of new Set(item.topics)) {
        if ((await options.recipients(topic)).some((r) => r.subscribedAt.getTime() <= outAt && !claimed.has(r.key))) {
          missing = true;
          break;
        }
      }
      if (missing) unfinished.push(item.id);
      else {
        if (complete.size >= COMPLETE_REMEMBERED) complete.clear();
        complete.add(item.id);
      }
    }
    return unfinished;
  };
}
