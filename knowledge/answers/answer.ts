import type { AnswerCopy } from '../../src/domain/copy/types.js';
import type { Agency } from '../../src/domain/procedure.js';
import type { AnswerRenderer, AskResult } from '../../src/ports/knowledge.js';
import { renderContact, renderFollowUp, renderProcedureAnswer } from './render.js';

/**
 * Renders a brain decision as the text a citizen reads (clarify and abstain included). The commune the
 * citizen named (`result.place`) names the agency of a commune-level procedure; `today` (ISO, from the
 * caller's clock) is the day the facts are read on; the question puts a fee exemption it names first.
 */
export function renderAnswer(result: AskResult, copy: AnswerCopy, agencies?: AgencyLookup, today?: string): string {
  if (result.intent !== 'procedure') return copy.intentNames[result.intent];
  if (result.decision === 'abstain' || !result.best) return copy.abstain;
  if (result.decision === 'clarify') {
    const options = result.alternatives.length > 0 ? result.alternatives : [result.best];
    if (options.length === 1) return copy.confirmQuestion(options[0]!.procedure.name);
    return [copy.clarifyQuestion, ...options.map((c, i) => `${i + 1}. ${c.procedure.name}`)].join('\n');
  }
  const procedure = result.best.procedure;
  const context = {
    ...(result.place ? { place: result.place.text } : {}),
    ...agencyOf(procedure.agencyId, agencies),
    ...(today ? { today } : {}),
    question: result.question,
  };
  return result.followUp ? renderFollowUp(procedure, result.followUp, copy, context) : renderProcedureAnswer(procedure, copy, context);
}

/** The agency directory as the renderers need it: one entry by id. */
export type AgencyLookup = (agencyId: string) => Agency | undefined;

function agencyOf(agencyId: string, agencies: AgencyLookup | undefined): { agency?: Agency } {
  const agency = agencies?.(agencyId);
  return agency ? { agency } : {};
}

/** The day asked, ISO yyyy-mm-dd in Vietnam time: the composition root binds it to the system's clock. */
export type Today = () => string;

/**
 * The answer texts bound to one language's copy, the agency directory and the clock's day (ports/knowledge
 * AnswerRenderer): what the composition root hands the flows. Without `today`, scheduled amounts are
 * listed with their dates instead of picked.
 */
export function createAnswerRenderer(copy: AnswerCopy, agencies?: AgencyLookup, today?: Today): AnswerRenderer {
  const day = (): { today?: string } => (today ? { today: today() } : {});
  return {
    answer: (result) => renderAnswer(result, copy, agencies, today?.()),
    procedure: (p, place) => renderProcedureAnswer(p, copy, { ...(place ? { place } : {}), ...agencyOf(p.agencyId, agencies), ...day() }),
    followUp: (p, topic, place, question) =>
      renderFollowUp(p, topic, copy, { ...(place ? { place } : {}), ...(question ? { question } : {}), ...agencyOf(p.agencyId, agencies), ...day() }),
    contact: (agency, place) => renderContact(agency, copy, place),
  };
}
