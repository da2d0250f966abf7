import type { DomainEventName, DomainEvents } from '../domain/events.js';

/** A reaction to one named domain event (src/listeners). */
export type Listener<K extends DomainEventName> = (event: DomainEvents[K]) => Promise<void>;

/**
 * Publishes domain events to the listeners of this process. `publish` resolves once every listener
 * has run, in subscription order, so the publisher's unit of work (e.g. a delivery job) includes its
 * reactions: a crash before that re-runs both. A listener that throws is logged and does not stop the
 * others or undo what the publisher already stored.
 */
export interface EventBus {
  publish<K extends DomainEventName>(name: K, event: DomainEvents[K]): Promise<void>;
  subscribe<K extends DomainEventName>(name: K, listener: Listener<K>): void;
}
