import type { Locale } from './locale.js';
import type { ChannelKind } from './message.js';
import { VIETNAM_UTC_OFFSET_MS } from './working-days.js';

/**
 * Portal news pushed to the citizens who asked for it (issue 12; GOV.UK email alerts' model): items
 * carry topics (data the province edits, knowledge/data/news-topics.vi.json), a citizen's conversation
 * subscribes to topics with recorded consent, and each (item, conversation) is delivered at most once,
 * decided at send time by the channel's window, quiet hours and the daily cap.
 */

/** A topic citizens subscribe to; its id is the accent-free slug of its Vietnamese name. */
export interface NewsTopic {
  id: string;
  name: string;
  /** Other ways citizens write it ("thời tiết", "thien tai"), matched accent-insensitively. */
  aliases?: string[];
}

export type NewsUrgency = 'normal' | 'critical';

export interface NewsItem {
  /** Stable: a hash of the feed URL and the entry's guid (or link), or a UUID for an editor's item. */
  id: string;
  topics: string[];
  title: string;
  link?: string;
  summary?: string;
  urgency: NewsUrgency;
  /** When the source says it was published. */
  publishedAt: Date;
  /** When we recorded it. */
  receivedAt: Date;
  source: { kind: 'feed'; url: string; guid: string } | { kind: 'editor'; accountId: string };
  /** True: pushed to subscribers. False: recorded at a feed's first poll, kept for "tin mới", never pushed. */
  announce: boolean;
  /**
   * `scheduled`: an editor's item waiting for its `publishedAt` (not listed, not pushed, not in feeds
   * until then); `publishing`: its time came and its `news.published` is being announced (published
   * already: a crash here is completed by the next run); absent: published.
   */
  status?: NewsItemStatus;
  /** The item in Khmer and English, written by the editor; a citizen speaking one of them gets it. */
  versions?: Partial<Record<Exclude<Locale, 'vi'>, NewsVersion>>;
}

export type NewsItemStatus = 'scheduled' | 'publishing';

/** An item's title and summary in another language. */
export interface NewsVersion {
  title: string;
  summary?: string;
}

/** The item's title and summary in `locale`: its version there, else the Vietnamese original. */
export function newsTextIn(item: Pick<NewsItem, 'title' | 'summary' | 'versions'>, locale: Locale): NewsVersion {
  const version = locale === 'vi' ? undefined : item.versions?.[locale];
  if (version) return version;
  return { title: item.title, ...(item.summary !== undefined && { summary: item.summary }) };
}

/** Whether an item is out (listed, in feeds, pushed): not waiting for its scheduled time. */
export const isPublished = (item: Pick<NewsItem, 'status'>): boolean => item.status !== 'scheduled';

/** A conversation's news subscription: the topics, and the consent given for them on this channel. */
export interface NewsSubscription {
  /** The conversation id: one subscription per citizen and channel. */
  id: string;
  channel: ChannelKind;
  topics: string[];
  /** The citizen's explicit wish: when and on which channel (the conversation's). */
  consentAt: Date;
  updatedAt: Date;
}

/**
 * One item for one recipient: `sent` (a message queued on the channel), `waiting` (its window is
 * closed, or the daily cap reached: it stays in the citizen's "tin mới"), `quiet` (held for the morning),
 * `queued` (a web push claimed and not yet accepted by the push service), `failed` (a web push refused for
 * good; its code in `error`).
 */
export type NewsDeliveryStatus = 'sent' | 'waiting' | 'quiet' | 'queued' | 'failed';

/** Where a news delivery goes: a conversation's channel, or a browser's Web Push subscription. */
export type NewsChannel = ChannelKind | 'webpush';

export interface NewsDelivery {
  /** `${itemId}|${recipientId}`: one per (item, citizen's channel), whatever replays. */
  id: string;
  itemId: string;
  /** The conversation id, or `webpush:<subscription id>` for a browser. */
  conversationId: string;
  channel: NewsChannel;
  status: NewsDeliveryStatus;
  reason?: 'window' | 'cap' | 'quiet';
  /** A failed web push: the push service's HTTP status. */
  error?: { code: string; status?: number };
  at: Date;
}

/**
 * A browser's Web Push subscription (the demo portal's top page): the push service endpoint and keys the
 * browser gave, the topics chosen, and the consent (the click that asked for it).
 */
export interface WebPushSubscription {
  /** A hash of the endpoint: one subscription per browser (re-subscribing replaces it). */
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  topics: string[];
  locale: Locale;
  consentAt: Date;
  updatedAt: Date;
}

/**
 * A Zalo Article broadcast of one item to the OA's followers (news-handoff-languages.md A.1.2, A.4.9):
 * `creating` (article create requested) → `verifying` (a token; verify until an id, -214 = still
 * processing) → `live` (the article id) → `broadcasting` (the broadcast call was started: never started
 * twice) → `done` (the broadcast's message id) | `failed` (a step refused, `error`) | `unknown` (a
 * broadcast call whose outcome was lost in a crash: not repeated; check the OA's console).
 */
export type NewsBroadcastState = 'creating' | 'verifying' | 'live' | 'broadcasting' | 'done' | 'failed' | 'unknown';

export interface NewsBroadcast {
  /** The item's id: one broadcast per item, ever. */
  id: string;
  itemId: string;
  state: NewsBroadcastState;
  requestedBy: { id: string; username: string };
  requestedAt: Date;
  /** Zalo's async article token, then the article id, then the broadcast's message id. */
  token?: string;
  articleId?: string;
  messageId?: string;
  /** The province target (Zalo's `cities` code) the broadcast was sent with. */
  target: { cities: string };
  /** Every step as it happened: what was called and what came back. */
  steps: { step: 'create' | 'verify' | 'broadcast'; at: Date; outcome: string }[];
  error?: { code: string; platformCode?: number; message?: string };
  updatedAt: Date;
}

/** `text` trimmed and cut to at most `max` characters (code points, as the platforms count), ending with "…" when cut. */
export function clipNewsText(text: string, max: number): string {
  const chars = [...text.trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

export const newsDeliveryId = (itemId: string, conversationId: string): string => `${itemId}|${conversationId}`;

/** Folds Vietnamese to lower-case ASCII words: "Thiên tai – Thời tiết" → "thien tai thoi tiet". */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** A topic's id: the accent-free slug of its name ("Tuyển dụng" → "tuyen-dung"). */
export function topicSlug(name: string): string {
  return foldVietnamese(name).replace(/ /g, '-');
}

/** Quiet hours in Vietnam time, `from` to `to` minutes after midnight (wrapping past midnight), or none. */
export type QuietHours = { from: number; to: number } | null;

/** `HH:MM-HH:MM` or `off`; throws an Error naming what is wrong. */
export function parseQuietHours(spec: string): QuietHours {
  const value = spec.trim().toLowerCase();
  if (value === 'off') return null;
  const m = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(value);
  if (!m) throw new Error('expected HH:MM-HH:MM or off');
  const [from, to] = [Number(m[1]) * 60 + Number(m[2]), Number(m[3]) * 60 + Number(m[4])];
  if (Number(m[1]) > 23 || Number(m[3]) > 23 || Number(m[2]) > 59 || Number(m[4]) > 59) throw new Error('hours 00–23, minutes 00–59');
  if (from === to) throw new Error('an empty range; use off');
  return { from, to };
}

function minuteOfDay(at: Date): number {
  const local = new Date(at.getTime() + VIETNAM_UTC_OFFSET_MS);
  return local.getUTCHours() * 60 + local.getUTCMinutes();
}

export function isQuiet(at: Date, quiet: QuietHours): boolean {
  if (!quiet) return false;
  const minute = minuteOfDay(at);
  return quiet.from < quiet.to ? minute >= quiet.from && minute < quiet.to : minute >= quiet.from || minute < quiet.to;
}

/** The first instant at or after `at` outside quiet hours (when the morning's pushes go out). */
export function quietEnds(at: Date, quiet: QuietHours): Date {
  if (!isQuiet(at, quiet)) return at;
  const minute = minuteOfDay(at);
  const wait = (quiet!.to - minute + 24 * 60) % (24 * 60);
  const end = new Date(at.getTime() + wait * 60_000);
  end.setUTCSeconds(0, 0);
  return end;
}

/** The start of the Vietnam day of `at` (the daily cap's day). */
export function vietnamDayStart(at: Date): Date {
  const local = at.getTime() + VIETNAM_UTC_OFFSET_MS;
  return new Date(local - (local % 86_400_000) - VIETNAM_UTC_OFFSET_MS);
}
