import { loadHolidayCalendar } from '../../knowledge/calendar/holidays.js';
import { createHandoffCitizen } from '../../src/core/handoff-citizen.js';
import { createHandoffMoves } from '../../src/core/handoff-moves.js';
import { createHandoffRouting } from '../../src/core/handoff-routing.js';
import type { FlowServicesDeps } from '../../src/core/flow-services.js';
import { createLogger } from '../../src/logging/logger.js';
import { operatorHours, parseOperatorHours } from '../../src/domain/operator-hours.js';
import { systemClock } from '../../src/ports/clock.js';
import type { Store } from '../../src/ports/store.js';

/**
 * The real handoff queue for flow tests without queues or HTTP: the hotline open around the clock and
 * nobody online, so a request for a person is recorded (a `closed` stretch with its question and
 * procedure) and answered with the offer to leave the question or be called back. Notices and moves go
 * nowhere (no delivery worker, no listeners); the route lock is always free (one process).
 */
export function flowHandoff(store: Store): NonNullable<FlowServicesDeps['handoff']> {
  const events = { publish: async () => {} };
  const deliveries = () => ({ name: 'outbound-test', add: async () => {} });
  const moves = createHandoffMoves({ store, events, clock: systemClock, deliveries });
  const backend = { lock: async () => ({ extend: async () => true, release: async () => {} }) };
  const policy = { claimMs: 600_000, firstReplyMs: 120_000, capacity: 5, externalPauseMs: 1_800_000 };
  const hours = operatorHours(parseOperatorHours('24/7'), loadHolidayCalendar().calendar);
  const routing = createHandoffRouting({ store, moves, backend, hours, policy, clock: systemClock, logger: createLogger({ logLevel: 'silent' }) });
  const citizen = createHandoffCitizen({ store, moves, routing, events, clock: systemClock, policy });
  return { request: (input) => routing.request(input), rate: (...args) => citizen.rate(...args) };
}
