import type { Copy } from '../src/domain/copy/types.js';
import type { AskResult, FollowUpTopic } from '../src/ports/flow-services.js';
import {
  ANSWER_NO,
  ANSWER_SKIP,
  ANSWER_YES,
  MENU_ASK,
  MENU_HELP,
  procedurePayload,
  languagePayload,
  REQUEST_AGENCY,
  REQUEST_NONE,
  REQUEST_OPERATOR,
  REQUEST_REPHRASE,
  ticketAnswerButtons,
  topicPayload,
} from '../src/domain/payloads.js';

/** Quick replies as Botkit templates carry them (`channelData.quick_replies`). */
export interface QuickReply {
  title: string;
  payload: string;
}

export function menuButtons(copy: Copy): QuickReply[] {
  const b = copy.bot.menuButtons;
  return [
    { title: b.ask, payload: MENU_ASK },
    { title: b.agency, payload: REQUEST_AGENCY },
    { title: b.operator, payload: REQUEST_OPERATOR },
    { title: b.help, payload: MENU_HELP },
  ];
}

/** The aspects offered under an answer; "Liên hệ" gives the agency's directory entry. */
const FOLLOW_UPS: FollowUpTopic[] = ['documents', 'fee', 'time', 'place', 'online', 'legal', 'contact'];

export function followUpButtons(copy: Copy): QuickReply[] {
  return FOLLOW_UPS.map((topic) => ({ title: copy.bot.followUpButtons[topic as keyof Copy['bot']['followUpButtons']], payload: topicPayload(topic) }));
}

/** The procedures a clarification offers, in the order shown (a confirmation offers one). */
export function clarifyOptions(result: AskResult): string[] {
  const options = result.alternatives.length > 0 ? result.alternatives : result.best ? [result.best] : [];
  return options.map((c) => c.procedure.id);
}

/**
 * Under a clarification: one button per procedure the brain hesitates between, then "none of these";
 * under a confirmation ("Có phải bạn muốn hỏi…?", one option): yes and no. Both negatives lead to repair.
 */
export function clarifyButtons(copy: Copy, options: ReadonlyArray<{ id: string; name: string }>): QuickReply[] {
  const t = copy.bot.talk;
  if (options.length === 1) {
    return [
      { title: t.confirmButtons.yes, payload: procedurePayload(options[0]!.id) },
      { title: t.confirmButtons.no, payload: REQUEST_NONE },
    ];
  }
  return [...options.map((o) => ({ title: o.name, payload: procedurePayload(o.id) })), { title: t.noneButton, payload: REQUEST_NONE }];
}

/** After "không phải / chưa hiểu": say it again, send it to an agency, or talk to a person. */
export function repairButtons(copy: Copy): QuickReply[] {
  const b = copy.bot.talk.repairButtons;
  return [
    { title: b.rephrase, payload: REQUEST_REPHRASE },
    { title: b.agency, payload: REQUEST_AGENCY },
    { title: b.operator, payload: REQUEST_OPERATOR },
  ];
}

/** Under a matter outside the catalog: send the question on to an agency, or ask something else. */
export function outsideButtons(copy: Copy): QuickReply[] {
  const b = copy.bot.talk.outsideButtons;
  return [
    { title: b.agency, payload: REQUEST_AGENCY },
    { title: b.other, payload: MENU_ASK },
  ];
}

/**
 * Under a dispute, an entitlement or a legal judgement: send the question on to an agency, see the
 * related procedure (when there is one: its answer, never in place of the question), then the menu.
 */
export function concernButtons(copy: Copy, procedureId?: string): QuickReply[] {
  const b = copy.bot.talk.concernButtons;
  return [
    { title: b.agency, payload: REQUEST_AGENCY },
    ...(procedureId ? [{ title: b.procedure, payload: procedurePayload(procedureId) }] : []),
    ...menuButtons(copy).filter((m) => m.payload !== REQUEST_AGENCY),
  ];
}

/** Under a reply in Khmer or English (titled in that language): continue in Vietnamese, or a person. */
export function languageButtons(copy: Copy): QuickReply[] {
  const b = copy.bot.languageButtons;
  return [
    { title: b.vietnamese, payload: languagePayload('vi') },
    { title: b.operator, payload: REQUEST_OPERATOR },
  ];
}

/** An agency's answer's two choices again (close, reopen), under a lookup of that ticket. */
export function ticketButtons(copy: Copy, code: string): QuickReply[] {
  return ticketAnswerButtons(copy.bot.tickets.answerButtons, code);
}

export function fallbackButtons(copy: Copy): QuickReply[] {
  const b = copy.bot.fallbackButtons;
  return [
    { title: b.agency, payload: REQUEST_AGENCY },
    { title: b.operator, payload: REQUEST_OPERATOR },
    { title: b.rephrase, payload: REQUEST_REPHRASE },
  ];
}

export function yesNoButtons(labels: { yes: string; no: string }): QuickReply[] {
  return [
    { title: labels.yes, payload: ANSWER_YES },
    { title: labels.no, payload: ANSWER_NO },
  ];
}

export function skipButtons(copy: Copy): QuickReply[] {
  return [{ title: copy.bot.tickets.skipButton, payload: ANSWER_SKIP }];
}

/** When a ticket can no longer be reopened: a new question to an agency, or the menu. */
export function newQuestionButtons(copy: Copy): QuickReply[] {
  return [{ title: copy.bot.tickets.newQuestionButton, payload: REQUEST_AGENCY }, ...menuButtons(copy).filter((b) => b.payload !== REQUEST_AGENCY)];
}
