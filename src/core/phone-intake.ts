import { randomUUID } from 'node:crypto';
import type { Account } from '../domain/account.js';
import { AppError } from '../domain/errors.js';
import type { PhoneCall } from '../domain/handoff.js';
import { maskPii } from '../domain/pii.js';
import type { AuditLog } from '../ports/audit.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { TicketService } from './tickets.js';

/**
 * Phone intake (issue 11): an operator records a hotline call, the caller's question, an optional
 * call-back number and the answer given, or sends the question to an agency as a ticket whose tracking
 * code the operator reads to the caller. Calls are their own channel (`phone`) in the statistics; a
 * ticket from a call belongs to the conversation id `phone:hotline:<call id>`, which no platform
 * delivers to: the agency's answer reaches the caller through the call-back number.
 */

export interface PhoneIntakeDeps {
  store: Pick<Store, 'calls'>;
  tickets: Pick<TicketService, 'openTicket'>;
  audit: AuditLog;
  clock: Clock;
  agencyName: (agencyId: string) => string;
  formatDate: (at: Date) => string;
}

export interface CallInput {
  question: string;
  callbackPhone?: string;
  answer?: string;
  procedureId?: string;
  toAgency?: boolean;
  durationSeconds?: number;
}

const OPERATOR_ROLES = new Set(['operator', 'coordinator', 'admin']);

export function phoneConversationId(callId: string): string {
  return `phone:hotline:${callId}`;
}

export function createPhoneIntake(deps: PhoneIntakeDeps) {
  function assertOperator(account: Account): void {
    if (account.disabled || !OPERATOR_ROLES.has(account.role)) throw new AppError('AUTH.FORBIDDEN', 'Only hotline operators record calls', { details: { role: account.role } });
  }

  return {
    async record(account: Account, input: CallInput) {
      assertOperator(account);
      if (!input.toAgency && !input.answer) throw new AppError('HANDOFF.INPUT_INVALID', 'A call needs the answer given, or to be sent to an agency', { details: { field: 'answer' } });
      const id = randomUUID();
      const receivedAt = deps.clock.now();
      let ticket: { code: string; agencyName: string; dueDate: string } | undefined;
      if (input.toAgency) {
        const opened = await deps.tickets.openTicket({
          conversationId: phoneConversationId(id),
          requestId: `call:${id}`,
          kind: 'question',
          question: input.question,
          consent: { forward: true, publish: false },
          ...(input.callbackPhone && { contact: { phone: input.callbackPhone, callback: true } }),
          ...(input.procedureId && { procedureId: input.procedureId }),
        });
        ticket = { code: opened.code, agencyName: deps.agencyName(opened.agencyId), dueDate: deps.formatDate(opened.dueAt) };
      }
      const call: PhoneCall = {
        id,
        operatorId: account.id,
        question: input.question,
        ...(input.callbackPhone && { callbackPhone: input.callbackPhone }),
        ...(input.answer && { answer: input.answer }),
        ...(input.procedureId && { procedureId: input.procedureId }),
        ...(ticket && { ticketCode: ticket.code }),
        receivedAt,
        ...(input.durationSeconds !== undefined && { durationSeconds: input.durationSeconds }),
      };
      await deps.store.calls.insert(call);
      await deps.audit.record({ action: 'call.record', actor: { id: account.id, username: account.username }, target: { kind: 'call', id }, at: receivedAt, ...(ticket && { details: { code: ticket.code } }) });
      return { id, receivedAt: receivedAt.toISOString(), ...(ticket && { ticket }) };
    },

    /** The latest calls, call-back numbers masked. */
    async recent(account: Account, limit: number) {
      assertOperator(account);
      return (await deps.store.calls.listRecent(limit)).map((c) => ({
        id: c.id,
        receivedAt: c.receivedAt.toISOString(),
        question: c.question,
        ...(c.answer && { answer: c.answer }),
        ...(c.ticketCode && { ticketCode: c.ticketCode }),
        ...(c.callbackPhone && { callbackPhone: maskPii(c.callbackPhone) }),
      }));
    },
  };
}

export type PhoneIntake = ReturnType<typeof createPhoneIntake>;
