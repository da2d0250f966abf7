import type { ConcernReplyKind, Copy } from '../src/domain/copy/types.js';
import type { Locale } from '../src/domain/locale.js';
import type { AskResult, Concern, FlowServices, FollowUpTopic, OutsideMatter } from '../src/ports/flow-services.js';
import { clarifyButtons, clarifyOptions, concernButtons, followUpButtons, languageButtons, menuButtons, outsideButtons, repairButtons } from './buttons.js';
import { type Shown, withProcedure } from './replies.js';

/**
 * The replies to what the brain understood, composed once for the router and the procedure dialog:
 * an answer, a clarification or confirmation, small talk, repair, a contact, a matter outside the
 * catalog, a concern about a procedure, a message in another language. Pure: nothing here is said or
 * stored.
 */

/**
 * A procedure's short answer, or one aspect of it, with the follow-up buttons and the online-service
 * link; `place`: the commune the citizen named; `question`: their words, when the answer follows one.
 */
export function answerShown(services: FlowServices, procedureId: string, topic?: FollowUpTopic, place?: string, question?: string): Shown {
  if (topic === 'contact') {
    // Who to call or visit: the directory entry of the procedure's agency.
    const text = services.contactText({ procedureId, ...(place ? { place } : {}) }) ?? services.followUpText(procedureId, topic, place);
    return { text, buttons: followUpButtons(services.copy), meta: { tag: 'contact', procedureId } };
  }
  return {
    text: topic ? services.followUpText(procedureId, topic, place, question) : services.procedureText(procedureId, place),
    buttons: followUpButtons(services.copy),
    link: services.procedureLink(procedureId) ?? null,
    meta: { tag: 'answer', procedureId, ...(topic ? { topic } : {}) },
  };
}

/** "Bạn đang hỏi về thủ tục nào?" with the options and "none of these", or "Có phải…?" with yes and no. */
export function clarifyShown(services: FlowServices, result: AskResult): Shown & { options: string[] } {
  const options = clarifyOptions(result);
  const named = options.map((id) => ({ id, name: services.getProcedure(id)?.name ?? id }));
  const confirm = options.length === 1;
  return {
    text: services.answerText(result),
    buttons: clarifyButtons(services.copy, named),
    meta: confirm ? { tag: 'confirm', procedureId: options[0]!, options } : { tag: 'clarify', options },
    options,
  };
}

/** After "không phải / sai rồi / chưa hiểu" or "none of these": rephrase, send the question on, or a person. */
export function repairShown(copy: Copy): Shown {
  return { text: copy.bot.talk.repair, buttons: repairButtons(copy), meta: { tag: 'repair', locale: copy.locale } };
}

/**
 * Small talk (thanks, ok, goodbye, laughter, insults, gibberish): a short reply that opens nothing;
 * a negation or "chưa hiểu" is repair. Undefined when the message is not small talk.
 */
export function talkShown(copy: Copy, result: AskResult): Shown | undefined {
  const shown = talkIn(copy, result);
  return shown && { ...shown, meta: { ...shown.meta, locale: copy.locale } };
}

function talkIn(copy: Copy, result: AskResult): Shown | undefined {
  const t = copy.bot.talk;
  switch (result.smallTalk) {
    case undefined:
      return undefined;
    case 'negation':
    case 'confused':
      return repairShown(copy);
    case 'thanks':
      return { text: t.thanks, meta: { tag: 'small-talk' } };
    case 'ok':
      return { text: t.ok, meta: { tag: 'small-talk' } };
    case 'goodbye':
      return { text: t.goodbye, meta: { tag: 'small-talk' } };
    case 'laugh':
      return { text: t.laugh, meta: { tag: 'small-talk' } };
    case 'insult':
      return { text: t.insult, buttons: menuButtons(copy), meta: { tag: 'small-talk' } };
    case 'gibberish':
      return { text: t.gibberish, buttons: menuButtons(copy), meta: { tag: 'small-talk' } };
  }
}

/**
 * "…liên hệ ai / số điện thoại của…": the directory entry of the agency named (`place`), else of the
 * procedure's agency (the one asked about, else the one under discussion). Undefined when the message
 * does not ask for a contact.
 */
export function contactShown(services: FlowServices, result: AskResult, currentProcedureId?: string): Shown | undefined {
  const { place } = result;
  const officeNamed = place !== undefined && (place.entry !== undefined || place.agencyId !== undefined);
  const asksContact = result.followUp === 'contact' || (result.intent === 'other' && officeNamed && !result.outside && !result.concern && !result.smallTalk);
  if (!asksContact) return undefined;
  const procedureId = result.best?.procedure.id ?? currentProcedureId;
  const text = services.contactText({
    ...(place?.entry ? { entry: place.entry } : {}),
    ...(place?.agencyId ? { agencyId: place.agencyId } : {}),
    ...(procedureId ? { procedureId } : {}),
    ...(place ? { place: place.text } : {}),
  });
  return {
    text: text ?? services.copy.bot.talk.contactWhich,
    ...(text && procedureId ? { buttons: followUpButtons(services.copy) } : {}),
    meta: { tag: 'contact', ...(procedureId ? { procedureId } : {}) },
  };
}

/** A matter outside the catalog: the competent body and its guidance; send the question on, or ask something else. */
export function outsideShown(copy: Copy, matter: OutsideMatter): Shown {
  return {
    text: copy.bot.talk.outside({ name: matter.name, body: matter.body, guidance: matter.guidance, ...(matter.source ? { source: matter.source } : {}) }),
    buttons: outsideButtons(copy),
    meta: { tag: 'outside' },
  };
}

/**
 * A dispute, an entitlement or amount, or a legal judgement about a procedure: what such a question
 * needs, the related procedure named only as context (never answered in place of the question); send
 * the question on, see that procedure, or the menu. A complaint is no reply of its own: it takes the
 * feedback offer (route.ts).
 */
export function concernShown(copy: Copy, concern: Concern & { kind: ConcernReplyKind }): Shown {
  const related = concern.related;
  return {
    text: copy.bot.talk.concern({ kind: concern.kind, ...(related ? { procedure: related.name } : {}) }),
    buttons: concernButtons(copy, related?.id),
    meta: { tag: 'concern', ...withProcedure({ procedureId: related?.id }) },
  };
}

/** A message in Khmer or English: in that language, what the assistant can do; Vietnamese, or a person. */
export function languageShown(services: FlowServices, locale: Locale): Shown {
  const copy = services.copyFor(locale);
  return { text: copy.bot.languageNotice, buttons: languageButtons(copy), meta: { tag: 'language', locale } };
}
