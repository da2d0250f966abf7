import { describe, expect, it } from 'vitest';
import type { Brain } from '../../knowledge/brain/index.js';
import { copyFor } from '../../src/domain/copy/index.js';
import { vi } from '../../src/domain/copy/vi.js';
import type { Reply } from '../../src/domain/message.js';
import type { AskContext, AskResult, KnowledgeSearch } from '../../src/ports/knowledge.js';
import { useFlowHarness } from './flow-harness.js';

/**
 * The flows' side of issue 9 through the real Botkit engine and the embedded store, with a scripted
 * brain: the real brain, except for the messages below, whose reading (small talk, a follow-up, a
 * matter outside the catalog, another language…) is given. So these tests hold whatever the brain's
 * wording data says; tests/integration/flows.test.ts runs the same conversations on the real brain.
 * Every reply is checked for its meta (what it is), and no ticket or operator request may appear
 * without the citizen's explicit choice.
 */
/** The context the brain was last asked with, per question. */
const asked = new Map<string, AskContext | undefined>();

const KHAI_SINH = 'dang-ky-khai-sinh';
const THUONG_TRU = 'dang-ky-thuong-tru';
const KET_HON = 'dang-ky-ket-hon';

const candidate = (id: string, score = 0.8) => ({ procedure: harness.brain.getProcedure(id)!, score });
const base = (question: string): AskResult => ({ question, intent: 'other', decision: 'abstain', best: null, alternatives: [], language: 'vi' });

/** The readings the scripted brain gives, by message. */
function scripted(question: string, context: AskContext | undefined): AskResult | undefined {
  const r = base(question);
  switch (question) {
    case 'cảm ơn':
    case 'cam on':
      return { ...r, smallTalk: 'thanks' };
    case 'ok':
      return { ...r, smallTalk: 'ok' };
    case 'asdfgh qwer':
      return { ...r, smallTalk: 'gibberish' };
    case 'bot ngu quá':
      return { ...r, smallTalk: 'insult' };
    case 'chưa hiểu':
      return { ...r, smallTalk: 'confused' };
    case 'sai rồi':
      return { ...r, smallTalk: 'negation' };
    case 'nộp online được không':
    case 'nop online duoc khong':
    case 'mất bao lâu':
      return context?.currentProcedureId
        ? { ...r, intent: 'procedure', decision: 'answer', best: candidate(context.currentProcedureId), followUp: question === 'mất bao lâu' ? 'time' : 'online' }
        : { ...r, intent: 'procedure' };
    case 'cái thứ hai':
      return context?.options?.[1] ? { ...r, intent: 'procedure', decision: 'answer', best: candidate(context.options[1]) } : r;
    case 'giấy tờ kết hôn':
      return { ...r, intent: 'procedure', decision: 'clarify', best: candidate(KET_HON), alternatives: [candidate(KET_HON)] };
    case 'khai sinh và thường trú':
      return { ...r, intent: 'procedure', decision: 'answer', best: candidate(KHAI_SINH), also: candidate(THUONG_TRU, 0.7) };
    case 'liên hệ ai':
    case 'lien he ai':
      return { ...r, intent: context?.currentProcedureId ? 'procedure' : 'other', followUp: 'contact', ...(context?.currentProcedureId ? { decision: 'answer', best: candidate(context.currentProcedureId) } : {}) };
    case 'số điện thoại ubnd phường tân an':
      return {
        ...r,
        followUp: 'contact',
        place: { text: 'phường Tân An', agencyId: 'ubnd-cap-xa', entry: { id: 'phuong-tan-an/ubnd', name: 'UBND phường Tân An', phone: '0270 3822 111', hours: 'Thứ Hai đến Thứ Sáu' } },
      };
    case 'thủ tục ly hôn':
    case 'thu tuc ly hon':
      return { ...r, outside: { id: 'ly-hon', name: 'Ly hôn', body: 'Tòa án nhân dân khu vực', guidance: 'Nộp đơn tại Tòa án nhân dân khu vực nơi cư trú.' } };
    case 'How do I register a birth?':
      return { ...r, language: 'en', intent: 'procedure' };
    case 'សួស្តី':
      return { ...r, language: 'km', intent: 'greeting' };
    case 'tôi muốn gửi câu hỏi cho cơ quan':
    case 'toi muon gui cau hoi cho co quan':
      return { ...r, wantsAgency: true };
    case 'con tôi bị đuổi học vô lý':
      return { ...r, intent: 'feedback' };
    default:
      return undefined;
  }
}

function scriptedBrain(brain: Brain): KnowledgeSearch {
  return {
    ask(question, context) {
      asked.set(question, context);
      return scripted(question, context) ?? brain.ask(question, context);
    },
    getProcedure: (id) => brain.getProcedure(id),
    listAgencies: () => brain.listAgencies(),
  };
}

const harness = useFlowHarness(scriptedBrain);
const { say, conversation } = harness;

const texts = (replies: Reply[]) => replies.map((r) => r.text).join('\n');
const tags = (replies: Reply[]) => replies.map((r) => r.meta!.tag);
const payloads = (reply: Reply | undefined) => (reply?.buttons ?? []).map((b) => b.payload);

/** Nothing was sent anywhere: no ticket, no operator request. */
async function expectNothingOpened(user: string): Promise<void> {
  expect(await harness.store.tickets.find({ conversationId: conversation(user).id, limit: 10 })).toHaveLength(0);
  expect(await harness.store.handoffs.listByConversation(conversation(user).id, 10)).toHaveLength(0);
}

describe('conversations that follow the citizen (issue 9, flows)', () => {
  it('carries what each reply is in its meta: an answer with its procedure and aspect, in Vietnamese', async () => {
    const first = await say('m1', 'đăng ký khai sinh');
    expect(first.at(-1)!.meta).toEqual({ tag: 'answer', procedureId: KHAI_SINH, locale: 'vi' });
    const fee = await say('m1', 'topic:fee', true);
    expect(fee[0]!.meta).toEqual({ tag: 'answer', procedureId: KHAI_SINH, topic: 'fee', locale: 'vi' });
    const contact = await say('m1', 'topic:contact', true);
    expect(contact[0]!.meta).toEqual({ tag: 'contact', procedureId: KHAI_SINH, locale: 'vi' });
    expect(payloads(contact[0])).toContain('topic:documents');
    expect(tags(await say('m1', 'xin chào'))).toEqual(['greeting']);
  });

  for (const followUp of ['nộp online được không', 'nop online duoc khong']) {
    it(`keeps the procedure under discussion for a typed follow-up ("${followUp}"), also after small talk`, async () => {
      await say('f1', 'đăng ký thường trú');
      const online = await say('f1', followUp);
      expect(asked.get(followUp)).toMatchObject({ currentProcedureId: THUONG_TRU });
      expect(online[0]!.meta).toMatchObject({ tag: 'answer', procedureId: THUONG_TRU, topic: 'online' });
      expect(tags(await say('f1', 'cảm ơn'))).toEqual(['small-talk']);
      const time = await say('f1', 'mất bao lâu');
      expect(asked.get('mất bao lâu')).toMatchObject({ currentProcedureId: THUONG_TRU });
      expect(time[0]!.meta).toMatchObject({ tag: 'answer', procedureId: THUONG_TRU, topic: 'time' });
      await expectNothingOpened('f1');
    });
  }

  it('keeps the options of the last clarification for a reply that picks one', async () => {
    const clarify = await say('c1', 'cấp lại');
    const options = clarify.at(-1)!.meta!.options!;
    expect(options.length).toBeGreaterThan(1);
    const picked = await say('c1', 'cái thứ hai');
    expect(asked.get('cái thứ hai')).toMatchObject({ options });
    expect(picked[0]!.meta).toMatchObject({ tag: 'answer', procedureId: options[1] });
  });

  it('answers both procedures named in one message, and follows the second', async () => {
    const replies = await say('b1', 'khai sinh và thường trú');
    expect(replies.map((r) => r.meta!.procedureId)).toEqual([KHAI_SINH, THUONG_TRU]);
    expect(replies[0]!.text).toContain(vi.bot.talk.both(harness.brain.getProcedure(KHAI_SINH)!.name, harness.brain.getProcedure(THUONG_TRU)!.name));
    await say('b1', 'mất bao lâu');
    expect(asked.get('mất bao lâu')).toMatchObject({ currentProcedureId: THUONG_TRU });
  });

  describe('small talk and repair never open anything', () => {
    for (const [text, tag] of [
      ['cảm ơn', 'small-talk'],
      ['cam on', 'small-talk'],
      ['ok', 'small-talk'],
      ['asdfgh qwer', 'small-talk'],
      ['bot ngu quá', 'small-talk'],
      ['chưa hiểu', 'repair'],
      ['sai rồi', 'repair'],
    ] as const) {
      it(`"${text}" gets a short ${tag} reply, outside and inside the topic`, async () => {
        expect(tags(await say('s1', text))).toEqual([tag]);
        await say('s1', 'đăng ký kết hôn');
        expect(tags(await say('s1', text))).toEqual([tag]);
        await expectNothingOpened('s1');
      });
    }

    it('offers to rephrase or to send the question on after "không phải" to a confirmation, which has yes and no', async () => {
      const confirm = await say('r1', 'giấy tờ kết hôn');
      expect(confirm[0]!.meta).toMatchObject({ tag: 'confirm', procedureId: KET_HON, options: [KET_HON] });
      expect(confirm[0]!.buttons).toEqual([
        { title: vi.bot.talk.confirmButtons.yes, payload: `proc:${KET_HON}` },
        { title: vi.bot.talk.confirmButtons.no, payload: 'req:none' },
      ]);
      for (const no of ['không phải', 'khong phai']) {
        const repair = await say('r1', no);
        expect(texts(repair)).toBe(vi.bot.talk.repair);
        expect(payloads(repair[0])).toEqual(['req:rephrase', 'req:agency', 'req:operator']);
      }
      // "Send it on": the question is shown back; nothing goes without a yes.
      const consent = await say('r1', 'req:agency', true);
      expect(texts(consent)).toBe(vi.bot.tickets.consentPrompt('giấy tờ kết hôn'));
      expect(payloads(consent[0])).toEqual(['ans:yes', 'ans:no']);
      await say('r1', 'ans:no', true);
      await expectNothingOpened('r1');
    });

    it('takes a typed yes to a confirmation as the procedure, and "none of these" as repair', async () => {
      await say('r2', 'giấy tờ kết hôn');
      expect((await say('r2', 'có'))[0]!.meta).toMatchObject({ tag: 'answer', procedureId: KET_HON });
      const clarify = await say('r2', 'cấp lại');
      expect(payloads(clarify.at(-1)).at(-1)).toBe('req:none');
      expect(tags(await say('r2', 'req:none', true))).toEqual(['repair']);
      // The topic is still open: a follow-up is still read in its context.
      await expectNothingOpened('r2');
    });
  });

  describe('a person only on an explicit wish', () => {
    it('answers "Gặp tổng đài viên" at once: with nobody online, the offer to leave the question or be called back; the next message is routed normally', async () => {
      const done = await say('o1', 'req:operator', true);
      expect(texts(done)).toBe(vi.bot.handoff.nobodyOnline);
      expect(done[0]!.meta).toMatchObject({ tag: 'operator-requested' });
      expect(done[0]!.buttons?.map((b) => b.payload)).toEqual(['req:agency', 'req:callback']);
      const next = await say('o1', 'đăng ký khai sinh');
      expect(next.at(-1)!.meta).toMatchObject({ tag: 'answer', procedureId: KHAI_SINH });
    });

    for (const text of ['liên hệ ai', 'lien he ai']) {
      it(`answers "${text}" about the procedure under discussion from the agency directory`, async () => {
        await say('k1', 'đăng ký khai sinh');
        const contact = await say('k1', text);
        expect(contact[0]!.meta).toMatchObject({ tag: 'contact', procedureId: KHAI_SINH });
        const agency = harness.brain.listAgencies().find((a) => a.id === harness.brain.getProcedure(KHAI_SINH)!.agencyId)!;
        expect(contact[0]!.text).toContain(agency.contacts.phone ?? agency.name);
        await expectNothingOpened('k1');
      });
    }

    it('answers the phone number of a named office from its directory entry', async () => {
      const contact = await say('k2', 'số điện thoại ubnd phường tân an');
      expect(contact[0]!.meta).toMatchObject({ tag: 'contact' });
      expect(contact[0]!.text).toContain('UBND phường Tân An');
      expect(contact[0]!.text).toContain('0270 3822 111');
      await expectNothingOpened('k2');
    });
  });

  for (const text of ['thủ tục ly hôn', 'thu tuc ly hon']) {
    it(`points "${text}" to the competent body and offers to send the question on (only on a yes)`, async () => {
      const outside = await say('x1', text);
      expect(outside[0]!.meta).toMatchObject({ tag: 'outside' });
      expect(outside[0]!.text).toContain('Tòa án nhân dân khu vực');
      expect(payloads(outside[0])).toEqual(['req:agency', 'menu:ask']);
      const consent = await say('x1', 'req:agency', true);
      expect(texts(consent)).toBe(vi.bot.tickets.consentPrompt(text));
      await expectNothingOpened('x1');
      await say('x1', 'ans:yes', true);
      await say('x1', 'ans:no', true);
      await say('x1', 'ans:skip', true);
      const opened = await say('x1', 'ans:skip', true);
      expect(opened[0]!.meta).toMatchObject({ tag: 'ticket-opened' });
      expect(await harness.store.tickets.find({ conversationId: conversation('x1').id, limit: 10 })).toHaveLength(1);
    });
  }

  it('answers English and Khmer in their language, keeps the locale on the conversation, and goes back to Vietnamese', async () => {
    const identity = { channel: 'webchat' as const, accountId: 'portal', userId: 'l1' };
    const contact = await harness.store.contacts.upsertByIdentity(identity, new Date());
    await harness.store.conversations.getOrOpen({ id: conversation('l1').id, contactId: contact.id, ...identity, at: new Date() });

    const english = await say('l1', 'How do I register a birth?');
    expect(english[0]!.meta).toEqual({ tag: 'language', locale: 'en' });
    expect(texts(english)).toBe(copyFor('en').bot.languageNotice);
    expect(english[0]!.buttons!.map((b) => b.title)).toEqual([copyFor('en').bot.languageButtons.vietnamese, copyFor('en').bot.languageButtons.operator]);
    expect(payloads(english[0])).toEqual(['lang:vi', 'req:operator']);
    expect((await harness.store.conversations.get(conversation('l1').id))!.locale).toBe('en');

    const khmer = await say('l1', 'សួស្តី');
    expect(khmer[0]!.meta).toEqual({ tag: 'language', locale: 'km' });
    expect(texts(khmer)).toBe(copyFor('km').bot.languageNotice);
    expect((await harness.store.conversations.get(conversation('l1').id))!.locale).toBe('km');

    // "A person", in the conversation's language.
    const person = await say('l1', 'req:operator', true);
    expect(texts(person)).toBe(copyFor('km').bot.handoff.nobodyOnline);
    expect(person[0]!.meta).toEqual({ tag: 'operator-requested', locale: 'km' });

    const back = await say('l1', 'lang:vi', true);
    expect(texts(back)).toBe(vi.bot.greeting);
    expect(back[0]!.meta).toEqual({ tag: 'greeting', locale: 'vi' });
    expect((await harness.store.conversations.get(conversation('l1').id))!.locale).toBe('vi');
    expect(await harness.store.tickets.find({ conversationId: conversation('l1').id, limit: 10 })).toHaveLength(0);
  });

  it('keeps an English conversation in English through shared words ("ok"), answers them in English, and gives the operator the message', async () => {
    const identity = { channel: 'webchat' as const, accountId: 'portal', userId: 'l2' };
    const contact = await harness.store.contacts.upsertByIdentity(identity, new Date());
    await harness.store.conversations.getOrOpen({ id: conversation('l2').id, contactId: contact.id, ...identity, at: new Date() });

    await say('l2', 'How do I register a birth?');
    const ok = await say('l2', 'ok');
    expect(ok[0]!.meta).toMatchObject({ tag: 'small-talk', locale: 'en' });
    expect(texts(ok)).toBe(copyFor('en').bot.talk.ok);
    expect((await harness.store.conversations.get(conversation('l2').id))!.locale).toBe('en');

    await say('l2', 'How do I register a birth?');
    await say('l2', 'req:operator', true);
    const [request] = await harness.store.handoffs.listByConversation(conversation('l2').id, 10);
    expect(request!.question).toBe('How do I register a birth?');
  });

  it('answers an empty or blank message with help, opening nothing', async () => {
    for (const text of ['', '   ']) {
      const help = await say('e1', text);
      expect(help[0]!.meta).toMatchObject({ tag: 'help' });
      expect(texts(help)).toBe(vi.bot.help);
    }
    await expectNothingOpened('e1');
  });

  for (const text of ['tôi muốn gửi câu hỏi cho cơ quan', 'toi muon gui cau hoi cho co quan']) {
    it(`starts the agency request for "${text}", never the ticket list`, async () => {
      const prompt = await say('a1', text);
      expect(texts(prompt)).toBe(vi.bot.tickets.questionPrompt);
      expect(prompt[0]!.meta).toMatchObject({ tag: 'ask-prompt' });
      const consent = await say('a1', 'Xin hỏi khi nào có kết quả cấp sổ đỏ của tôi?');
      expect(consent[0]!.meta).toMatchObject({ tag: 'consent' });
      await expectNothingOpened('a1');
    });
  }

  it('offers a complaint to an agency, and a typed yes leads to consent, never to a ticket by itself', async () => {
    const offer = await say('p1', 'con tôi bị đuổi học vô lý');
    expect(texts(offer)).toBe(vi.bot.feedbackOffer);
    expect(offer[0]!.meta).toMatchObject({ tag: 'offer' });
    const consent = await say('p1', 'có');
    expect(consent[0]!.meta).toMatchObject({ tag: 'consent' });
    await say('p1', 'không');
    await expectNothingOpened('p1');
  });

  it('opens nothing whatever a citizen types in any state, until an explicit yes or a request for a person', async () => {
    const messages = ['cảm ơn', 'ok', 'không phải', 'sai rồi', 'chưa hiểu', 'liên hệ ai', 'thủ tục ly hôn', 'bot ngu quá', 'asdfgh qwer', 'mất bao lâu', 'How do I register a birth?'];
    for (const [k, start] of ['đăng ký khai sinh', 'cấp lại', 'giấy tờ kết hôn', 'xin cấp phép bay flycam chụp ảnh cưới', 'con tôi bị đuổi học vô lý'].entries()) {
      const user = `inv-${k}`;
      await say(user, start);
      for (const text of messages) await say(user, text);
      await expectNothingOpened(user);
    }
  });
});
