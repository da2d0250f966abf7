import { describe, expect, it } from 'vitest';
import { createWebchatAdapter } from '../../../adapters/webchat/adapter.js';
import { createInProcessHub, type WebchatEvent } from '../../../adapters/webchat/hub.js';
import type { OutboundMessage } from '../../../src/domain/message.js';
import { ChannelSendError } from '../../../src/ports/channel.js';

const AT = Date.UTC(2026, 10, 21, 8, 30);

function outbound(patch: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'webchat:m1#r0',
    channel: 'webchat',
    accountId: 'portal',
    userId: 'visitor-a',
    conversationId: 'webchat:portal:visitor-a',
    reply: { text: 'Bạn đang hỏi về thủ tục nào dưới đây?', buttons: [{ title: 'Chứng thực chữ ký', payload: 'procedure:2.000884' }] },
    purpose: 'response',
    lastInboundAt: AT,
    ...patch,
  };
}

function setup() {
  const hub = createInProcessHub();
  const received: WebchatEvent[] = [];
  hub.subscribe('visitor-a', (e) => received.push(e));
  const adapter = createWebchatAdapter({ hub, accountId: 'portal', now: () => AT });
  return { hub, adapter, received };
}

describe('webchat adapter', () => {
  it('When created, then it is the webchat channel with 10 buttons and 4,000 characters', () => {
    const { adapter } = setup();
    expect(adapter.kind).toBe('webchat');
    expect(adapter.capabilities).toEqual({ maxButtons: 10, maxTextLength: 4000 });
  });

  it('When a reply is sent, then the visitor’s subscribers get {id, text, buttons, link, at} and the id is the external id', async () => {
    // Arrange
    const { adapter, received } = setup();
    const message = outbound({ reply: { text: 'Xin chào', buttons: [{ title: 'Hồ sơ', payload: 'topic:documents' }], link: { title: 'Nộp trực tuyến', url: 'https://dichvucong.gov.vn' } } });

    // Act
    const result = await adapter.send(message);

    // Assert
    expect(result).toEqual({ externalId: 'webchat:m1#r0' });
    expect(received).toEqual([
      {
        id: 'webchat:m1#r0',
        from: 'assistant',
        text: 'Xin chào',
        buttons: [{ title: 'Hồ sơ', payload: 'topic:documents' }],
        link: { title: 'Nộp trực tuyến', url: 'https://dichvucong.gov.vn' },
        at: new Date(AT).toISOString(),
      },
    ]);
  });

  it('When the visitor has no open stream, then sending still succeeds (history shows it later)', async () => {
    const { adapter } = setup();
    await expect(adapter.send(outbound({ userId: 'visitor-away' }))).resolves.toEqual({ externalId: 'webchat:m1#r0' });
  });

  it('When a reply exceeds the widget limits, then text and buttons are cut to them', async () => {
    const { adapter, received } = setup();
    const buttons = Array.from({ length: 12 }, (_, i) => ({ title: `Lựa chọn ${i}`, payload: `p${i}` }));
    await adapter.send(outbound({ reply: { text: 'a'.repeat(5000), buttons } }));
    expect(received[0]!.text).toHaveLength(4000);
    expect(received[0]!.buttons).toHaveLength(10);
  });

  it('When a message for another channel or account arrives, then it is refused permanently', async () => {
    const { adapter } = setup();
    await expect(adapter.send(outbound({ channel: 'zalo' }))).rejects.toMatchObject({ kind: 'permanent' });
    await expect(adapter.send(outbound({ accountId: 'other-portal' }))).rejects.toBeInstanceOf(ChannelSendError);
  });

  it('When the hub cannot publish, then the failure is retryable', async () => {
    const adapter = createWebchatAdapter({
      hub: { publish: () => Promise.reject(new Error('redis down')), subscribe: () => () => {} },
      accountId: 'portal',
    });
    await expect(adapter.send(outbound())).rejects.toMatchObject({ name: 'ChannelSendError', kind: 'retryable' });
  });

  it('When asked to verify or parse a webhook, then it refuses: the widget route authenticates by session', () => {
    const { adapter } = setup();
    expect(adapter.verify(Buffer.from('{}'), {})).toBe(false);
    expect(adapter.parse({ any: 'body' })).toEqual([]);
  });
});
