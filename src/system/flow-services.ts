import { randomBytes } from 'node:crypto';
import { renderAnswer } from '../../knowledge/answers/answer.js';
import { renderFollowUp, renderProcedureAnswer } from '../../knowledge/answers/render.js';
import type { Copy } from '../domain/copy/types.js';
import type { Clock } from '../ports/clock.js';
import type { FlowServices } from '../ports/flow-services.js';
import type { KnowledgeSearch } from '../ports/knowledge.js';
import type { Store } from '../ports/store.js';

/** Unambiguous characters for references citizens may read out over the phone (no 0/O, 1/I/L). */
const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

function reference(): string {
  const bytes = randomBytes(6);
  return `YC-${[...bytes].map((b) => REFERENCE_ALPHABET[b % REFERENCE_ALPHABET.length]).join('')}`;
}

/** The flows' window on the world: the brain, the renderers and the store's request log. */
export function createFlowServices(deps: { knowledge: KnowledgeSearch; store: Store; copy: Copy; clock: Clock }): FlowServices {
  const { knowledge, copy } = deps;
  const withProcedure = (id: string, render: (p: NonNullable<ReturnType<KnowledgeSearch['getProcedure']>>) => string) => {
    const procedure = knowledge.getProcedure(id);
    return procedure ? render(procedure) : copy.answers.noCurrentProcedure;
  };
  return {
    copy,
    ask: (question, context) => knowledge.ask(question, context),
    getProcedure: (id) => knowledge.getProcedure(id),
    answerText: (result) => renderAnswer(result, copy.answers),
    procedureText: (id) => withProcedure(id, (p) => renderProcedureAnswer(p, copy.answers)),
    followUpText: (id, topic) => withProcedure(id, (p) => renderFollowUp(p, topic, copy.answers)),
    procedureLink(id) {
      const p = knowledge.getProcedure(id);
      return p?.onlineUrl && p.onlineLevel !== 'khong' ? { title: copy.answers.onlineLinkTitle, url: p.onlineUrl } : undefined;
    },
    async recordRequest({ conversationId, kind, question, procedureId }) {
      const id = reference();
      await deps.store.requests.insert({ id, conversationId, kind, question, ...(procedureId ? { procedureId } : {}), createdAt: deps.clock.now() });
      return id;
    },
  };
}
