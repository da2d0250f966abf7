import { expect } from 'vitest';
import { conversationKey } from '../../src/domain/message.js';
import type { Store } from '../../src/ports/store.js';

/** A signed-in console user as the API sees it: the session cookie and the CSRF token to echo. */
export interface ConsoleSignIn {
  cookie: string;
  csrfToken: string;
}

/** Signs in on `POST /api/v1/auth/login` and expects it to succeed. */
export async function consoleLogin(base: string, username: string, password: string): Promise<ConsoleSignIn> {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(response.status).toBe(200);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie: response.headers.getSetCookie()[0]!.split(';')[0]!, csrfToken };
}

/** Calls `/api/v1<path>` as `who` (sending the CSRF token unless `csrf` is false). */
export function consoleCall(base: string, method: string, path: string, body?: unknown, who?: ConsoleSignIn, csrf = true): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (who) headers['cookie'] = who.cookie;
  if (who && csrf) headers['x-csrf-token'] = who.csrfToken;
  return fetch(`${base}/api/v1${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

/** A widget visitor's conversation, created in the store as the receiver would. */
export async function openWebchatConversation(store: Store, userId: string): Promise<string> {
  const at = new Date();
  const identity = { channel: 'webchat' as const, accountId: 'portal', userId };
  const contact = await store.contacts.upsertByIdentity(identity, at);
  const conversation = await store.conversations.getOrOpen({ id: conversationKey('webchat', 'portal', userId), contactId: contact.id, ...identity, at });
  return conversation.id;
}
