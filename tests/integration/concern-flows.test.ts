import { describe, expect, it } from 'vitest';
import { concernShown } from '../../flows/compose.js';
import type { Brain } from '../../knowledge/brain/index.js';
import { copyFor } from '../../src/domain/copy/index.js';
import { vi } from '../../src/domain/copy/vi.js';
import type { Reply } from '../../src/domain/message.js';
import type { AskContext, AskResult, Concern, KnowledgeSearch } from '../../src/ports/knowledge.js';
import { useFlowHarness } from './flow-harness.js';

/**
 * A concern about a procedure (issue 10) through the real Botkit engine and the embedded store: a
 * complaint, a dispute, an entitlement or amount, a legal judgement. The brain is the real one except
 * for the messages below, whose reading (`AskResult.concern`, with the related procedure) is given, so
 * these tests hold whatever the brain's concern rules say. The related procedure is named only as
 * context: it is never answered in place of the question, and what the citizen wrote is what is sent on.
 */

const THAT_NGHIEP = 'tro-cap-that-nghiep';
const THUA_KE = 'dang-ky-bien-dong-thua-ke';
const THUONG_TRU = 'dang-ky-thuong-tru';

const COMPLAINT = 'Tôi nộp hồ sơ trợ cấp thất nghiệp từ tháng 3, đi lại nhiều lần mà vẫn chưa nhận được tiền, đề nghị xem xét.';
const COMPLAINT_NO_PROCEDURE = 'Hồ sơ của tôi nộp ở xã đã 2 tháng vẫn chưa được giải quyết.';
const COMPLAINT_TO_AGENCY = 'Tôi muốn gửi khiếu nại cho cơ quan: hồ sơ trợ cấp thất nghiệp của tôi chậm giải quyết.';
const DISPUTE = 'Anh em tôi tranh chấp mảnh đất bố mẹ để lại, chưa chia thừa kế thì ai được đứng tên?';
const ENTITLEMENT = 'Tôi nghỉ việc sau 5 năm đóng bảo hiểm thì được bao nhiêu tiền trợ cấp thất nghiệp?';
const LEGAL = 'Chuyển nhà mà không đăng ký thường trú có bị phạt không?';
const LEGAL_NO_PROCEDURE = 'Hàng xóm xây lấn sang đất nhà tôi có vi phạm không?';

const base = (question: string): AskResult => ({ question, intent: 'other', decision: 'abstain', best: null, alternatives: [], language: 'vi' });
const concern = (kind: Concern['kind'], related?: string): Concern => ({ kind, ...(related ? { related: harness.brain.getProcedure(related)! } : {}) });

/** The readings the scripted brain gives, by message: what the brain will set (decision abstain, no best). */
function scripted(question: string): AskResult | undefined {
  const r = base(question);
  switch (question) {
    case COMPLAINT:
      return { ...r, intent: 'feedback', concern: concern('complaint', THAT_NGHIEP) };
    case COMPLAINT_NO_PROCEDURE:
      return { ...r, intent: 'feedback', concern: concern('complaint') };
    case COMPLAINT_TO_AGENCY:
      return { ...r, intent: 'feedback', wantsAgency: true, concern: concern('complaint', THAT_NGHIEP) };
    case DISPUTE:
      return { ...r, concern: concern('dispute', THUA_KE) };
    case ENTITLEMENT:
      return { ...r, concern: concern('entitlement', THAT_NGHIEP) };
    case LEGAL:
      return { ...r, concern: concern('legal', THUONG_TRU) };
    case LEGAL_NO_PROCEDURE:
      return { ...r, concern: concern('legal') };
    default:
      return undefined;
  }
}

function scriptedBrain(brain: Brain): KnowledgeSearch {
  return {
    ask: (question: string, context?: AskContext) => scripted(question) ?? brain.ask(question, context),
    getProcedure: (id) => brain.getProcedure(id),
    listAgencies: () => brain.listAgencies(),
  };
}

const harness = useFlowHarness(scriptedBrain);
const { say, conversation } = harness;

const texts = (replies: Reply[]) => replies.map((r) => r.text).join('\n');
const payloads = (reply: Reply | undefined) => (reply?.buttons ?? []).map((b) => b.payload);
const nameOf = (id: string) => harness.brain.getProcedure(id)!.name;
const ticketsOf = (user: string) => harness.store.tickets.find({ conversationId: conversation(user).id, limit: 10 });

/** Nothing was sent anywhere: no ticket, no operator request. */
async function expectNothingOpened(user: string): Promise<void> {
  expect(await ticketsOf(user)).toHaveLength(0);
  expect(await harness.store.handoffs.listByConversation(conversation(user).id, 10)).toHaveLength(0);
}

/** The procedure's answer was not given: its documents, fee and follow-up buttons are absent. */
function expectNoAnswer(replies: Reply[]): void {
  for (const reply of replies) expect(reply.meta!.tag).not.toBe('answer');
  expect(texts(replies)).not.toContain(vi.answers.labels.documents);
  expect(texts(replies)).not.toContain(vi.answers.labels.fee);
  expect(replies.flatMap((r) => payloads(r))).not.toContain('topic:documents');
}

/** Through the rest of the request dialog after consent: publish no, name and phone skipped. */
async function finishRequest(user: string): Promise<Reply[]> {
  await say(user, 'ans:no', true);
  await say(user, 'ans:skip', true);
  return say(user, 'ans:skip', true);
}

describe('a complaint about how a procedure was handled (issue 10): the feedback path', () => {
  it('acknowledges the complaint, names the procedure as context, and forwards the complaint whole to that procedure’s agency', async () => {
    const offer = await say('c1', COMPLAINT);
    expect(texts(offer)).toBe(vi.bot.complaintOffer(nameOf(THAT_NGHIEP)));
    expect(texts(offer)).toContain(`Bạn đang phản ánh về hồ sơ thủ tục "${nameOf(THAT_NGHIEP)}"`);
    expect(texts(offer)).toContain('không trực tiếp xử lý phản ánh');
    expect(offer[0]!.meta).toMatchObject({ tag: 'offer', procedureId: THAT_NGHIEP, locale: 'vi' });
    expect(payloads(offer[0])).toEqual(['req:agency', 'req:operator', 'req:rephrase']);
    expectNoAnswer(offer);
    await expectNothingOpened('c1');

    // A typed yes goes on to consent, which shows what the citizen wrote, whole, as a report.
    const consent = await say('c1', 'có');
    expect(texts(consent)).toBe(vi.bot.tickets.consentPrompt(COMPLAINT, 'feedback'));
    expect(consent[0]!.meta).toMatchObject({ tag: 'consent' });
    await expectNothingOpened('c1');

    const place = await say('c1', 'ans:yes', true);
    expect(place[0]!.meta).toMatchObject({ tag: 'place' });
    const publish = await say('c1', 'Bảo hiểm xã hội huyện, xã Bình Minh');
    expect(publish[0]!.meta).toMatchObject({ tag: 'publish' });
    const opened = await finishRequest('c1');
    expect(opened[0]!.meta).toMatchObject({ tag: 'ticket-opened', procedureId: THAT_NGHIEP });

    const [ticket, ...others] = await ticketsOf('c1');
    expect(others).toHaveLength(0);
    expect(ticket).toMatchObject({ kind: 'feedback', question: COMPLAINT, procedureId: THAT_NGHIEP, place: 'Bảo hiểm xã hội huyện, xã Bình Minh' });
    // The procedure decides the agency (RouteHints.procedureId).
    expect(ticket!.agencyId).toBe(harness.brain.getProcedure(THAT_NGHIEP)!.agencyId);
  });

  it('gives a person the complaint and its procedure when the citizen taps "Gặp tổng đài viên"', async () => {
    await say('c2', COMPLAINT);
    await say('c2', 'req:operator', true);
    const requests = await harness.store.handoffs.listByConversation(conversation('c2').id, 10);
    // The complaint first tried for a person itself (a sensitive matter), then the button asked again.
    expect(requests.at(0)).toMatchObject({ reason: 'requested', question: COMPLAINT, procedureId: THAT_NGHIEP });
    expect(await ticketsOf('c2')).toHaveLength(0);
  });

  it('gives a complaint with no procedure known the usual feedback offer, naming none, and keeps it whole', async () => {
    const offer = await say('c3', COMPLAINT_NO_PROCEDURE);
    expect(texts(offer)).toBe(vi.bot.feedbackOffer);
    expect(offer[0]!.meta).toEqual({ tag: 'offer', locale: 'vi' });
    const consent = await say('c3', 'req:agency', true);
    expect(texts(consent)).toBe(vi.bot.tickets.consentPrompt(COMPLAINT_NO_PROCEDURE, 'feedback'));
  });

  it('keeps the complaint when the citizen also says they want to write to an agency (never asks for it again)', async () => {
    const offer = await say('c4', COMPLAINT_TO_AGENCY);
    expect(texts(offer)).not.toBe(vi.bot.tickets.questionPrompt);
    expect(texts(offer)).toBe(vi.bot.complaintOffer(nameOf(THAT_NGHIEP)));
    const consent = await say('c4', 'req:agency', true);
    expect(texts(consent)).toBe(vi.bot.tickets.consentPrompt(COMPLAINT_TO_AGENCY, 'feedback'));
  });

  it('still gives the generic feedback offer to a problem reported without a concern', async () => {
    // The real brain reads this as feedback (tests/integration/flows.test.ts): no procedure is named.
    const offer = await say('c5', 'Đèn đường trước nhà hỏng cả tháng nay không ai sửa');
    expect(offer[0]!.meta).toMatchObject({ tag: 'offer' });
    expect(texts(offer)).not.toContain('khiếu nại');
  });
});

describe('a dispute, an entitlement or a legal judgement (issue 10): what it needs, the procedure only as context', () => {
  const cases = [
    { kind: 'dispute', text: DISPUTE, procedure: THUA_KE, needs: ['tranh chấp', 'hòa giải', 'UBND cấp xã', 'Tòa án'] },
    { kind: 'entitlement', text: ENTITLEMENT, procedure: THAT_NGHIEP, needs: ['cơ quan giải quyết tính theo hồ sơ'] },
    { kind: 'legal', text: LEGAL, procedure: THUONG_TRU, needs: ['cơ quan có thẩm quyền', 'luật sư', 'trợ giúp pháp lý'] },
  ] as const;

  for (const { kind, text, procedure, needs } of cases) {
    it(`says what a ${kind} question needs, names "${procedure}" as context, and sends the question itself on with the agency button`, async () => {
      const user = `k-${kind}`;
      const shown = await say(user, text);
      expect(shown).toHaveLength(1);
      expect(texts(shown)).toBe(vi.bot.talk.concern({ kind, procedure: nameOf(procedure) }));
      expect(texts(shown)).toContain(`Thủ tục liên quan: "${nameOf(procedure)}"`);
      for (const words of needs) expect(texts(shown)).toContain(words);
      expect(shown[0]!.meta).toEqual({ tag: 'concern', procedureId: procedure, locale: 'vi' });
      expect(payloads(shown[0])).toEqual(['req:agency', `proc:${procedure}`, 'menu:ask', 'req:operator', 'menu:help']);
      expect(shown[0]!.buttons!.slice(0, 2).map((b) => b.title)).toEqual([vi.bot.talk.concernButtons.agency, vi.bot.talk.concernButtons.procedure]);
      expectNoAnswer(shown);
      await expectNothingOpened(user);

      // "Gửi câu hỏi cho cơ quan": the topic dialog kept the question, so it goes straight to consent.
      const consent = await say(user, 'req:agency', true);
      expect(texts(consent)).toBe(vi.bot.tickets.consentPrompt(text));
      expect(consent[0]!.meta).toMatchObject({ tag: 'consent' });
      await expectNothingOpened(user);
      const publish = await say(user, 'ans:yes', true);
      expect(publish[0]!.meta).toMatchObject({ tag: 'publish' });
      const opened = await finishRequest(user);
      expect(opened[0]!.meta).toMatchObject({ tag: 'ticket-opened', procedureId: procedure });
      const [ticket] = await ticketsOf(user);
      expect(ticket).toMatchObject({ kind: 'question', question: text, procedureId: procedure });
    });
  }

  it('answers the related procedure only when the citizen taps "Xem thủ tục liên quan"', async () => {
    await say('k1', ENTITLEMENT);
    const answer = await say('k1', `proc:${THAT_NGHIEP}`, true);
    expect(answer[0]!.meta).toMatchObject({ tag: 'answer', procedureId: THAT_NGHIEP });
    expect(texts(answer)).toContain(nameOf(THAT_NGHIEP));
    await expectNothingOpened('k1');
  });

  it('gives a person the question and its procedure from the menu under a concern', async () => {
    await say('k2', DISPUTE);
    await say('k2', 'req:operator', true);
    const [request] = await harness.store.handoffs.listByConversation(conversation('k2').id, 10);
    expect(request).toMatchObject({ reason: 'requested', question: DISPUTE, procedureId: THUA_KE });
  });

  it('reads a concern typed while another procedure is under discussion as a concern, not a follow-up', async () => {
    const first = await say('k3', 'đăng ký khai sinh');
    expect(first[0]!.meta).toMatchObject({ tag: 'answer', procedureId: 'dang-ky-khai-sinh' });
    const shown = await say('k3', LEGAL);
    expect(shown[0]!.meta).toEqual({ tag: 'concern', procedureId: THUONG_TRU, locale: 'vi' });
    expectNoAnswer(shown);
    const consent = await say('k3', 'req:agency', true);
    expect(texts(consent)).toBe(vi.bot.tickets.consentPrompt(LEGAL));
  });

  it('names no procedure and offers none when the concern has no related procedure', async () => {
    const shown = await say('k4', LEGAL_NO_PROCEDURE);
    expect(texts(shown)).toBe(vi.bot.talk.concern({ kind: 'legal' }));
    expect(texts(shown)).not.toContain('Thủ tục liên quan');
    expect(shown[0]!.meta).toEqual({ tag: 'concern', locale: 'vi' });
    expect(payloads(shown[0])).toEqual(['req:agency', 'menu:ask', 'req:operator', 'menu:help']);
    const consent = await say('k4', 'req:agency', true);
    expect(texts(consent)).toBe(vi.bot.tickets.consentPrompt(LEGAL_NO_PROCEDURE));
    await expectNothingOpened('k4');
  });
});

describe('the concern copy in English and Khmer (machine-drafted)', () => {
  it('says what each concern needs, names the procedure, and titles the buttons in the language', () => {
    for (const locale of ['en', 'km'] as const) {
      const copy = copyFor(locale);
      for (const kind of ['dispute', 'entitlement', 'legal'] as const) {
        const shown = concernShown(copy, concern(kind, THAT_NGHIEP) as Concern & { kind: typeof kind });
        expect(shown.text).toBe(copy.bot.talk.concern({ kind, procedure: nameOf(THAT_NGHIEP) }));
        expect(shown.text).not.toBe(vi.bot.talk.concern({ kind, procedure: nameOf(THAT_NGHIEP) }));
        expect(shown.text).toContain(`"${nameOf(THAT_NGHIEP)}"`);
        expect(shown.meta).toEqual({ tag: 'concern', procedureId: THAT_NGHIEP });
        expect(shown.buttons!.slice(0, 2).map((b) => b.title)).toEqual([copy.bot.talk.concernButtons.agency, copy.bot.talk.concernButtons.procedure]);
      }
      expect(copy.bot.complaintOffer(nameOf(THAT_NGHIEP))).toContain(`"${nameOf(THAT_NGHIEP)}"`);
      expect(copy.bot.complaintOffer(nameOf(THAT_NGHIEP))).not.toBe(vi.bot.complaintOffer(nameOf(THAT_NGHIEP)));
    }
    expect(copyFor('en').bot.talk.concern({ kind: 'legal', procedure: 'Đăng ký thường trú' })).toContain('Related procedure: "Đăng ký thường trú".');
  });
});
