import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisHub, type RedisWebchatHub } from '../../adapters/webchat/redis-hub.js';
import type { WebchatEvent } from '../../adapters/webchat/hub.js';
import { eventually } from './helpers.js';
import { redisBaseUrl } from './system-harness.js';

/**
 * The widget's Redis pub/sub hub on a real Redis: two hubs on their own connections play a web process
 * (holding the citizen's event stream) and a worker process (publishing the reply). Each test uses a
 * random prefix; pub/sub leaves no keys behind.
 *
 * "Nothing else arrives" is checked with a barrier, not a sleep: Redis delivers the messages of one
 * publishing connection to one subscriber connection in order, so once an event published later has
 * arrived, an earlier one would have too.
 */
const url = redisBaseUrl();

const event = (id: string, text = `Trả lời ${id}`): WebchatEvent => ({ id, from: 'assistant', text, at: new Date(0).toISOString() });

describe('Redis webchat hub', () => {
  let prefix: string;
  let webRedis: Redis;
  let workerRedis: Redis;
  let web: RedisWebchatHub;
  let worker: RedisWebchatHub;
  let errors: unknown[];

  beforeEach(() => {
    prefix = `test-${randomUUID()}`;
    errors = [];
    webRedis = new Redis(url, { maxRetriesPerRequest: 1 });
    workerRedis = new Redis(url, { maxRetriesPerRequest: 1 });
    web = createRedisHub({ redis: webRedis, prefix, onError: (err) => errors.push(err) });
    worker = createRedisHub({ redis: workerRedis, prefix, onError: (err) => errors.push(err) });
  });

  afterEach(async () => {
    await Promise.all([web.close(), worker.close()]);
    await Promise.all([webRedis.quit(), workerRedis.quit()]);
  });

  const subscribers = async (visitorId: string): Promise<number> => {
    const [, count] = (await workerRedis.pubsub('NUMSUB', `${prefix}:webchat:${visitorId}`)) as [string, number];
    return Number(count);
  };

  it('When a worker process publishes a reply, then the web process holding the visitor’s streams gets it once per stream, and no one else', async () => {
    // Arrange: visitor A has two tabs open on the web process, visitor B one.
    const tab1: WebchatEvent[] = [];
    const tab2: WebchatEvent[] = [];
    const other: WebchatEvent[] = [];
    web.subscribe('visitor-a', (e) => tab1.push(e));
    web.subscribe('visitor-a', (e) => tab2.push(e));
    web.subscribe('visitor-b', (e) => other.push(e));
    await Promise.all([web.subscribed('visitor-a'), web.subscribed('visitor-b')]);
    expect(web.listenerCount()).toBe(3);
    // One Redis subscription per visitor, however many tabs.
    expect(await subscribers('visitor-a')).toBe(1);

    // Act
    await worker.publish('visitor-a', event('r1', 'Bạn cần mang theo căn cước.'));
    await worker.publish('visitor-b', event('barrier'));

    // Assert
    await eventually(() => expect(other).toHaveLength(1));
    expect(tab1).toEqual([event('r1', 'Bạn cần mang theo căn cước.')]);
    expect(tab2).toEqual([event('r1', 'Bạn cần mang theo căn cước.')]);
    expect(other).toEqual([event('barrier')]);
    expect(errors).toEqual([]);
  });

  it('When the process that publishes also holds the stream, then the stream gets the event once (through Redis only)', async () => {
    const seen: WebchatEvent[] = [];
    web.subscribe('visitor-a', (e) => seen.push(e));
    web.subscribe('visitor-b', () => {});
    await Promise.all([web.subscribed('visitor-a'), web.subscribed('visitor-b')]);

    await web.publish('visitor-a', event('own'));
    const barrier: WebchatEvent[] = [];
    web.subscribe('visitor-c', (e) => barrier.push(e));
    await web.subscribed('visitor-c');
    await web.publish('visitor-c', event('barrier'));

    await eventually(() => expect(barrier).toHaveLength(1));
    expect(seen).toEqual([event('own')]);
  });

  it('When the last stream of a visitor closes, then the process leaves the channel and later replies are not received', async () => {
    // Arrange
    const seen: WebchatEvent[] = [];
    const barrier: WebchatEvent[] = [];
    const unsubscribe = web.subscribe('visitor-a', (e) => seen.push(e));
    const second = web.subscribe('visitor-a', (e) => seen.push(e));
    web.subscribe('visitor-b', (e) => barrier.push(e));
    await Promise.all([web.subscribed('visitor-a'), web.subscribed('visitor-b')]);

    // Act: one tab closes (still subscribed), then the other (unsubscribed).
    unsubscribe();
    unsubscribe(); // idempotent
    expect(web.listenerCount('visitor-a')).toBe(1);
    expect(await subscribers('visitor-a')).toBe(1);
    second();
    await eventually(async () => expect(await subscribers('visitor-a')).toBe(0));
    await worker.publish('visitor-a', event('late'));
    await worker.publish('visitor-b', event('barrier'));

    // Assert
    await eventually(() => expect(barrier).toHaveLength(1));
    expect(seen).toEqual([]);
    expect(web.listenerCount()).toBe(1);
  });

  it('When a visitor’s stream closes and reopens at once, then the new stream is subscribed', async () => {
    const seen: WebchatEvent[] = [];
    web.subscribe('visitor-a', () => {})();
    web.subscribe('visitor-a', (e) => seen.push(e));
    await web.subscribed('visitor-a');
    // SUBSCRIBE after UNSUBSCRIBE on one connection: the last command wins.
    await eventually(async () => expect(await subscribers('visitor-a')).toBe(1));

    await worker.publish('visitor-a', event('r1'));

    await eventually(() => expect(seen).toEqual([event('r1')]));
  });

  it('When something that is not a widget event arrives on a visitor’s channel, then it is reported and not shown', async () => {
    const seen: WebchatEvent[] = [];
    web.subscribe('visitor-a', (e) => seen.push(e));
    await web.subscribed('visitor-a');

    await workerRedis.publish(`${prefix}:webchat:visitor-a`, 'not json');
    await workerRedis.publish(`${prefix}:webchat:visitor-a`, JSON.stringify({ id: 1, html: '<b>' }));
    await worker.publish('visitor-a', event('ok'));

    await eventually(() => expect(seen).toEqual([event('ok')]));
    expect(errors).toHaveLength(2);
  });

  it('When a hub is closed, then its subscriber connection ends, Redis forgets its subscriptions, and the caller’s connection stays open', async () => {
    // Arrange
    web.subscribe('visitor-a', () => {});
    await web.subscribed('visitor-a');
    expect(await subscribers('visitor-a')).toBe(1);

    // Act
    await web.close();
    await web.close(); // idempotent

    // Assert
    await eventually(async () => expect(await subscribers('visitor-a')).toBe(0));
    expect(web.listenerCount()).toBe(0);
    expect(() => web.subscribe('visitor-a', () => {})).toThrow(/closed/);
    expect(await webRedis.ping()).toBe('PONG');
    expect(errors).toEqual([]);
  });
});
