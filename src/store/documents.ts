import type { Contact, ContactIdentity, Conversation, InboundMessage } from '../domain/conversation.js';
import type { ConversationRepo, InboundRepo, TicketQuery } from '../ports/store.js';
import { conversationKey } from '../domain/message.js';
import type { Condition, Filter, Scalar } from './collection.js';

/**
 * The document shapes (our `id` stored as `_id`, so the primary key is the idempotency key), the
 * mapping both ways and the shared filters. Every adapter keeps the same documents, so data can move
 * between the embedded store and MongoDB with a plain export/import.
 */

/** A domain record as stored: `id` becomes `_id`. */
export type Doc<T extends { id: string }> = Omit<T, 'id'> & { _id: string };

/** Contacts also keep one flat key per identity, so a unique index can guarantee one contact per identity. */
export type ContactDoc = Doc<Contact> & { identityKeys: string[] };

/** Key-value entries keep their value as JSON text: dialog state may hold keys with `.` or `$`. */
export interface KeyValueDoc {
  _id: string;
  json: string;
  updatedAt: Date;
}

export interface SecretDoc {
  _id: string;
  value: Record<string, unknown>;
  /** 1 on first write, +1 on every successful compare-and-set. */
  version: number;
  updatedAt: Date;
}

/** The flat key of one identity (same shape as the conversation id of that identity). */
export function identityKey(identity: ContactIdentity): string {
  return conversationKey(identity.channel, identity.accountId, identity.userId);
}

/** Copies a record without its `undefined` fields (Mongo would store them as null, nedb drops them). */
export function defined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = field;
  return out as T;
}

export function toDoc<T extends { id: string }>(record: T): Doc<T> {
  const { id, ...rest } = defined(record);
  return { ...rest, _id: id } as Doc<T>;
}

export function fromDoc<D extends { _id: string }>(doc: D): Omit<D, '_id'> & { id: string } {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

export function contactFromDoc(doc: ContactDoc): Contact {
  const { identityKeys: _keys, ...rest } = doc;
  return fromDoc(rest);
}


/** A new conversation as getOrOpen creates it: the bot answers (handoff `bot`, revision 0), every timestamp at `at`. */
export function openConversation(input: Parameters<ConversationRepo['getOrOpen']>[0]): Conversation {
  const { id, contactId, channel, accountId, userId, at } = input;
  return { id, contactId, channel, accountId, userId, handoff: { status: 'bot', rev: 0 }, lastInboundAt: at, createdAt: at, updatedAt: at };
}

/** A new inbound message with its seq, still to be processed. */
export function receivedMessage(msg: Parameters<InboundRepo['insert']>[0], seq: number): InboundMessage {
  return defined({ ...msg, seq, status: 'received' as const });
}

/** The filter of a ticket query (collection.ts's query language). Sort and limit are the caller's. */
export function ticketFilter(query: Omit<TicketQuery, 'limit'>): Filter {
  const filter: Record<string, Scalar | Condition> = {};
  if (query.agencyId !== undefined) filter.agencyId = query.agencyId;
  if (query.status !== undefined) filter.status = { $in: [...query.status] };
  if (query.dueBefore !== undefined) filter.dueAt = { $lt: query.dueBefore };
  if (query.conversationId !== undefined) filter.conversationId = query.conversationId;
  if (query.createdFrom !== undefined || query.createdBefore !== undefined) {
    filter.createdAt = {
      ...(query.createdFrom !== undefined && { $gte: query.createdFrom }),
      ...(query.createdBefore !== undefined && { $lt: query.createdBefore }),
    };
  }
  return filter;
}

/** Newest first; ties (same createdAt) in a stable order. */
export const TICKETS_NEWEST_FIRST = { createdAt: -1, _id: -1 } as const;

/** Public Q&A entries, newest first. */
export const PUBLICATIONS_NEWEST_FIRST = { publishedAt: -1, _id: -1 } as const;

/** The filter for PublicationQuery: `field: null` matches entries stored without a field. */
export function publicationFilter(query: { field?: string | null }): Filter {
  if (query.field === undefined) return {};
  if (query.field === null) return { field: { $exists: false } };
  return { field: query.field };
}
