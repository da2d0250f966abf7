import type { Copy } from '../src/domain/copy/types.js';
import type { AskResult, FollowUpTopic } from '../src/ports/flow-services.js';
import {
  ANSWER_NO,
  ANSWER_SKIP,
  ANSWER_YES,
  MENU_ASK,
  MENU_HELP,
  procedurePayload,
  REQUEST_AGENCY,
  REQUEST_OPERATOR,
  REQUEST_REPHRASE,
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

const FOLLOW_UPS: FollowUpTopic[] = ['documents', 'fee', 'time', 'place', 'online', 'legal'];

export function followUpButtons(copy: Copy): QuickReply[] {
  return FOLLOW_UPS.map((topic) => ({ title: copy.bot.followUpButtons[topic as keyof Copy['bot']['followUpButtons']], payload: topicPayload(topic) }));
}

/** One button per procedure the brain hesitates between. */
export function clarifyButtons(result: AskResult): QuickReply[] {
  const options = result.alternatives.length > 0 ? result.alternatives : result.best ? [result.best] : [];
  return options.map((c) => ({ title: c.procedure.name, payload: procedurePayload(c.procedure.id) }));
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
