import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../knowledge/catalog/load.js';
import {
  checkSideEffects,
  checkStep,
  CONVERSATION_CLASSES,
  parseConversations,
  resolveTap,
  summarize,
  type Conversation,
  type ConversationResult,
  type Expect,
} from '../../src/cli/conversation-checks.js';
import type { Reply, ReplyMeta } from '../../src/domain/message.js';

/** The runner's expectation checks (src/cli/conversation-checks.ts) and the sets' well-formedness. */

const reply = (meta: ReplyMeta | undefined, text = 'Trả lời', buttons: Reply['buttons'] = undefined): Reply => ({
  text,
  ...(buttons ? { buttons } : {}),
  ...(meta ? { meta } : {}),
});
const answer = (procedureId: string, topic?: ReplyMeta['topic']) => reply({ tag: 'answer', procedureId, ...(topic ? { topic } : {}) });
const clarify = (options: string[]) =>
  reply({ tag: 'clarify', options }, 'Bạn đang hỏi về thủ tục nào?', [
    ...options.map((id) => ({ title: id, payload: `proc:${id}` })),
    { title: 'Không phải các thủ tục trên', payload: 'req:none' },
  ]);
const check = (expect: Expect | undefined, replies: Reply[], ctx = {}, ticketStatus?: 'reopened') =>
  checkStep(expect, { replies, ...(ticketStatus ? { ticketStatus } : {}) }, ctx);

describe('checkStep', () => {
  it('fails a step without a reply, whatever it expects', () => {
    expect(check(undefined, [])).toEqual(['no reply']);
    expect(check(undefined, [reply(undefined)])).toEqual([]);
  });

  it('needs tag, procedure and topic on one and the same reply', () => {
    const replies = [reply({ tag: 'answer', procedureId: 'dang-ky-khai-sinh' }), reply({ tag: 'clarify', options: ['dang-ky-ket-hon'] })];
    expect(check({ tag: 'answer', procedure: 'dang-ky-khai-sinh' }, replies)).toEqual([]);
    expect(check({ tag: 'clarify', procedure: 'dang-ky-khai-sinh' }, replies)).toHaveLength(1);
    expect(check({ tag: 'answer', procedure: 'dang-ky-khai-sinh', topic: 'fee' }, [answer('dang-ky-khai-sinh', 'time')])[0]).toContain('topic fee');
    expect(check({ tag: ['answer', 'confirm'], topic: ['fee', 'time'] }, [answer('x', 'time')])).toEqual([]);
  });

  it('says what the closest reply lacked', () => {
    const problems = check({ tag: 'answer', procedure: 'dang-ky-thuong-tru', topic: 'online' }, [answer('dang-ky-thuong-tru', 'place')]);
    expect(problems).toEqual(['no reply with topic online']);
  });

  it('resolves $optionN against the last clarification, and fails without one', () => {
    const ctx = { options: ['doi-giay-phep-lai-xe', 'cap-lai-giay-phep-lai-xe-bi-mat'] };
    expect(check({ tag: 'answer', procedure: '$option2' }, [answer('cap-lai-giay-phep-lai-xe-bi-mat')], ctx)).toEqual([]);
    expect(check({ tag: 'answer', procedure: '$option2' }, [answer('doi-giay-phep-lai-xe')], ctx)).toHaveLength(1);
    expect(check({ procedure: '$option3' }, [answer('doi-giay-phep-lai-xe')], ctx)[0]).toContain('no clarification with that many options');
  });

  it('checks procedureAny, about (answered or offered) and options', () => {
    expect(check({ procedureAny: ['a', 'b'] }, [answer('b')])).toEqual([]);
    expect(check({ procedureAny: ['a', 'b'] }, [answer('c')])).toHaveLength(1);
    expect(check({ about: ['cap-the-can-cuoc'] }, [clarify(['cap-doi-cap-lai-the-can-cuoc', 'cap-the-can-cuoc'])])).toEqual([]);
    expect(check({ about: ['cap-the-can-cuoc'] }, [answer('cap-the-can-cuoc')])).toEqual([]);
    expect(check({ about: ['cap-the-can-cuoc'] }, [answer('khai-bao-tam-vang')])).toHaveLength(1);
    expect(check({ tag: 'clarify', options: ['a', 'b'] }, [clarify(['b', 'c', 'a'])])).toEqual([]);
    expect(check({ tag: 'clarify', options: ['a', 'd'] }, [clarify(['b', 'c', 'a'])])[0]).toContain('options including d');
  });

  it('forbids tags with notTag', () => {
    expect(check({ notTag: ['operator-requested'] }, [reply({ tag: 'small-talk' })])).toEqual([]);
    expect(check({ notTag: ['operator-requested', 'offer'] }, [reply({ tag: 'small-talk' }), reply({ tag: 'offer' })])).toEqual(['forbidden tag offer']);
  });

  it('covers: each procedure answered or offered by some reply', () => {
    expect(check({ covers: ['a', 'b'] }, [answer('a'), answer('b')])).toEqual([]);
    expect(check({ covers: ['a', 'b'] }, [clarify(['b', 'a'])])).toEqual([]);
    expect(check({ covers: ['a', 'b'] }, [answer('a')])).toEqual(['procedure b neither answered nor offered']);
  });

  it('checks buttons (with {code}), text and the ticket status', () => {
    const notice = reply(undefined, 'Cơ quan đã trả lời câu hỏi K7QX-3M2PC', [
      { title: 'Đã rõ, cảm ơn', payload: 'tk:close:K7QX-3M2PC' },
      { title: 'Chưa rõ, hỏi thêm', payload: 'tk:reopen:K7QX-3M2PC' },
    ]);
    const ctx = { code: 'K7QX-3M2PC' };
    expect(check({ buttons: ['tk:close:{code}', 'tk:reopen:{code}'], textIncludes: '{code}' }, [notice], ctx)).toEqual([]);
    expect(check({ buttons: ['ans:no'] }, [notice], ctx)).toEqual(['no button ans:no']);
    expect(check({ textIncludes: 'CƠ QUAN ĐÃ', textExcludes: '2026-' }, [notice], ctx)).toEqual([]);
    expect(check({ textExcludes: 'k7qx' }, [notice], ctx)).toHaveLength(1);
    expect(check({ ticketStatus: 'reopened' }, [notice], ctx, 'reopened')).toEqual([]);
    expect(check({ ticketStatus: 'reopened' }, [notice], ctx)).toEqual(['ticket reopened (is none)']);
  });

  it('counts a reply without a locale as Vietnamese', () => {
    expect(check({ locale: 'vi' }, [reply({ tag: 'answer' })])).toEqual([]);
    expect(check({ tag: 'language', locale: 'km' }, [reply({ tag: 'language', locale: 'km' })])).toEqual([]);
    expect(check({ tag: 'language', locale: 'en' }, [reply({ tag: 'language', locale: 'km' })])).toHaveLength(1);
  });

  it('passes anyOf when one alternative holds, besides the other keys', () => {
    const expectation: Expect = { notTag: ['operator-requested'], anyOf: [{ tag: 'contact' }, { tag: 'answer', topic: 'contact' }] };
    expect(check(expectation, [reply({ tag: 'contact' })])).toEqual([]);
    expect(check(expectation, [answer('x', 'contact')])).toEqual([]);
    expect(check(expectation, [answer('x', 'fee')])).toHaveLength(1);
    expect(check(expectation, [reply({ tag: 'contact' }), reply({ tag: 'operator-requested' })])).toEqual(['forbidden tag operator-requested']);
  });

  it('fails a reply without meta against any reply-level key', () => {
    expect(check({ tag: 'small-talk' }, [reply(undefined, 'Cảm ơn bạn')])).toHaveLength(1);
  });
});

describe('checkSideEffects', () => {
  const none = { tickets: 0, operatorRequests: 0 };
  it('allows nothing by default', () => {
    expect(checkSideEffects(undefined, none)).toEqual([]);
    expect(checkSideEffects(undefined, { ...none, tickets: 1 })).toEqual(['1 ticket(s) opened']);
    expect(checkSideEffects(undefined, { ...none, operatorRequests: 1 })).toEqual(['1 operator request(s) recorded']);
  });
  it('requires what the step says it opens, and only that', () => {
    expect(checkSideEffects('ticket', { ...none, tickets: 1 })).toEqual([]);
    expect(checkSideEffects('ticket', none)).toEqual(['no ticket opened']);
    expect(checkSideEffects('ticket', { ...none, tickets: 1, operatorRequests: 1 })).toEqual(['1 operator request(s) recorded']);
    expect(checkSideEffects('operator', { ...none, operatorRequests: 1 })).toEqual([]);
    expect(checkSideEffects('operator', { ...none, tickets: 1 })).toEqual(['no operator request recorded', '1 ticket(s) opened']);
  });
});

describe('resolveTap', () => {
  const offered = [clarify(['a', 'b', 'c']), reply({ tag: 'consent' }, 'Gửi?', [{ title: 'Đồng ý', payload: 'ans:yes' }, { title: 'Không gửi', payload: 'ans:no' }])];
  it('finds a payload or a title that was offered', () => {
    expect(resolveTap('ans:no', offered, {})).toEqual({ payload: 'ans:no' });
    expect(resolveTap('đồng ý', offered, {})).toEqual({ payload: 'ans:yes' });
    expect(resolveTap('tk:reopen:{code}', [reply(undefined, 'x', [{ title: 'Chưa rõ', payload: 'tk:reopen:K7QX-3M2PC' }])], { code: 'K7QX-3M2PC' })).toEqual({ payload: 'tk:reopen:K7QX-3M2PC' });
  });
  it('refuses a button that was never offered', () => {
    expect(resolveTap('req:operator', offered, {}).problem).toContain('was not offered');
  });
  it('picks an option or "none of these" from the newest clarification', () => {
    expect(resolveTap('$option2', offered, {})).toEqual({ payload: 'proc:b' });
    expect(resolveTap('$none', offered, {})).toEqual({ payload: 'req:none' });
    expect(resolveTap('$option4', offered, {}).problem).toContain('no such option');
    const withoutNone = [reply({ tag: 'clarify', options: ['a'] }, 'x', [{ title: 'a', payload: 'proc:a' }])];
    expect(resolveTap('$none', withoutNone, {}).problem).toContain('no "none of these" button');
    expect(resolveTap('$option1', [answer('a')], {}).problem).toContain('no clarification offered');
  });
});

describe('parseConversations', () => {
  const good = { id: 'x-1', class: 'small-talk', variant: 'accented', steps: [{ say: 'cảm ơn', expect: { tag: 'small-talk' } }] };
  it('reads one conversation per line, skipping blanks and comments', () => {
    const parsed = parseConversations(`// comment\n${JSON.stringify(good)}\n\n`);
    expect(parsed).toHaveLength(1);
    expect(parsed[0]!.steps[0]).toEqual({ say: 'cảm ơn', expect: { tag: 'small-talk' } });
  });
  it('rejects unknown keys, unknown tags, steps of no kind and duplicate ids, with line numbers', () => {
    const bad = [
      { ...good, id: 'x-2', steps: [{ say: 'a', expect: { tags: 'answer' } }] },
      { ...good, id: 'x-3', steps: [{ say: 'a', expect: { tag: 'answr' } }] },
      { ...good, id: 'x-4', steps: [{ expect: { tag: 'answer' } }] },
      good,
      good,
    ];
    const text = bad.map((c) => JSON.stringify(c)).join('\n');
    expect(() => parseConversations(text, 'set')).toThrow(/set:1:[\s\S]*set:2:[\s\S]*set:3:[\s\S]*set:5: duplicate id x-1/);
  });
});

describe('summarize', () => {
  it('gives per set the totals, per class and per variant', () => {
    const r = (set: string, c: ConversationResult['class'], passed: boolean, variant: ConversationResult['variant'] = 'accented'): ConversationResult => ({ set, id: `${set}-${c}-${String(passed)}`, class: c, variant, channel: set === 'holdout' ? 'zalo' : 'webchat', passed, steps: 1 });
    const summary = summarize([r('golden', 'repair', true), r('golden', 'repair', false, 'unaccented'), r('golden', 'outside', true), r('holdout', 'repair', false)]);
    expect(summary['golden']!.total).toEqual({ conversations: 3, passing: 2, share: 2 / 3 });
    expect(summary['golden']!.byClass.repair).toEqual({ conversations: 2, passing: 1, share: 0.5 });
    expect(summary['golden']!.byVariant.unaccented).toEqual({ conversations: 1, passing: 0, share: 0 });
    expect(summary['holdout']!.total.share).toBe(0);
    expect(summary['golden']!.byChannel).toEqual({ webchat: { conversations: 3, passing: 2, share: 2 / 3 } });
    expect(summary['holdout']!.byChannel.zalo).toEqual({ conversations: 1, passing: 0, share: 0 });
  });
});

describe('the conversation sets', () => {
  const catalog = new Set(loadCatalog().procedures.map((p) => p.id));
  // Parsed as the runner does (src/cli/eval-conversations.ts loadSet), without starting anything.
  const loadSet = (name: string) => {
    const file = new URL(`../../knowledge/eval/conversations/${name}.vi.jsonl`, import.meta.url);
    return parseConversations(readFileSync(file, 'utf8'), `${name}.vi.jsonl`);
  };
  const sets: Record<string, Conversation[]> = { golden: loadSet('golden'), holdout: loadSet('holdout') };

  /** Every procedure id a conversation names, in expectations and tapped payloads. */
  function procedureIds(c: Conversation): string[] {
    return c.steps.flatMap((step) => {
      const e = step.expect;
      const fromExpect = e ? [e, ...(e.anyOf ?? [])].flatMap((x) => [x.procedure, ...(x.procedureAny ?? []), ...(x.about ?? []), ...(x.covers ?? []), ...(x.options ?? [])]) : [];
      const fromTap = 'tap' in step && step.tap.startsWith('proc:') ? [step.tap.slice('proc:'.length)] : [];
      return [...fromExpect, ...fromTap].filter((id): id is string => id !== undefined && !id.startsWith('$'));
    });
  }

  it('have the sizes the issue asks for', () => {
    expect(sets['golden']!.length).toBeGreaterThanOrEqual(150);
    expect(sets['holdout']!.length).toBeGreaterThanOrEqual(80);
  });

  it('cover every class, each with accented and unaccented (or mixed) conversations', () => {
    for (const [name, set] of Object.entries(sets)) {
      for (const c of CONVERSATION_CLASSES) {
        const of = set.filter((x) => x.class === c);
        expect(of.some((x) => x.variant === 'accented'), `${name} ${c} accented`).toBe(true);
        expect(of.some((x) => x.variant !== 'accented'), `${name} ${c} unaccented or mixed`).toBe(true);
      }
    }
  });

  it('name only procedures of the catalog', () => {
    for (const set of Object.values(sets)) {
      for (const c of set) for (const id of procedureIds(c)) expect(catalog.has(id), `${c.id}: ${id}`).toBe(true);
    }
  });

  it('use distinct ids, g- in golden and h- in holdout, and never the same first message in both', () => {
    expect(sets['golden']!.every((c) => c.id.startsWith('g-'))).toBe(true);
    expect(sets['holdout']!.every((c) => c.id.startsWith('h-'))).toBe(true);
    const first = (c: Conversation) => ('say' in c.steps[0]! ? c.steps[0].say.toLowerCase() : '');
    const golden = new Set(sets['golden']!.map(first));
    const shared = sets['holdout']!.map(first).filter((t) => t !== '' && golden.has(t));
    expect(shared).toEqual([]);
  });
});
