import { expect } from 'vitest';
import { renderButtonsAsText } from '../../adapters/zalo/render.js';
import { ticketAnswerButtons } from '../../src/domain/payloads.js';
import { vi } from '../../src/domain/copy/vi.js';
import { DEFAULT_TICKET_POLICY } from '../../src/domain/ticket.js';
import type { FakeZalo } from '../fakes/zalo/fake-zalo.js';
import type { ZaloWebhookDriver } from '../fakes/zalo/webhook-driver.js';
import { eventually } from './helpers.js';

/**
 * The citizen's side of the ask-an-agency loop on Zalo (text mode: choices are numbered and answered
 * by number), read off the fake Zalo API. Getters, because each test starts its own fake and a
 * restarted system gets a new driver.
 */
export function zaloCitizens(fake: () => FakeZalo, driver: () => ZaloWebhookDriver) {
  const textsTo = (userId: string): string[] => fake().sent.filter((m) => m.userId === userId).map((m) => String((m.message as { text?: string }).text ?? ''));

  /** Sends one typed message and waits for the bot's reply. */
  async function write(citizen: string, text: string): Promise<string> {
    const before = textsTo(citizen).length;
    const webhook = driver();
    expect((await webhook.deliver(webhook.text(citizen, text))).status).toBe(200);
    await eventually(() => expect(textsTo(citizen).length).toBeGreaterThan(before));
    return textsTo(citizen).slice(before).join('\n');
  }

  /** Asks `question`, sends it to an agency (forward, no publication, no name, no phone); the code and agency read off Zalo. */
  async function askAnAgency(citizen: string, question: string): Promise<{ code: string; agencyName: string }> {
    expect(await write(citizen, question)).toContain(vi.bot.fallbackOffer);
    expect(await write(citizen, '1')).toContain(vi.bot.tickets.consentPrompt(question)); // Gửi cho cơ quan
    expect(await write(citizen, '1')).toContain(vi.bot.tickets.publishPrompt); // Đồng ý gửi
    expect(await write(citizen, '2')).toContain(vi.bot.tickets.namePrompt); // Không đăng
    expect(await write(citizen, '1')).toContain(vi.bot.tickets.phonePrompt); // Bỏ qua (no name)
    const opened = await write(citizen, '1'); // Bỏ qua (no phone)
    const code = /mã tra cứu ([0-9A-Z]{4}-[0-9A-Z]{5})/.exec(opened)?.[1];
    const agencyName = /Cơ quan phụ trách: (.+?)\. Hạn trả lời/.exec(opened)?.[1];
    expect(code, opened).toBeDefined();
    expect(agencyName, opened).toBeDefined();
    return { code: code!, agencyName: agencyName! };
  }

  return { textsTo, write, askAnAgency };
}

/** The agency's answer as Zalo (text mode) shows it: the notice with its close/reopen choices numbered. */
export function answerNoticeOnZalo(code: string, agencyName: string, answer: string): string {
  return renderButtonsAsText(vi.bot.tickets.answerNotice({ code, agencyName, answer, reopenWindowDays: DEFAULT_TICKET_POLICY.reopenWindowDays }), ticketAnswerButtons(vi.bot.tickets.answerButtons, code));
}
