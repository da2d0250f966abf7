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
}

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
 * One item for one conversation: `sent` (a message queued on the channel), `waiting` (its window is
 * closed, or the daily cap reached: it stays in the citizen's "tin mới"), `quiet` (held for the morning).
 */
export type NewsDeliveryStatus = 'sent' | 'waiting' | 'quiet';

export interface NewsDelivery {
  /** `${itemId}|${conversationId}`: one per (item, citizen's channel), whatever replays. */
  id: string;
  itemId: string;
  conversationId: string;
  channel: ChannelKind;
  status: NewsDeliveryStatus;
  reason?: 'window' | 'cap' | 'quiet';
  at: Date;
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
