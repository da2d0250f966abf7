import type { OutboundRecord } from '../domain/conversation.js';
import type { ReplyOutcome } from '../domain/events.js';
import type { ChannelKind, OutboundMessage } from '../domain/message.js';
import { ChannelSendError, type ChannelAdapter, type SentCheck } from '../ports/channel.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/events.js';
import type { Logger } from '../ports/logger.js';
import { RetryLaterError, type Job, type QueueBackend } from '../ports/queue.js';
import type { Store } from '../ports/store.js';
import { withLease } from './conversation-lease.js';
import { createBreakers, jitteredBackoff, type PlatformBreaker } from './platform-breaker.js';
import { untilStored } from './store-outage.js';
import type { DeliveryJob } from './queues.js';

export interface DeliveryDeps {
  store: Store;
  backend: Pick<QueueBackend, 'lock'>;
  adapters: Partial<Record<ChannelKind, ChannelAdapter>>;
  logger: Logger;
  clock: Clock;
  /** Send attempts per reply before it is recorded as failed (spent only while the channel's breaker is closed). */
  maxAttempts: number;
  /** Where each reply's settled outcome is published (`reply.settled`), once it is stored. */
  events: Pick<EventBus, 'publish'>;
  /** Each channel's circuit breaker (per process, src/core/platform-breaker.ts); a set of this worker's own when absent. */
  breakers?: (channel: ChannelKind) => PlatformBreaker;
  /** First retry delay after a transient failure (default 500 ms); doubles per attempt, capped at 60 s, jittered. */
  backoffBaseMs?: number;
  /** Random numbers in [0, 1) for the jitter (tests). */
  random?: () => number;
  /**
   * How old a `sending` claim must be before a run takes it over (config SEND_CLAIM_SECONDS; default
   * SEND_CLAIM_STALE_MS): until then another process may still be in its platform call, since the
   * conversation's lease lives in Redis and goes with a FLUSHALL. 0 where leases are in-process: a claim
   * found under the lease can only be a dead run's.
   */
  claimStaleMs?: number;
}

/**
 * `error.code` of a reply whose last send failed ambiguously (a timeout, a connection lost after the
 * request went out): it may have reached the citizen. Before sending it again the worker asks the platform
 * (ChannelAdapter.wasSent), and records it sent with the platform's id when it is there.
 */
export const UNCONFIRMED_SEND = 'CHANNEL.UNCONFIRMED';

/** Default of DeliveryDeps.claimStaleMs: the longest platform call (Zalo: refresh and send, 15 s each, twice) and a margin. */
export const SEND_CLAIM_STALE_MS = 65_000;
/** A run that lost a claim, or found a fresh one, stops and looks again after this long (the claim's run goes on in order). */
const CLAIM_BUSY_RETRY_MS = 1_000;

/** How far before a reply's creation a wasSent check looks (clock skew between us and the platform). */
const SENT_CHECK_MARGIN_MS = 10_000;
/** The conversation's latest replies whose platform ids a wasSent check excludes. */
const SENT_CHECK_RECENT = 50;

/**
 * The outbound worker (Chatwoot's SendReplyJob, per conversation): under the conversation's delivery
 * lease it sends the pending replies oldest first and records each one's state. Permanent refusals are
 * recorded as failed and not retried; a closed platform window keeps the reply `held` until the
 * citizen's next interaction (a news push is recorded failed instead: late news is no news).
 *
 * Every reply is claimed before its platform call (`pending` → `sending`, compare-and-set), so two runs
 * never send it both, even when Redis forgot the lease and two processes work on the conversation: the
 * run that loses a claim stops, and a run that finds a fresh claim waits for it (nothing overtakes it). A
 * claim older than `claimStaleMs` is a dead run's: a reply goes back to pending as UNCONFIRMED_SEND (the
 * platform is asked before it is sent again), a news push is recorded interrupted (see DeliveryStatus).
 *
 * A transient failure stops the run (so nothing overtakes that reply) and the job runs again after a
 * jittered exponential backoff (RetryLaterError: the queue job's own attempts are not spent; the reply's
 * attempts are counted in the store). Each channel has a circuit breaker: while it is open, runs do not
 * call the platform and spend no attempts (they wait for the half-open probe), so a storm of minutes
 * leaves replies pending, in order, instead of failing them. A send that failed ambiguously is checked
 * with the platform before it is sent again (UNCONFIRMED_SEND); if the check itself fails transiently the
 * reply waits and is checked again later rather than risking a duplicate; if the platform cannot tell
 * at all (a permanent refusal of the check, e.g. a missing permission), it is sent again.
 */
export function createDeliveryWorker(deps: DeliveryDeps) {
  const breakerFor = deps.breakers ?? createBreakers();
  const random = deps.random ?? Math.random;
  const backoffBaseMs = deps.backoffBaseMs ?? 500;
  const claimStaleMs = deps.claimStaleMs ?? SEND_CLAIM_STALE_MS;

  // What the platform did is recorded whatever the store's state: a record that failed would make the next
  // run send the reply again, so the write waits out a store outage here, under the lease (store-outage.ts).
  async function settle(record: OutboundRecord, patch: Parameters<Store['outbound']['update']>[1], outcome: ReplyOutcome, at: Date): Promise<void> {
    await untilStored(() => deps.store.outbound.update(record.id, patch));
    await deps.events.publish('reply.settled', { record: { ...record, ...patch }, outcome, at });
  }

  /** What a wasSent check looks at: since the reply was created (less a margin), other replies' ids excluded. */
  async function sentCheck(record: OutboundRecord): Promise<SentCheck> {
    const since = new Date(record.createdAt.getTime() - SENT_CHECK_MARGIN_MS);
    const recent = await deps.store.outbound.listByConversation(record.conversationId, SENT_CHECK_RECENT);
    const excludeIds = recent.filter((r) => r.id !== record.id && r.externalId && r.status === 'sent').map((r) => r.externalId!);
    return { since, excludeIds };
  }

  /**
   * A transient failure: the reply stays pending (its attempts spent only when the breaker was closed for
   * this call, not for the half-open probe) and the run ends with a jittered retry; failed once its
   * attempts are used. Once a send was ambiguous the reply stays UNCONFIRMED until it is known sent.
   */
  async function transient(record: OutboundRecord, err: ChannelSendError, probe: boolean): Promise<void> {
    const attempts = probe ? record.attempts : record.attempts + 1;
    const unconfirmed = err.ambiguous || record.error?.code === UNCONFIRMED_SEND;
    const error = { code: unconfirmed ? UNCONFIRMED_SEND : 'CHANNEL.RETRYABLE', ...(err.platformCode !== undefined ? { platformCode: err.platformCode } : {}), message: err.message };
    const where = { outboundId: record.id, kind: err.kind, platformCode: err.platformCode, attempts, probe, unconfirmed };
    if (attempts >= deps.maxAttempts) {
      await settle(record, { status: 'failed', attempts, error }, 'failed', deps.clock.now());
      deps.logger.warn(where, 'delivery failed');
      return;
    }
    await untilStored(() => deps.store.outbound.update(record.id, { status: 'pending', attempts, error }));
    deps.logger.warn(where, 'delivery failed; will retry');
    throw new RetryLaterError(jitteredBackoff(attempts + 1, backoffBaseMs, 60_000, random));
  }

  /**
   * A record found `sending`: while the claim is fresh another process may be in its platform call, and
   * the run waits for it; an older claim is a dead run's. A news push may have been delivered and is never
   * sent again; a reply goes back to pending as unconfirmed, so the platform is asked before it is resent.
   */
  async function interrupted(record: OutboundRecord): Promise<void> {
    const age = deps.clock.now().getTime() - (record.sendingSince ?? record.createdAt).getTime();
    if (age < claimStaleMs) throw new RetryLaterError(Math.min(claimStaleMs - age, CLAIM_BUSY_RETRY_MS));
    if (record.purpose === 'news') {
      const error = { code: 'DELIVERY.INTERRUPTED', message: 'the sender stopped during the platform call; not sent again' };
      if (!(await deps.store.outbound.updateIf(record.id, 'sending', { status: 'failed', error }))) return;
      await deps.events.publish('reply.settled', { record: { ...record, status: 'failed', error }, outcome: 'failed', at: deps.clock.now() });
      deps.logger.warn({ outboundId: record.id }, 'news push interrupted during its platform call; recorded failed, not resent');
      return;
    }
    const error = { code: UNCONFIRMED_SEND, message: 'the sender stopped during the platform call' };
    if (await deps.store.outbound.updateIf(record.id, 'sending', { status: 'pending', error })) {
      deps.logger.warn({ outboundId: record.id }, 'reply interrupted during its platform call; the platform is asked before it is sent again');
    }
  }

  async function deliverOne(record: OutboundRecord): Promise<void> {
    const conversation = await deps.store.conversations.get(record.conversationId);
    const adapter = conversation && deps.adapters[conversation.channel];
    if (!conversation || !adapter) {
      await settle(record, { status: 'failed', error: { code: 'CHANNEL.SEND_REJECTED', message: 'channel not enabled' } }, 'failed', deps.clock.now());
      return;
    }
    // Ours from here until settled or released (another run that claimed it first goes on in order).
    if (!(await deps.store.outbound.updateIf(record.id, 'pending', { status: 'sending', sendingSince: deps.clock.now() }))) throw new RetryLaterError(CLAIM_BUSY_RETRY_MS);
    const breaker = breakerFor(conversation.channel);
    const admission = breaker.admit();
    // Open: no platform call, no attempt spent; the reply (and every later one) waits in order.
    if (admission.kind === 'wait') {
      await untilStored(() => deps.store.outbound.update(record.id, { status: 'pending' }));
      throw new RetryLaterError(admission.retryInMs);
    }
    const { probe } = admission;
    let reported = false;
    const report = (ok: boolean) => {
      reported = true;
      if (ok) breaker.succeeded(probe);
      else breaker.failed(probe);
    };
    const message: OutboundMessage = {
      id: record.id,
      channel: conversation.channel,
      accountId: conversation.accountId,
      userId: conversation.userId,
      conversationId: conversation.id,
      reply: record.reply,
      purpose: record.purpose,
      lastInboundAt: conversation.lastInboundAt.getTime(),
    };
    try {
      // An earlier send of this reply may have arrived: ask the platform before sending it again.
      if (record.error?.code === UNCONFIRMED_SEND && adapter.wasSent) {
        let found: { externalId: string } | undefined;
        try {
          found = await adapter.wasSent(message, await sentCheck(record));
        } catch (err) {
          if (!(err instanceof ChannelSendError)) throw err;
          if (err.kind === 'retryable') {
            report(false);
            return await transient(record, new ChannelSendError(err.message, err.kind, err.platformCode, { ambiguous: true }), probe);
          }
          // The platform will not say (no permission for its conversation history…): a possible duplicate beats no answer.
          deps.logger.warn({ outboundId: record.id, kind: err.kind, platformCode: err.platformCode }, 'could not check whether an ambiguous send arrived; sending again');
        }
        if (found) {
          report(true);
          const sentAt = deps.clock.now();
          await settle(record, { status: 'sent', externalId: found.externalId, sentAt, attempts: record.attempts }, 'sent', sentAt);
          deps.logger.info({ outboundId: record.id }, 'an ambiguous send had reached the platform: recorded sent, not sent again');
          return;
        }
      }
      const attempts = record.attempts + 1;
      try {
        const { externalId } = await adapter.send(message);
        report(true);
        const sentAt = deps.clock.now();
        await settle(record, { status: 'sent', externalId, sentAt, attempts }, 'sent', sentAt);
      } catch (err) {
        if (!(err instanceof ChannelSendError)) throw err;
        // The platform answered (a refusal is an answer): only transient failures count against it.
        report(err.kind !== 'retryable');
        if (err.kind === 'retryable') return await transient(record, err, probe);
        const error = { code: `CHANNEL.${err.kind.toUpperCase()}`, ...(err.platformCode !== undefined ? { platformCode: err.platformCode } : {}), message: err.message };
        const where = { outboundId: record.id, kind: err.kind, platformCode: err.platformCode, attempts };
        // News is not kept for the citizen's next visit (it would arrive out of date): it stays in their "tin mới".
        if (err.kind === 'window' && record.purpose !== 'news') {
          await settle(record, { status: 'held', attempts, error }, 'held', deps.clock.now());
          deps.logger.info(where, 'platform window closed; reply held for the next interaction');
          return;
        }
        await settle(record, { status: 'failed', attempts, error }, 'failed', deps.clock.now());
        deps.logger.warn(where, 'delivery failed');
      }
    } finally {
      // An unexpected error (ours, not the platform's) never counts against it, but a probe must end: it reopens.
      if (!reported && probe) breaker.failed(true);
    }
  }

  return async function deliver(job: Job<DeliveryJob>): Promise<void> {
    const { conversationId } = job.data;
    await withLease(deps.backend, `deliver:${conversationId}`, async () => {
      for (const record of await deps.store.outbound.listWithStatus(conversationId, 'sending')) await interrupted(record);
      for (const record of await deps.store.outbound.listWithStatus(conversationId, 'pending')) await deliverOne(record);
    });
  };
}
