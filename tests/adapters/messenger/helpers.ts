import { readFileSync } from 'node:fs';
import type { OutboundMessage, Reply, SendPurpose } from '../../../src/domain/message.js';

/** Raw bytes of a fixture under tests/adapters/messenger/fixtures (encoded as Meta encodes, see sign.ts). */
export function fixture(name: string): Buffer {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
}

export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;

/** An outbound message to `psid` on `pageId`, with its own random id. */
export function outbound(
  pageId: string,
  psid: string,
  reply: Reply,
  overrides: { purpose?: SendPurpose; lastInboundAt?: number; id?: string } = {},
): OutboundMessage {
  return {
    id: overrides.id ?? `out-${Math.random().toString(36).slice(2)}`,
    channel: 'messenger',
    accountId: pageId,
    userId: psid,
    conversationId: `messenger:${pageId}:${psid}`,
    reply,
    purpose: overrides.purpose ?? 'response',
    lastInboundAt: overrides.lastInboundAt ?? Date.now(),
  };
}
