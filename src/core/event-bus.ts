import type { DomainEventName, DomainEvents } from '../domain/events.js';
import type { EventBus, Listener } from '../ports/events.js';
import type { Logger } from '../ports/logger.js';

/** The in-process event bus (ports/events.ts): listeners run in the process that publishes. */
export function createEventBus(logger: Logger): EventBus {
  const listeners = new Map<DomainEventName, Listener<never>[]>();
  return {
    subscribe(name, listener) {
      const list = listeners.get(name) ?? [];
      list.push(listener as Listener<never>);
      listeners.set(name, list);
    },
    async publish<K extends DomainEventName>(name: K, event: DomainEvents[K]) {
      for (const listener of (listeners.get(name) ?? []) as unknown as Listener<K>[]) {
        try {
          await listener(event);
        } catch (err) {
          logger.error({ err, event: name, listener: listener.name || 'anonymous' }, 'a listener failed');
        }
      }
    },
  };
}
