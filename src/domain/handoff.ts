import { AppError } from './errors.js';
import type { ChannelKind } from './message.js';

/**
 * Live handoff to hotline operators (Chatwoot's conversation status, Stream Chat's `handoff` field):
 *
 *   bot ──request──▶ queued ──claim / routing──▶ assigned ──resolve (hand back)──▶ bot
 *    │                 │  ▲                        │  ▲ │
 *    │                 │  └──re-offer / transfer───┘  │ └──snooze──▶ snoozed ──citizen writes / until──▶ assigned
 *    │                 └──unclaimed, left, closed──▶ bot          (resolve from snoozed ──▶ bot)
 *    └──operator takes over / staff answer in the platform's own inbox──▶ assigned
 *
 * While the status is not `bot` the assistant sends nothing but system notices. Every move is checked
 * against TRANSITIONS (an illegal one is HANDOFF.ILLEGAL_TRANSITION) and recorded as an activity in the
 * conversation's transcript. `rev` increases with every move: the store writes a move only over the
 * revision it was computed from, so two operators claiming at once cannot both win.
 */

export type HandoffStatus = 'bot' | 'queued' | 'assigned' | 'snoozed';

export const HANDOFF_STATUSES: readonly HandoffStatus[] = ['bot', 'queued', 'assigned', 'snoozed'];

/** Why a conversation left the bot: the citizen asked, two fallbacks in a row, a sensitive matter, an operator took it, staff answered outside. */
export type HandoffReason = 'requested' | 'fallbacks' | 'sensitive' | 'takeover' | 'external';

/**
 * How a human stretch ended: `resolved` (handed back by an operator), `abandoned` (the citizen left the
 * queue), `unclaimed` (nobody claimed it in time), `closed` (out of hours or nobody online: never
 * queued), `external-ended` (the pause after staff answered outside ran out).
 */
export type HandoffOutcome = 'resolved' | 'abandoned' | 'unclaimed' | 'closed' | 'external-ended';

/** What moves a conversation (the activity's `event`). */
export type HandoffEvent =
  | 'request'
  | 'claim'
  | 'route'
  | 'takeover'
  | 'external'
  | 'reoffer'
  | 'transfer'
  | 'snooze'
  | 'wake'
  | 'resolve'
  | 'leave'
  | 'unclaimed'
  | 'external-ended';

/** The hotline's own queue; agencies and languages get theirs later. */
export const HOTLINE_TEAM = 'hotline';
/** The assignee when staff answered from Zalo's or Meta's own inbox. */
export const EXTERNAL_ASSIGNEE = 'external';

/** The conversation's handoff state (Conversation.handoff; absent on conversations older than handoff = bot, rev 0). */
export interface HandoffState {
  status: HandoffStatus;
  /** +1 on every move (compare-and-set). */
  rev: number;
  /** The current human stretch (HandoffRecord id) while not `bot`. */
  handoffId?: string;
  team?: string;
  reason?: HandoffReason;
  /** When the conversation joined the queue (kept through re-offers: its place in the queue). */
  queuedAt?: Date;
  /** Account id, or EXTERNAL_ASSIGNEE. */
  assigneeId?: string;
  assigneeName?: string;
  assignedAt?: Date;
  /** The assignee's first reply; until then the conversation is re-offered after the first-reply limit. */
  firstReplyAt?: Date;
  /** Accounts this stretch was offered to without a reply (skipped by routing). */
  offeredTo?: string[];
  /** External takeover: the bot stays silent until then (renewed by each staff message). */
  pausedUntil?: Date;
  snoozedUntil?: Date;
  /** Set on hand-back: the bot's next message first says it is the assistant again, then clears it. */
  handedBack?: boolean;
}

export const BOT_STATE: HandoffState = Object.freeze({ status: 'bot', rev: 0 }) as HandoffState;

/** The state of a conversation, absent meaning bot. */
export function handoffOf(conversation: { handoff?: HandoffState }): HandoffState {
  return conversation.handoff ?? BOT_STATE;
}

/** Legal moves: from → the statuses it may go to. */
export const TRANSITIONS: Readonly<Record<HandoffStatus, readonly HandoffStatus[]>> = {
  bot: ['queued', 'assigned'],
  queued: ['assigned', 'bot'],
  assigned: ['bot', 'queued', 'snoozed', 'assigned'],
  snoozed: ['assigned', 'bot'],
};

/** Which events may cause which move (a claim cannot end a stretch, a resolve cannot queue one). */
const EVENT_MOVES: Readonly<Record<HandoffEvent, readonly `${HandoffStatus}>${HandoffStatus}`[]>> = {
  request: ['bot>queued'],
  claim: ['queued>assigned', 'bot>assigned'],
  route: ['queued>assigned'],
  takeover: ['bot>assigned', 'queued>assigned', 'assigned>assigned'],
  external: ['bot>assigned', 'queued>assigned', 'assigned>assigned', 'snoozed>assigned'],
  reoffer: ['assigned>queued'],
  transfer: ['assigned>queued', 'assigned>assigned'],
  snooze: ['assigned>snoozed'],
  wake: ['snoozed>assigned'],
  resolve: ['assigned>bot', 'snoozed>bot'],
  leave: ['queued>bot'],
  unclaimed: ['queued>bot'],
  'external-ended': ['assigned>bot'],
};

export function canMove(from: HandoffStatus, to: HandoffStatus, event: HandoffEvent): boolean {
  return TRANSITIONS[from].includes(to) && EVENT_MOVES[event].includes(`${from}>${to}`);
}

/**
 * The next state: `patch` applied over the current one (fields of the stretch cleared when it ends),
 * `rev` + 1. Throws HANDOFF.ILLEGAL_TRANSITION for a move the table refuses.
 */
export function moveHandoff(current: HandoffState, to: HandoffStatus, event: HandoffEvent, patch: Partial<Omit<HandoffState, 'status' | 'rev'>> = {}): HandoffState {
  if (!canMove(current.status, to, event)) {
    throw new AppError('HANDOFF.ILLEGAL_TRANSITION', `A conversation cannot go from ${current.status} to ${to} by ${event}`, { details: { from: current.status, to, event } });
  }
  if (to === 'bot') return { status: 'bot', rev: current.rev + 1, ...(patch.handedBack ? { handedBack: true } : {}) };
  const next: HandoffState = { ...current, ...patch, status: to, rev: current.rev + 1 };
  delete next.handedBack;
  if (to !== 'snoozed') delete next.snoozedUntil;
  return next;
}

/**
 * What became of a request for a person: queued (the position and wait were told by a notice), taken at
 * once by a free operator, already
 * waiting or held, or nobody reachable now (the flows offer to leave the question or be called back).
 */
export type OperatorRequestOutcome =
  | { outcome: 'queued'; position: number; waitMinutes: number }
  /** An operator was free: "operator X took over" was said at once. */
  | { outcome: 'assigned' }
  | { outcome: 'already' }
  | { outcome: 'out-of-hours'; hours: string; opensAt?: string }
  | { outcome: 'nobody-online' };

/** Whether the request reached the operators' queue (nothing more for the flows to say). */
export function reachedOperators(result: OperatorRequestOutcome): boolean {
  return result.outcome === 'queued' || result.outcome === 'assigned' || result.outcome === 'already';
}

/** One human stretch of a conversation, from the request to its end: what the contact-centre figures are computed from. */
export interface HandoffRecord {
  id: string;
  conversationId: string;
  channel: ChannelKind;
  team: string;
  reason: HandoffReason;
  /** The citizen's question when they asked (personal data: never logged). */
  question?: string;
  procedureId?: string;
  requestedAt: Date;
  /** Absent when it was never queued (closed, or taken over directly). */
  queuedAt?: Date;
  assignedAt?: Date;
  assigneeId?: string;
  firstReplyAt?: Date;
  endedAt?: Date;
  outcome?: HandoffOutcome;
  /** The operator's hand-back summary. */
  summary?: string;
  /** The citizen's rating 1–5 asked after a human conversation. */
  csat?: number;
  /** Times it went back to the queue (no first reply in time, operator offline, transfer). */
  reoffers: number;
}

/** A line in the transcript that is not a message: a handoff move or an operator's private note (never sent to any channel). */
export interface ConversationActivity {
  id: string;
  conversationId: string;
  at: Date;
  kind: 'transition' | 'note';
  /** transition only. */
  from?: HandoffStatus;
  to?: HandoffStatus;
  event?: HandoffEvent;
  reason?: HandoffReason;
  /** Who acted: an operator, or the system (absent). */
  actor?: { id: string; name: string };
  /** The note's text, or the hand-back summary. */
  text?: string;
}

export type PresenceStatus = 'online' | 'away' | 'offline';

/** An operator's presence; online counts only while seen within PRESENCE_TTL_MS (the console's heartbeat). */
export interface OperatorPresence {
  /** The account id. */
  id: string;
  name: string;
  team: string;
  status: PresenceStatus;
  seenAt: Date;
  /** When routing last gave them a conversation (round robin: the longest without one goes first). */
  lastAssignedAt?: Date;
}

/** The console sends a heartbeat every 30 s; an operator not seen for 90 s counts as offline. */
export const PRESENCE_TTL_MS = 90_000;

/** Online: routing gives them conversations. */
export function isOnline(presence: OperatorPresence, now: Date): boolean {
  return presence.status === 'online' && now.getTime() - presence.seenAt.getTime() <= PRESENCE_TTL_MS;
}

/** Online or away (at the console, taking nothing new): they keep what they hold; offline or silent ones do not. */
export function isPresent(presence: OperatorPresence, now: Date): boolean {
  return presence.status !== 'offline' && now.getTime() - presence.seenAt.getTime() <= PRESENCE_TTL_MS;
}

/** A reply the hotline keeps under a short code (`/giaykhaisinh`): data the hotline edits. */
export interface CannedReply {
  /** The short code, lower-case letters, digits and dashes; also the id. */
  id: string;
  text: string;
  updatedAt: Date;
  updatedBy: string;
}

/** A hotline call an operator recorded (phone intake): its own channel in the statistics. */
export interface PhoneCall {
  id: string;
  operatorId: string;
  /** The caller's question as the operator wrote it down (personal data: never logged). */
  question: string;
  /** A call-back number (personal data: masked in exports). */
  callbackPhone?: string;
  /** The answer given on the phone. */
  answer?: string;
  procedureId?: string;
  /** The ticket opened for an agency, whose code was read to the caller. */
  ticketCode?: string;
  receivedAt: Date;
  /** How long the call took, as the operator entered it. */
  durationSeconds?: number;
}
