import { describe, expect, it, vi } from 'vitest';
import { createInProcessHub, type WebchatEvent } from '../../../adapters/webchat/hub.js';

const event = (id: string): WebchatEvent => ({ id, from: 'assistant', text: `text ${id}`, at: new Date(0).toISOString() });

describe('in-process webchat hub', () => {
  it('When an event is published, then every subscriber of that visitor gets it and no one else', async () => {
    // Arrange
    const hub = createInProcessHub();
    const tab1 = vi.fn();
    const tab2 = vi.fn();
    const stranger = vi.fn();
    hub.subscribe('visitor-a', tab1);
    hub.subscribe('visitor-a', tab2);
    hub.subscribe('visitor-b', stranger);

    // Act
    await hub.publish('visitor-a', event('m1'));

    // Assert
    expect(tab1).toHaveBeenCalledWith(event('m1'));
    expect(tab2).toHaveBeenCalledWith(event('m1'));
    expect(stranger).not.toHaveBeenCalled();
  });

  it('When a subscriber unsubscribes, then it gets nothing more and the visitor entry is gone', async () => {
    // Arrange
    const hub = createInProcessHub();
    const listener = vi.fn();
    const unsubscribe = hub.subscribe('visitor-a', listener);
    expect(hub.listenerCount('visitor-a')).toBe(1);

    // Act
    unsubscribe();
    unsubscribe(); // twice is harmless
    await hub.publish('visitor-a', event('m1'));

    // Assert
    expect(listener).not.toHaveBeenCalled();
    expect(hub.listenerCount('visitor-a')).toBe(0);
    expect(hub.listenerCount()).toBe(0);
  });

  it('When the same function subscribes twice, then each subscription is removed separately', async () => {
    const hub = createInProcessHub();
    const listener = vi.fn();
    const first = hub.subscribe('v', listener);
    hub.subscribe('v', listener);
    first();
    await hub.publish('v', event('m1'));
    expect(listener).toHaveBeenCalledTimes(1);
    expect(hub.listenerCount()).toBe(1);
  });

  it('When nobody listens, then publishing is a no-op', async () => {
    const hub = createInProcessHub();
    await expect(hub.publish('absent', event('m1'))).resolves.toBeUndefined();
  });

  it('When a listener throws, then the others still receive the event and the error is reported', async () => {
    // Arrange
    const onListenerError = vi.fn();
    const hub = createInProcessHub({ onListenerError });
    hub.subscribe('v', () => {
      throw new Error('socket closed');
    });
    const healthy = vi.fn();
    hub.subscribe('v', healthy);

    // Act
    await hub.publish('v', event('m1'));

    // Assert
    expect(healthy).toHaveBeenCalledOnce();
    expect(onListenerError).toHaveBeenCalledWith(expect.objectContaining({ message: 'socket closed' }));
  });

  it('When a listener unsubscribes while an event is being delivered, then the others still get it', async () => {
    const hub = createInProcessHub();
    const later = vi.fn();
    const unsubscribe = hub.subscribe('v', () => unsubscribe());
    hub.subscribe('v', later);
    await hub.publish('v', event('m1'));
    expect(later).toHaveBeenCalledOnce();
    expect(hub.listenerCount('v')).toBe(1);
  });
});
