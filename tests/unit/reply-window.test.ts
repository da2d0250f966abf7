import { describe, expect, it } from 'vitest';
import { HUMAN_AGENT_WINDOW_MS, STANDARD_WINDOW_MS } from '../../adapters/messenger/policy.js';
import { DEFAULT_SESSION_TTL_MS } from '../../adapters/webchat/session.js';
import {
  DEFAULT_WIDGET_SESSION_MS,
  MESSENGER_HUMAN_AGENT_WINDOW_MS,
  MESSENGER_STANDARD_WINDOW_MS,
  replyWindow,
} from '../../src/domain/reply-window.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const LAST = new Date('2026-12-07T02:00:00Z'); // Mon 09:00 in Hà Nội
const after = (ms: number): Date => new Date(LAST.getTime() + ms);

describe('replyWindow: Zalo', () => {
  it('When the citizen wrote an hour ago, then a reply is possible, free until 48 h and closing at 7 days', () => {
    expect(replyWindow({ channel: 'zalo', lastInboundAt: LAST, now: after(HOUR), humanAgentTag: false })).toEqual({
      canReply: true,
      billableAfter: after(48 * HOUR),
      closesAt: after(7 * DAY),
    });
  });

  it('When 48 h have passed, then a reply is still possible but billable', () => {
    const window = replyWindow({ channel: 'zalo', lastInboundAt: LAST, now: after(48 * HOUR), humanAgentTag: false });
    expect(window.canReply).toBe(true);
    expect(window.billableAfter!.getTime()).toBeLessThanOrEqual(after(48 * HOUR).getTime());
  });

  it('When the 7 days end, then the last millisecond is open and the end instant closed', () => {
    expect(replyWindow({ channel: 'zalo', lastInboundAt: LAST, now: after(7 * DAY - 1), humanAgentTag: false }).canReply).toBe(true);
    expect(replyWindow({ channel: 'zalo', lastInboundAt: LAST, now: after(7 * DAY), humanAgentTag: false })).toEqual({
      canReply: false,
      billableAfter: after(48 * HOUR),
      closesAt: after(7 * DAY),
    });
  });
});

describe('replyWindow: Messenger', () => {
  it('When within 24 h with HUMAN_AGENT on, then a plain reply is possible until 7 days', () => {
    expect(replyWindow({ channel: 'messenger', lastInboundAt: LAST, now: after(24 * HOUR - 1), humanAgentTag: true })).toEqual({ canReply: true, closesAt: after(7 * DAY) });
  });

  it('When past 24 h with HUMAN_AGENT on, then the reply carries the HUMAN_AGENT tag until 7 days', () => {
    expect(replyWindow({ channel: 'messenger', lastInboundAt: LAST, now: after(24 * HOUR), humanAgentTag: true })).toEqual({
      canReply: true,
      closesAt: after(7 * DAY),
      tag: 'HUMAN_AGENT',
    });
    expect(replyWindow({ channel: 'messenger', lastInboundAt: LAST, now: after(7 * DAY - 1), humanAgentTag: true }).tag).toBe('HUMAN_AGENT');
  });

  it('When 7 days have passed with HUMAN_AGENT on, then no reply is possible and no tag is offered', () => {
    expect(replyWindow({ channel: 'messenger', lastInboundAt: LAST, now: after(7 * DAY), humanAgentTag: true })).toEqual({ canReply: false, closesAt: after(7 * DAY) });
  });

  it('When HUMAN_AGENT is off, then the window is the standard 24 h', () => {
    expect(replyWindow({ channel: 'messenger', lastInboundAt: LAST, now: after(24 * HOUR - 1), humanAgentTag: false })).toEqual({ canReply: true, closesAt: after(24 * HOUR) });
    expect(replyWindow({ channel: 'messenger', lastInboundAt: LAST, now: after(24 * HOUR), humanAgentTag: false })).toEqual({ canReply: false, closesAt: after(24 * HOUR) });
  });

  it('When compared with the Messenger adapter\'s delivery policy, then the windows are the same', () => {
    expect(MESSENGER_STANDARD_WINDOW_MS).toBe(STANDARD_WINDOW_MS);
    expect(MESSENGER_HUMAN_AGENT_WINDOW_MS).toBe(HUMAN_AGENT_WINDOW_MS);
  });
});

describe('replyWindow: webchat', () => {
  it('When no session lifetime is given, then the window is the widget session default of 90 days', () => {
    expect(DEFAULT_WIDGET_SESSION_MS).toBe(DEFAULT_SESSION_TTL_MS);
    expect(replyWindow({ channel: 'webchat', lastInboundAt: LAST, now: after(89 * DAY), humanAgentTag: true })).toEqual({ canReply: true, closesAt: after(90 * DAY) });
    expect(replyWindow({ channel: 'webchat', lastInboundAt: LAST, now: after(90 * DAY), humanAgentTag: true }).canReply).toBe(false);
  });

  it('When a session lifetime is given, then it sets the window', () => {
    expect(replyWindow({ channel: 'webchat', lastInboundAt: LAST, now: after(HOUR - 1), humanAgentTag: false, widgetSessionMs: HOUR })).toEqual({ canReply: true, closesAt: after(HOUR) });
    expect(replyWindow({ channel: 'webchat', lastInboundAt: LAST, now: after(HOUR), humanAgentTag: false, widgetSessionMs: HOUR }).canReply).toBe(false);
  });

  it('When the session lifetime is not positive, then it is a RangeError', () => {
    expect(() => replyWindow({ channel: 'webchat', lastInboundAt: LAST, now: LAST, humanAgentTag: false, widgetSessionMs: 0 })).toThrow(RangeError);
  });
});

describe('replyWindow: invalid input', () => {
  it('When the last inbound time is invalid, then no reply is possible (as the Messenger policy treats it)', () => {
    expect(replyWindow({ channel: 'zalo', lastInboundAt: new Date(Number.NaN), now: LAST, humanAgentTag: false })).toEqual({ canReply: false });
  });

  it('When now is invalid, then it is a RangeError', () => {
    expect(() => replyWindow({ channel: 'zalo', lastInboundAt: LAST, now: new Date(Number.NaN), humanAgentTag: false })).toThrow(RangeError);
  });
});
