import { Redis } from 'ioredis';
import { createInProcessHub, createRedisHub, type WebchatHub } from '../../adapters/webchat/index.js';
import type { Config } from '../config.js';
import { DEFAULT_LOGIN_LIMIT } from '../core/console-auth.js';
import { PROOF_PER_CONVERSATION_LIMIT } from '../core/flow-services.js';
import { DEFAULT_LOOKUP_LIMIT, DEFAULT_PROOF_LIMIT } from '../core/ticket-tracking.js';
import { createMemoryLimiters } from '../limits/memory.js';
import { createFallbackLimiters } from '../limits/fallback.js';
import { createRedisLimiters } from '../limits/redis.js';
import { isRedisConnectionError, RedisOutage } from '../queue/bullmq/redis-outage.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { FailureLimiter, LimiterFactory, RateLimiter } from '../ports/limiter.js';
import type { Logger } from '../ports/logger.js';
import type { OperatorFeed } from '../ports/operator-feed.js';
import { createInProcessOperatorFeed, createRedisOperatorFeed } from '../live/operator-feed.js';

/**
 * What must hold across processes besides the store and the queues: the widget's live events and the
 * throttles. With REDIS_URL set (production mode, or queues on Redis with the embedded store) they live
 * in Redis under QUEUE_PREFIX, over one command connection and the hub's one subscriber connection per
 * process; without it, in this process's memory (embedded mode: one process serves everything).
 *
 * The limiters, by name (Redis keys `<QUEUE_PREFIX>:limit:<name>:<key>`):
 *
 *   login               failed console sign-ins per username + client address   10 / 15 min
 *   lookup-address      failed ticket lookups (API) per client address           10 / 15 min
 *   proof               failed phone-digit proofs per tracking code, the chat's
 *                       and the lookup API's together                             10 / 15 min
 *   proof-conversation  failed phone-digit proofs per chat conversation          5 / 15 min
 *   widget-session      widget messages per visitor session       WIDGET_RATE_PER_SESSION / min
 *   widget-address      widget messages per client address        WIDGET_RATE_PER_ADDRESS / min
 */

const MINUTE = 60_000;
/** Equal to the defaults of WIDGET_RATE_PER_SESSION and WIDGET_RATE_PER_ADDRESS (src/config.ts). */
export const DEFAULT_WIDGET_LIMITS: Readonly<Config['widget']> = Object.freeze({ perSessionPerMinute: 20, perAddressPerMinute: 120 });

export interface SystemLimiters {
  login: FailureLimiter;
  lookupByAddress: FailureLimiter;
  proofByCode: FailureLimiter;
  proofByConversation: FailureLimiter;
  widgetBySession: RateLimiter;
  widgetByAddress: RateLimiter;
}

/** Every throttle of the system over one factory (memory or Redis), with its policy. */
export function systemLimiters(factory: LimiterFactory, widget: Config['widget'] = DEFAULT_WIDGET_LIMITS): SystemLimiters {
  return {
    login: factory.failures('login', DEFAULT_LOGIN_LIMIT),
    lookupByAddress: factory.failures('lookup-address', DEFAULT_LOOKUP_LIMIT),
    proofByCode: factory.failures('proof', DEFAULT_PROOF_LIMIT),
    proofByConversation: factory.failures('proof-conversation', PROOF_PER_CONVERSATION_LIMIT),
    widgetBySession: factory.rate('widget-session', { max: widget.perSessionPerMinute, windowMs: MINUTE }),
    widgetByAddress: factory.rate('widget-address', { max: widget.perAddressPerMinute, windowMs: MINUTE }),
  };
}

/** In-memory limiters for one process (embedded mode, and parts composed without a system: CLIs, tests). */
export function memoryLimiters(clock: Clock = systemClock, widget?: Config['widget']): SystemLimiters {
  return systemLimiters(createMemoryLimiters({ clock }), widget);
}

export interface Coordination {
  hub: WebchatHub;
  /** What the operators' consoles hear live (handoff moves and activity). */
  operatorFeed: OperatorFeed;
  limiters: SystemLimiters;
  /** Closes the Redis connections (none in memory); call after the workers and the server have stopped. */
  close(): Promise<void>;
}

export interface CoordinationOptions {
  config: Pick<Config, 'redisUrl' | 'queuePrefix' | 'widget'>;
  logger: Logger;
  /** The windows' clock (tests move it); the system clock by default. */
  clock?: Clock;
}

export function createCoordination(options: CoordinationOptions): Coordination {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  if (!config.redisUrl) {
    const operatorFeed = createInProcessOperatorFeed((err) => logger.warn({ err }, 'operator stream listener failed'));
    return { hub: createInProcessHub({ onListenerError: (err) => logger.warn({ err }, 'widget stream listener failed') }), operatorFeed, limiters: memoryLimiters(clock, config.widget), close: () => operatorFeed.close() };
  }
  // Fail commands after a few reconnection tries: a request should get an error, not hang.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 });
  // An outage is logged when it starts, every few minutes while it lasts and when it ends, not per reconnection.
  const outage = new RedisOutage(logger.child({ component: 'coordination' }));
  redis.on('error', (err: Error) => outage.error('coordination', err));
  redis.on('ready', () => outage.ready());
  // A pub/sub connection that cannot reach Redis is part of the same outage (said once), not a line per retry.
  const pubSubError = (source: string) => (err: unknown) => {
    if (isRedisConnectionError(err)) outage.error(source, err);
    else logger.warn({ err }, `${source}: redis pub/sub problem`);
  };
  const hub = createRedisHub({ redis, prefix: config.queuePrefix, onError: pubSubError('widget hub') });
  // While Redis is unreachable the throttles decide in this process's memory: a citizen's message is still taken.
  const limiters = systemLimiters(
    createFallbackLimiters({
      primary: createRedisLimiters({ redis, prefix: config.queuePrefix, clock }),
      fallback: createMemoryLimiters({ clock }),
      onError: (err) => outage.error('limiters', err),
      onSuccess: () => outage.ready(),
    }),
    config.widget,
  );
  const operatorFeed = createRedisOperatorFeed({ redis, prefix: config.queuePrefix, onError: pubSubError('operator feed') });
  let closing: Promise<void> | undefined;
  return {
    hub,
    operatorFeed,
    limiters,
    close() {
      closing ??= (async () => {
        await hub.close();
        await operatorFeed.close();
        await redis.quit().catch(() => redis.disconnect());
      })();
      return closing;
    },
  };
}
