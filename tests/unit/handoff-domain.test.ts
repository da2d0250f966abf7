import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import {
  HANDOFF_STATUSES,
  PRESENCE_TTL_MS,
  TRANSITIONS,
  canMove,
  isOnline,
  isPresent,
  moveHandoff,
  reachedOperators,
  type HandoffEvent,
  type HandoffState,
  type HandoffStatus,
  type OperatorPresence,
  type OperatorRequestOutcome,
} from '../../src/domain/handoff.js';

/**
 * The handoff's transition table (src/domain/handoff.ts), checked exhaustively against a table written
 * out here from the module's diagram and its event list, the state a move computes, and which request
 * outcomes reached the operators.
 */

const EVENTS: readonly HandoffEvent[] = [
  'request',
  'claim',
  'route',
  'takeover',
  'external',
  'reoffer',
  'transfer',
  'snooze',
  'wake',
  'resolve',
  'leave',
  'unclaimed',
  'external-ended',
];

/**
 * Every legal move, as `event: from → to`. Everything else (13 events × 4 × 4 statuses) is illegal.
 *
 *   event            | from      → to
 *   -----------------+----------------------
 *   request          | bot       → queued      (citizen asks, or the bot decides)
 *   claim            | queued    → assigned    (an operator claims from the queue)
 *   claim            | bot       → assigned    (an operator claims a bot conversation)
 *   route            | queued    → assigned    (routing gives it to an operator)
 *   takeover         | bot       → assigned
 *   takeover         | queued    → assigned
 *   takeover         | assigned  → assigned    (another operator takes it over)
 *   external         | bot       → assigned    (staff answered in the platform's inbox)
 *   external         | queued    → assigned
 *   external         | assigned  → assigned
 *   external         | snoozed   → assigned
 *   reoffer          | assigned  → queued      (no first reply in time / operator offline)
 *   transfer         | assigned  → queued      (back to the team's queue)
 *   transfer         | assigned  → assigned    (to a named operator)
 *   snooze           | assigned  → snoozed
 *   wake             | snoozed   → assigned    (citizen writes, or snoozedUntil passed)
 *   resolve          | assigned  → bot         (hand back)
 *   resolve          | snoozed   → bot
 *   leave            | queued    → bot         (citizen left the queue)
 *   unclaimed        | queued    → bot         (nobody claimed it in time)
 *   external-ended   | assigned  → bot         (the external pause ran out)
 */
const LEGAL: ReadonlyArray<readonly [HandoffEvent, HandoffStatus, HandoffStatus]> = [
  ['request', 'bot', 'queued'],
  ['claim', 'queued', 'assigned'],
  ['claim', 'bot', 'assigned'],
  ['route', 'queued', 'assigned'],
  ['takeover', 'bot', 'assigned'],
  ['takeover', 'queued', 'assigned'],
  ['takeover', 'assigned', 'assigned'],
  ['external', 'bot', 'assigned'],
  ['external', 'queued', 'assigned'],
  ['external', 'assigned', 'assigned'],
  ['external', 'snoozed', 'assigned'],
  ['reoffer', 'assigned', 'queued'],
  ['transfer', 'assigned', 'queued'],
  ['transfer', 'assigned', 'assigned'],
  ['snooze', 'assigned', 'snoozed'],
  ['wake', 'snoozed', 'assigned'],
  ['resolve', 'assigned', 'bot'],
  ['resolve', 'snoozed', 'bot'],
  ['leave', 'queued', 'bot'],
  ['unclaimed', 'queued', 'bot'],
  ['external-ended', 'assigned', 'bot'],
];

const isLegal = (from: HandoffStatus, to: HandoffStatus, event: HandoffEvent): boolean =>
  LEGAL.some(([e, f, t]) => e === event && f === from && t === to);

const ALL_TRIPLES = HANDOFF_STATUSES.flatMap((from) => HANDOFF_STATUSES.flatMap((to) => EVENTS.map((event) => [from, to, event] as const)));

const T0 = new Date('2026-03-09T03:00:00.000Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('canMove', () => {
  it('When every (from, to, event) triple is checked, then exactly the moves of the table are legal', () => {
    // Arrange
    const expected = ALL_TRIPLES.map(([from, to, event]) => `${event}: ${from}>${to} ${isLegal(from, to, event) ? 'legal' : 'illegal'}`);

    // Act
    const actual = ALL_TRIPLES.map(([from, to, event]) => `${event}: ${from}>${to} ${canMove(from, to, event) ? 'legal' : 'illegal'}`);

    // Assert
    expect(ALL_TRIPLES).toHaveLength(4 * 4 * 13);
    expect(actual).toEqual(expected);
    expect(actual.filter((line) => line.endsWith(' legal'))).toHaveLength(LEGAL.length);
  });

  it('When TRANSITIONS is read, then every status pair it allows is used by some event and no other pair is', () => {
    // Arrange
    const pairsOfTable = new Set(LEGAL.map(([, from, to]) => `${from}>${to}`));

    // Act
    const pairsOfTransitions = new Set(HANDOFF_STATUSES.flatMap((from) => TRANSITIONS[from].map((to) => `${from}>${to}`)));

    // Assert
    expect([...pairsOfTransitions].sort()).toEqual([...pairsOfTable].sort());
  });
});

describe('moveHandoff', () => {
  const states: Record<HandoffStatus, HandoffState> = {
    bot: { status: 'bot', rev: 4 },
    queued: { status: 'queued', rev: 5, handoffId: 'c:s5', team: 'hotline', reason: 'requested', queuedAt: at(0), offeredTo: ['op-x'] },
    assigned: {
      status: 'assigned',
      rev: 6,
      handoffId: 'c:s5',
      team: 'hotline',
      reason: 'requested',
      queuedAt: at(0),
      assigneeId: 'op-a',
      assigneeName: 'An',
      assignedAt: at(1000),
      firstReplyAt: at(2000),
      offeredTo: ['op-x'],
    },
    snoozed: {
      status: 'snoozed',
      rev: 7,
      handoffId: 'c:s5',
      team: 'hotline',
      reason: 'requested',
      queuedAt: at(0),
      assigneeId: 'op-a',
      assigneeName: 'An',
      assignedAt: at(1000),
      firstReplyAt: at(2000),
      snoozedUntil: at(3_600_000),
    },
  };

  it('When a move is illegal, then it throws HANDOFF.ILLEGAL_TRANSITION naming from, to and event', () => {
    for (const [from, to, event] of ALL_TRIPLES.filter(([f, t, e]) => !isLegal(f, t, e))) {
      // Act
      const err = thrown(() => moveHandoff(states[from], to, event));

      // Assert
      expect(err, `${event}: ${from}>${to}`).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('HANDOFF.ILLEGAL_TRANSITION');
      expect((err as AppError).details).toEqual({ from, to, event });
    }
  });

  it('When a move is legal, then the status is the target and rev is one more', () => {
    for (const [event, from, to] of LEGAL) {
      // Act
      const next = moveHandoff(states[from], to, event);

      // Assert
      expect(next.status, `${event}: ${from}>${to}`).toBe(to);
      expect(next.rev, `${event}: ${from}>${to}`).toBe(states[from].rev + 1);
    }
  });

  it('When a move computes the next state, then the current state is not changed', () => {
    // Arrange
    const current = structuredClone(states.snoozed);

    // Act
    moveHandoff(current, 'assigned', 'wake');
    moveHandoff(current, 'bot', 'resolve', { handedBack: true });

    // Assert
    expect(current).toEqual(states.snoozed);
  });

  it('When a conversation goes back to the bot, then every field of the stretch is cleared', () => {
    for (const [event, from] of LEGAL.filter(([, , to]) => to === 'bot')) {
      // Act
      const next = moveHandoff(states[from], 'bot', event, { assigneeId: 'op-b', pausedUntil: at(1) });

      // Assert
      expect(next, `${event}: ${from}>bot`).toEqual({ status: 'bot', rev: states[from].rev + 1 });
    }
  });

  it('When the move to the bot is patched with handedBack, then only handedBack is kept', () => {
    // Act
    const resolved = moveHandoff(states.assigned, 'bot', 'resolve', { handedBack: true, assigneeId: 'op-b' });
    const ended = moveHandoff(states.assigned, 'bot', 'external-ended', { handedBack: true });
    const notFlagged = moveHandoff(states.assigned, 'bot', 'resolve', { handedBack: false });

    // Assert
    expect(resolved).toEqual({ status: 'bot', rev: 7, handedBack: true });
    expect(ended).toEqual({ status: 'bot', rev: 7, handedBack: true });
    expect(notFlagged).toEqual({ status: 'bot', rev: 7 });
  });

  it('When a move stays out of the bot, then the patch applies over the current fields and handedBack is dropped', () => {
    // Arrange
    const handedBackBot: HandoffState = { status: 'bot', rev: 2, handedBack: true };

    // Act
    const queued = moveHandoff(handedBackBot, 'queued', 'request', { handoffId: 'c:s3', team: 'hotline', reason: 'fallbacks', queuedAt: at(0) });
    const assigned = moveHandoff(states.queued, 'assigned', 'route', { assigneeId: 'op-b', assigneeName: 'Bình', assignedAt: at(5000) });

    // Assert
    expect(queued).toEqual({ status: 'queued', rev: 3, handoffId: 'c:s3', team: 'hotline', reason: 'fallbacks', queuedAt: at(0) });
    expect(assigned).toEqual({
      status: 'assigned',
      rev: 6,
      handoffId: 'c:s5',
      team: 'hotline',
      reason: 'requested',
      queuedAt: at(0),
      offeredTo: ['op-x'],
      assigneeId: 'op-b',
      assigneeName: 'Bình',
      assignedAt: at(5000),
    });
  });

  it('When a snoozed conversation wakes or staff take it, then snoozedUntil is cleared and the rest is kept', () => {
    // Act
    const woken = moveHandoff(states.snoozed, 'assigned', 'wake');
    const external = moveHandoff(states.snoozed, 'assigned', 'external', { assigneeId: 'external', pausedUntil: at(10_000) });

    // Assert
    const { snoozedUntil: _dropped, ...rest } = states.snoozed;
    expect(woken).toEqual({ ...rest, status: 'assigned', rev: 8 });
    expect(woken).not.toHaveProperty('snoozedUntil');
    expect(external).not.toHaveProperty('snoozedUntil');
    expect(external).toMatchObject({ status: 'assigned', rev: 8, assigneeId: 'external', pausedUntil: at(10_000), firstReplyAt: at(2000) });
  });

  it('When an assigned conversation is snoozed, then snoozedUntil from the patch is kept', () => {
    // Act
    const snoozed = moveHandoff(states.assigned, 'snoozed', 'snooze', { snoozedUntil: at(60_000) });

    // Assert
    expect(snoozed).toEqual({ ...states.assigned, status: 'snoozed', rev: 7, snoozedUntil: at(60_000) });
  });
});

describe('isOnline', () => {
  const presence = (status: OperatorPresence['status'], seenAt: Date): OperatorPresence => ({ id: 'op-a', name: 'An', team: 'hotline', status, seenAt });

  it('When an online operator was seen exactly 90 s ago, then they are online; 1 ms later they are not', () => {
    // Arrange
    const seen = presence('online', at(0));

    // Act & Assert
    expect(PRESENCE_TTL_MS).toBe(90_000);
    expect(isOnline(seen, at(0))).toBe(true);
    expect(isOnline(seen, at(89_999))).toBe(true);
    expect(isOnline(seen, at(90_000))).toBe(true);
    expect(isOnline(seen, at(90_001))).toBe(false);
  });

  it('When the operator is away or offline, then they are not online however recently seen', () => {
    expect(isOnline(presence('away', at(0)), at(0))).toBe(false);
    expect(isOnline(presence('offline', at(0)), at(0))).toBe(false);
  });

  it('When the operator is away, then they are still present (they keep what they hold); offline or silent for over 90 s, they are not', () => {
    expect(isPresent(presence('away', at(0)), at(90_000))).toBe(true);
    expect(isPresent(presence('online', at(0)), at(90_000))).toBe(true);
    expect(isPresent(presence('away', at(0)), at(90_001))).toBe(false);
    expect(isPresent(presence('offline', at(0)), at(0))).toBe(false);
  });
});

describe('reachedOperators', () => {
  it('When a request was queued, routed at once or was already with the operators, then it reached them; out of hours or nobody online, it did not', () => {
    // Arrange
    const outcomes: Array<[OperatorRequestOutcome, boolean]> = [
      [{ outcome: 'queued', position: 2, waitMinutes: 6 }, true],
      [{ outcome: 'assigned' }, true],
      [{ outcome: 'already' }, true],
      [{ outcome: 'out-of-hours', hours: '07:30–17:00, thứ Hai đến thứ Sáu', opensAt: '07:30 16/03/2026' }, false],
      [{ outcome: 'out-of-hours', hours: '07:30–17:00, thứ Hai đến thứ Sáu' }, false],
      [{ outcome: 'nobody-online' }, false],
    ];

    // Act
    const actual = outcomes.map(([outcome]) => [outcome.outcome, reachedOperators(outcome)]);

    // Assert
    expect(actual).toEqual(outcomes.map(([outcome, reached]) => [outcome.outcome, reached]));
  });
});
