import { randomUUID } from 'node:crypto';
import type { Account } from '../domain/account.js';
import { copyFor } from '../domain/copy/index.js';
import type { Conversation, InboundMessage, OutboundRecord } from '../domain/conversation.js';
import { AppError } from '../domain/errors.js';
import { EXTERNAL_ASSIGNEE, HOTLINE_TEAM, handoffOf, type ConversationActivity, type HandoffState, type HandoffStatus } from '../domain/handoff.js';
import type { ChannelKind } from '../domain/message.js';
import { replyWindow, type ReplyWindow } from '../domain/reply-window.js';
import type { TicketKind } from '../domain/ticket.js';
import { localDateOf } from '../domain/working-days.js';
import type { AuditAction, AuditLog } from '../ports/audit.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/events.js';
import type { JobQueue } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import { csatButtons } from './handoff-citizen.js';
import type { HandoffMoves } from './handoff-moves.js';
import type { HandoffRouting } from './handoff-routing.js';
import { queueDelivery, type DeliveryJob } from './queues.js';
import type { TicketService } from './tickets.js';

/**
 * What hotline operators do in the console (issue 11), each checked (role; the assignee for replies,
 * snooze, transfer and hand-back), done through the handoff moves and audited with actor and time:
 * claim or take over, reply on the citizen's channel within its window, private notes (stored as
 * transcript activities, never handed to any channel), transfer back to the queue, hand back to the bot
 * with a summary (the citizen is told it is the assistant again, then asked for a rating), and "send to
 * an agency" (a ticket from the conversation with its transcript). Views: the queue and assigned lists,
 * one conversation with the citizen's earlier tickets and stretches, and the whole transcript.
 */

export interface OperatorDeskDeps {
  store: Pick<Store, 'conversations' | 'inbound' | 'outbound' | 'activities' | 'handoffs' | 'tickets'>;
  moves: HandoffMoves;
  routing: Pick<HandoffRouting, 'placeInQueue' | 'route' | 'exclusive'>;
  tickets: Pick<TicketService, 'openTicket'>;
  deliveries: (channel: ChannelKind) => JobQueue<DeliveryJob>;
  events: Pick<EventBus, 'publish'>;
  audit: AuditLog;
  clock: Clock;
  /** FB_HUMAN_AGENT_TAG: operators may answer Messenger up to 7 days with the HUMAN_AGENT tag. */
  humanAgentTag: boolean;
  agencyName: (agencyId: string) => string;
  procedureName: (procedureId: string) => string | undefined;
  /** The brain's best procedures for a text, with the answer text to insert. */
  suggest: (text: string) => { procedureId: string; name: string; text: string }[];
  /** Shows "typing…" on the citizen's channel where it has one (best effort). */
  typing?: (conversation: Conversation) => Promise<void>;
}

export interface ConversationItem {
  id: string;
  rev: number;
  status: HandoffStatus;
  channel: ChannelKind;
  team: string;
  reason?: string;
  queuedAt?: string;
  waitingSeconds?: number;
  position?: number;
  assigneeId?: string;
  assigneeName?: string;
  assignedAt?: string;
  firstReplyAt?: string;
  /** Snoozed: when it comes back (or earlier, at the citizen's next message). */
  snoozedUntil?: string;
  mine: boolean;
  lastMessage?: { text: string; at: string };
  window: { canReply: boolean; closesAt?: string; billableAfter?: string; tag?: 'HUMAN_AGENT' };
}

export type TranscriptKind = 'citizen' | 'bot' | 'operator' | 'staff' | 'notice' | 'note' | 'event';

export interface TranscriptItem {
  id: string;
  at: string;
  kind: TranscriptKind;
  text?: string;
  author?: string;
  procedureId?: string;
  procedureName?: string;
  tag?: string;
  delivery?: OutboundRecord['status'];
  event?: string;
  from?: HandoffStatus;
  to?: HandoffStatus;
}

/** How much of a conversation the console reads. */
const TRANSCRIPT_LIMIT = 300;
const LIST_LIMIT = 500;
/** A ticket's question holds the transcript after the operator's question, within the ticket's size limit. */
const TICKET_TEXT_MAX = 3800;
const OPERATOR_ROLES = new Set(['operator', 'coordinator', 'admin']);

export function createOperatorDesk(deps: OperatorDeskDeps) {
  const { store, moves } = deps;

  function assertOperator(account: Account): void {
    if (account.disabled || !OPERATOR_ROLES.has(account.role)) {
      throw new AppError('AUTH.FORBIDDEN', 'Only hotline operators work conversations', { details: { role: account.role } });
    }
  }

  const actorOf = (account: Account) => ({ id: account.id, name: account.displayName });

  async function audit(account: Account, action: AuditAction, conversationId: string, details?: Record<string, string | boolean>): Promise<void> {
    await deps.audit.record({ action, actor: { id: account.id, username: account.username }, target: { kind: 'conversation', id: conversationId }, at: deps.clock.now(), ...(details ? { details } : {}) });
  }

  async function visible(account: Account, conversationId: string): Promise<Conversation> {
    assertOperator(account);
    const conversation = await store.conversations.get(conversationId);
    // Operators see the hotline's conversations: those a person needs or holds, or ever held.
    if (!conversation) throw new AppError('HANDOFF.NOT_FOUND', 'No such conversation');
    return conversation;
  }

  function windowOf(conversation: Conversation, now: Date): ReplyWindow {
    return replyWindow({ channel: conversation.channel, lastInboundAt: conversation.lastInboundAt, now, humanAgentTag: deps.humanAgentTag });
  }

  async function item(conversation: Conversation, account: Account, now: Date): Promise<ConversationItem> {
    const state = handoffOf(conversation);
    const window = windowOf(conversation, now);
    const last = (await store.inbound.listByConversation(conversation.id, 5)).filter((m) => m.kind !== 'echo' && m.text).at(-1);
    const place = state.status === 'queued' ? await deps.routing.placeInQueue(conversation.id, now) : undefined;
    return {
      id: conversation.id,
      rev: state.rev,
      status: state.status,
      channel: conversation.channel,
      team: state.team ?? HOTLINE_TEAM,
      ...(state.reason && { reason: state.reason }),
      ...(state.queuedAt && { queuedAt: state.queuedAt.toISOString(), waitingSeconds: Math.max(0, Math.round((now.getTime() - state.queuedAt.getTime()) / 1000)) }),
      ...(place && { position: place.position }),
      ...(state.assigneeId && { assigneeId: state.assigneeId }),
      ...(state.assigneeName && { assigneeName: state.assigneeName }),
      ...(state.assignedAt && { assignedAt: state.assignedAt.toISOString() }),
      ...(state.firstReplyAt && { firstReplyAt: state.firstReplyAt.toISOString() }),
      ...(state.snoozedUntil && { snoozedUntil: state.snoozedUntil.toISOString() }),
      mine: state.assigneeId === account.id,
      ...(last && { lastMessage: { text: last.text!, at: last.receivedAt.toISOString() } }),
      window: {
        canReply: window.canReply,
        ...(window.closesAt && { closesAt: window.closesAt.toISOString() }),
        ...(window.billableAfter && { billableAfter: window.billableAfter.toISOString() }),
        ...(window.tag && { tag: window.tag }),
      },
    };
  }

  function inboundItem(message: InboundMessage, ours: ReadonlySet<string>): TranscriptItem | undefined {
    if (message.kind === 'follow' || message.kind === 'unfollow') return undefined;
    if (message.kind === 'echo') {
      // Our own sends come back as echoes: the outbound record already shows them.
      if (ours.has(message.externalId)) return undefined;
      return { id: message.id, at: message.receivedAt.toISOString(), kind: 'staff', ...(message.text !== undefined && { text: message.text }) };
    }
    return { id: message.id, at: message.receivedAt.toISOString(), kind: 'citizen', ...(message.text !== undefined && { text: message.text }) };
  }

  function outboundItem(record: OutboundRecord): TranscriptItem {
    const meta = record.reply.meta;
    const kind: TranscriptKind = record.author ? 'operator' : meta?.tag === 'handoff' || meta?.tag === 'csat' ? 'notice' : 'bot';
    const procedureName = meta?.procedureId ? deps.procedureName(meta.procedureId) : undefined;
    return {
      id: record.id,
      at: record.createdAt.toISOString(),
      kind,
      text: record.reply.text,
      ...(record.author && { author: record.author.name }),
      ...(meta?.procedureId && { procedureId: meta.procedureId }),
      ...(procedureName && { procedureName }),
      ...(meta?.tag && { tag: meta.tag }),
      delivery: record.status,
    };
  }

  function activityItem(activity: ConversationActivity): TranscriptItem {
    if (activity.kind === 'note') return { id: activity.id, at: activity.at.toISOString(), kind: 'note', text: activity.text ?? '', ...(activity.actor && { author: activity.actor.name }) };
    return {
      id: activity.id,
      at: activity.at.toISOString(),
      kind: 'event',
      ...(activity.event && { event: activity.event }),
      ...(activity.from && { from: activity.from }),
      ...(activity.to && { to: activity.to }),
      ...(activity.actor && { author: activity.actor.name }),
      ...(activity.text && { text: activity.text }),
    };
  }

  async function transcript(conversationId: string): Promise<TranscriptItem[]> {
    const [inbound, outbound, activities] = await Promise.all([
      store.inbound.listByConversation(conversationId, TRANSCRIPT_LIMIT),
      store.outbound.listByConversation(conversationId, TRANSCRIPT_LIMIT),
      store.activities.listByConversation(conversationId, TRANSCRIPT_LIMIT),
    ]);
    const ours = new Set(outbound.map((r) => r.externalId).filter((id): id is string => id !== undefined));
    const items = [...inbound.map((m) => inboundItem(m, ours)).filter((i): i is TranscriptItem => i !== undefined), ...outbound.map(outboundItem), ...activities.map(activityItem)];
    return items.sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  }

  /** The move by an operator, over the revision the conversation has now; the assignee's own moves only. */
  function requireAssignee(account: Account, state: HandoffState): void {
    if (state.assigneeId !== account.id && account.role === 'operator') {
      throw new AppError('HANDOFF.NOT_ASSIGNEE', 'Claim or take over the conversation first');
    }
  }

  async function claimed(account: Account, conversation: Conversation): Promise<Conversation> {
    const state = handoffOf(conversation);
    if (state.status === 'assigned' && state.assigneeId === account.id) return conversation;
    const takeover = state.status !== 'queued';
    const now = deps.clock.now();
    const stretchId = randomUUID();
    if (state.status === 'bot') {
      // Taken straight from the bot: a stretch of its own.
      await store.handoffs.insert({ id: stretchId, conversationId: conversation.id, channel: conversation.channel, team: HOTLINE_TEAM, reason: 'takeover', requestedAt: now, reoffers: 0 });
    }
    // A claim from the queue takes the queue's lock, so "took over" never precedes "your place in the queue".
    const move = () => moves.move({
      conversationId: conversation.id,
      to: 'assigned',
      event: takeover ? 'takeover' : 'claim',
      actor: actorOf(account),
      patch: (s) => ({
        assigneeId: account.id,
        assigneeName: account.displayName,
        assignedAt: now,
        firstReplyAt: undefined,
        pausedUntil: undefined,
        ...(s.status === 'bot' && { handoffId: stretchId, team: HOTLINE_TEAM, reason: 'takeover' as const }),
      }),
    });
    const moved = takeover ? await move() : await deps.routing.exclusive(move);
    await audit(account, takeover ? 'conversation.takeover' : 'conversation.claim', conversation.id);
    await moves.notify(moved.conversation, `h${moved.to.rev}`, { text: copyFor(conversation.locale).bot.handoff.assigned(account.displayName), meta: { tag: 'handoff' } });
    return moved.conversation;
  }

  async function view(account: Account, conversation: Conversation): Promise<ConversationItem> {
    return item(conversation, account, deps.clock.now());
  }

  return {
    /** The queue (oldest first) and the assigned conversations; `mine` keeps only the caller's. */
    async list(account: Account, query: { statuses: HandoffStatus[]; mine?: boolean }): Promise<ConversationItem[]> {
      assertOperator(account);
      const now = deps.clock.now();
      const found = await store.conversations.listByHandoff(query.statuses, LIST_LIMIT);
      const kept = found.filter((c) => (handoffOf(c).team ?? HOTLINE_TEAM) === HOTLINE_TEAM && (!query.mine || handoffOf(c).assigneeId === account.id));
      return Promise.all(kept.map((c) => item(c, account, now)));
    },

    async get(account: Account, conversationId: string) {
      const conversation = await visible(account, conversationId);
      const [tickets, earlier] = await Promise.all([
        store.tickets.find({ conversationId, limit: 50 }),
        store.handoffs.listByConversation(conversationId, 20),
      ]);
      return {
        ...(await view(account, conversation)),
        tickets: tickets.map((t) => ({ code: t.code, status: t.status, agencyName: deps.agencyName(t.agencyId), createdAt: t.createdAt.toISOString(), dueDate: t.dueAt.toISOString() })),
        // The stretch under way is the conversation itself; the earlier ones are history.
        earlier: earlier.filter((h) => h.id !== handoffOf(conversation).handoffId || handoffOf(conversation).status === 'bot').map((h) => ({
          id: h.id,
          requestedAt: h.requestedAt.toISOString(),
          ...(h.outcome && { outcome: h.outcome }),
          ...(h.summary && { summary: h.summary }),
          ...(h.csat !== undefined && { csat: h.csat }),
        })),
      };
    },

    async transcript(account: Account, conversationId: string): Promise<TranscriptItem[]> {
      await visible(account, conversationId);
      return transcript(conversationId);
    },

    /** Claims a queued conversation, or takes one over from the bot, external staff or another operator. */
    async assign(account: Account, conversationId: string): Promise<ConversationItem> {
      return view(account, await claimed(account, await visible(account, conversationId)));
    },

    /**
     * A reply to the citizen (a queued conversation is claimed by replying) or, `private`, a note for
     * colleagues that no channel ever receives.
     */
    async post(account: Account, conversationId: string, input: { text: string; private?: boolean }): Promise<TranscriptItem> {
      let conversation = await visible(account, conversationId);
      const now = deps.clock.now();
      if (input.private) {
        const note: ConversationActivity = { id: `note:${randomUUID()}`, conversationId, at: now, kind: 'note', actor: actorOf(account), text: input.text };
        await store.activities.insert(note);
        await audit(account, 'conversation.note', conversationId);
        await deps.events.publish('handoff.activity', { conversationId, kind: 'note', at: now, by: account.id });
        return activityItem(note);
      }
      // A closed window is refused before anything moves: the operator converts to a ticket instead.
      if (!windowOf(conversation, now).canReply) throw new AppError('HANDOFF.WINDOW_CLOSED', 'The reply window of this channel has closed; convert the conversation to a ticket');
      const state = handoffOf(conversation);
      if (state.status === 'queued' || state.status === 'bot' || state.assigneeId === EXTERNAL_ASSIGNEE) conversation = await claimed(account, conversation);
      else requireAssignee(account, state);
      const record: OutboundRecord = {
        id: `op:${randomUUID()}`,
        conversationId,
        reply: { text: input.text },
        purpose: 'human_agent',
        status: 'pending',
        attempts: 0,
        author: actorOf(account),
        createdAt: now,
      };
      await store.outbound.insert(record);
      await queueDelivery(deps.deliveries(conversation.channel), conversationId, record.id);
      const after = await moves.patch(conversationId, (s) => (s.firstReplyAt || s.status === 'bot' ? undefined : { firstReplyAt: now }));
      if (after?.handoffId && after.firstReplyAt?.getTime() === now.getTime()) {
        const stretch = await store.handoffs.get(after.handoffId);
        if (stretch && !stretch.firstReplyAt) await store.handoffs.update(after.handoffId, { firstReplyAt: now });
      }
      await audit(account, 'conversation.reply', conversationId);
      await deps.events.publish('handoff.activity', { conversationId, kind: 'operator', at: now, by: account.id });
      return outboundItem(record);
    },

    /** Sets the conversation aside until `minutes` pass or the citizen writes (Chatwoot's snooze). */
    async snooze(account: Account, conversationId: string, minutes: number): Promise<ConversationItem> {
      const conversation = await visible(account, conversationId);
      requireAssignee(account, handoffOf(conversation));
      const until = new Date(deps.clock.now().getTime() + minutes * 60_000);
      const moved = await moves.move({ conversationId, to: 'snoozed', event: 'snooze', actor: actorOf(account), patch: () => ({ snoozedUntil: until }) });
      await audit(account, 'conversation.snooze', conversationId, { minutes: String(minutes) });
      return view(account, moved.conversation);
    },

    /** Back to the queue for another operator. */
    async transfer(account: Account, conversationId: string): Promise<ConversationItem> {
      const conversation = await visible(account, conversationId);
      requireAssignee(account, handoffOf(conversation));
      const moved = await moves.move({
        conversationId,
        to: 'queued',
        event: 'transfer',
        actor: actorOf(account),
        patch: (s) => ({ offeredTo: [...new Set([...(s.offeredTo ?? []), account.id])], assigneeId: undefined, assigneeName: undefined, assignedAt: undefined, firstReplyAt: undefined }),
      });
      await audit(account, 'conversation.transfer', conversationId);
      await deps.routing.route();
      return view(account, (await store.conversations.get(conversationId)) ?? moved.conversation);
    },

    /** Hands the conversation back to the bot: the citizen is told it is the assistant again, then asked for a rating. */
    async resolve(account: Account, conversationId: string, summary?: string): Promise<ConversationItem> {
      const conversation = await visible(account, conversationId);
      const state = handoffOf(conversation);
      if (state.status === 'assigned' || state.status === 'snoozed') requireAssignee(account, state);
      const moved = await moves.move({ conversationId, to: 'bot', event: 'resolve', actor: actorOf(account), ...(summary ? { text: summary } : {}) });
      const copy = copyFor(conversation.locale).bot.handoff;
      await moves.notify(moved.conversation, `h${moved.to.rev}`, { text: copy.backToAssistant, meta: { tag: 'handoff' } });
      if (state.handoffId && state.assigneeId !== EXTERNAL_ASSIGNEE) {
        await moves.notify(moved.conversation, `h${moved.to.rev}-csat`, { text: copy.csatPrompt, buttons: csatButtons(copy, state.handoffId), meta: { tag: 'csat' } });
      }
      await audit(account, 'conversation.resolve', conversationId, summary ? { summary: true } : undefined);
      // A place freed: the next conversation in the queue.
      await deps.routing.route();
      return view(account, moved.conversation);
    },

    /** "Send to an agency": a ticket from the conversation with its transcript; the handoff ends and the citizen gets the tracking code. */
    async toTicket(account: Account, conversationId: string, input: { question?: string; kind?: TicketKind }) {
      const conversation = await visible(account, conversationId);
      const state = handoffOf(conversation);
      if (state.status === 'assigned') requireAssignee(account, state);
      const lines = (await transcript(conversationId))
        .filter((i) => i.text && (i.kind === 'citizen' || i.kind === 'operator' || i.kind === 'bot' || i.kind === 'staff'))
        .map((i) => `${i.kind === 'citizen' ? 'Người dân' : i.kind === 'operator' ? `Tổng đài viên ${i.author ?? ''}`.trim() : i.kind === 'staff' ? 'Nhân viên' : 'Trợ lý'}: ${i.text}`);
      const head = input.question?.trim() || lines.filter((l) => l.startsWith('Người dân')).at(-1)?.slice('Người dân: '.length) || 'Câu hỏi chuyển từ tổng đài 1022';
      const question = `${head}\n\n— Nội dung trao đổi với tổng đài 1022 —\n${lines.join('\n')}`.slice(0, TICKET_TEXT_MAX);
      const ticket = await deps.tickets.openTicket({ conversationId, requestId: `op-ticket:${state.handoffId ?? conversationId}:${state.rev}`, kind: input.kind ?? 'question', question, consent: { forward: true, publish: false } });
      const copy = copyFor(conversation.locale);
      const opened = { code: ticket.code, agencyName: deps.agencyName(ticket.agencyId), dueDate: copy.bot.tickets.formatDate(localDateOf(ticket.dueAt)) };
      await moves.notify(conversation, `ticket-${ticket.id}`, { text: copy.bot.tickets.opened({ ...opened, kind: ticket.kind, callback: false }), meta: { tag: 'ticket-opened' } });
      if (state.status !== 'bot') await moves.move({ conversationId, to: 'bot', event: 'resolve', actor: actorOf(account), text: ticket.code }).catch(ignoreConflict);
      await audit(account, 'conversation.ticket', conversationId, { code: ticket.code });
      await deps.routing.route();
      return opened;
    },

    async typing(account: Account, conversationId: string): Promise<void> {
      const conversation = await visible(account, conversationId);
      await deps.typing?.(conversation).catch(() => undefined);
      await deps.events.publish('handoff.activity', { conversationId, kind: 'typing', at: deps.clock.now(), by: account.id });
    },

    /** The brain's best procedures for the citizen's last message, each with its answer to insert. */
    async suggestions(account: Account, conversationId: string) {
      await visible(account, conversationId);
      const last = (await store.inbound.listByConversation(conversationId, 20)).filter((m) => m.kind === 'message' && m.text).at(-1);
      return last?.text ? deps.suggest(last.text) : [];
    },
  };
}

export type OperatorDesk = ReturnType<typeof createOperatorDesk>;

function ignoreConflict(err: unknown): void {
  if ((err as { code?: string }).code !== 'HANDOFF.CONFLICT') throw err;
}
