import type { Copy } from '../domain/copy/types.js';
import type { HandoffReason, OperatorRequestOutcome } from '../domain/handoff.js';
import type { Locale } from '../domain/locale.js';
import type { NewsTopic } from '../domain/news.js';
import type { Agency, Procedure } from '../domain/procedure.js';
import type { TicketKind } from '../domain/ticket.js';
import type { AskContext, AskResult, DirectoryEntry, FollowUpTopic } from './knowledge.js';

/**
 * The one interface conversation flows reach the world through (style.md §3.4): the brain, rendered
 * answers, tickets to agencies and operator requests. Flows never see the store, the queues or a platform.
 */
export interface FlowServices {
  copy: Copy;
  /** The copy in one language (Vietnamese complete; Khmer and English for the fixed texts). */
  copyFor(locale: Locale): Copy;
  /** Remembers the language the citizen writes in on their conversation (Conversation.locale). */
  setLocale(conversationId: string, locale: Locale): Promise<void>;
  ask(question: string, context?: AskContext): AskResult;
  getProcedure(id: string): Procedure | undefined;
  /** The citizen-facing text for a brain decision (answer, clarify, abstain). */
  answerText(result: AskResult): string;
  /**
   * An agency's published answer to a similar question (issue 4), as citizen-facing text naming the
   * agency; undefined when no published question is close enough.
   */
  publishedAnswer(question: string): Promise<{ text: string } | undefined>;
  /** The short answer about one procedure; `place`: the commune the citizen named, to name its body as they know it. */
  procedureText(procedureId: string, place?: string): string;
  /** `question`: the citizen's words, when known (a fee exemption for a group they name comes first). */
  followUpText(procedureId: string, topic: FollowUpTopic, place?: string, question?: string): string;
  /** An agency's directory entry. */
  agency(id: string): Agency | undefined;
  /**
   * Who to call or visit, as citizen-facing text: the office the citizen named (`entry`, from the
   * brain's PlaceMention), else the directory entry of `agencyId`, else of the procedure's agency, a
   * commune-level body named at the commune the citizen wrote (`place`); undefined when none is known.
   */
  contactText(input: { entry?: DirectoryEntry; agencyId?: string; procedureId?: string; place?: string }): string | undefined;
  /** The procedure's online service as a link, when it has one. */
  procedureLink(procedureId: string): { title: string; url: string } | undefined;
  /**
   * The citizen needs a hotline operator (they asked, two fallbacks in a row, a sensitive matter): the
   * conversation joins the hotline's queue when it is open and someone is online (the queue notice is
   * sent by the handoff itself); otherwise the outcome says why, for the flows to offer the alternatives.
   */
  requestOperator(input: { conversationId: string; reason: HandoffReason; question: string; procedureId?: string; preface?: string }): Promise<OperatorRequestOutcome>;
  /** Whether the assistant's latest reply in the conversation was the "nothing found" offer (a second one brings a person). */
  lastReplyWasFallback(conversationId: string): Promise<boolean>;
  /** The citizen's rating 1–5 of a human conversation (their own, once); false when refused. */
  rateHandoff(conversationId: string, handoffId: string, rating: number): Promise<boolean>;
  /**
   * Sends the question to the responsible agency as a ticket. Calling it is the citizen's consent to
   * forward; `publish` is their consent to publish question and answer without personal data.
   */
  openTicket(input: OpenTicketRequest): Promise<OpenedTicket>;
  /** The citizen's own tickets from this conversation, newest first. */
  trackTickets(conversationId: string): Promise<TrackedTicket[]>;
  /**
   * One ticket by the tracking code the citizen typed, with this conversation (the same channel
   * identity) as proof of being the asker. Someone else's ticket and an unknown code are the same
   * `not-found`, so a lookup never confirms that a code exists; `invalid` is a code whose check symbol
   * does not match (a typo), which says nothing about any ticket.
   */
  lookupTicket(code: string, conversationId: string): Promise<TicketLookup>;
  /**
   * One ticket by its tracking code with the last four digits of the phone number given with the
   * question as proof (a question sent from another channel). A wrong `last4` and an unknown code are
   * the same `not-found`. Four digits are only 10,000 guesses, so failed attempts are counted per
   * conversation and per code: past either limit the answer is `limited` and the digits are not checked.
   */
  lookupTicketByPhone(code: string, last4: string, conversationId: string): Promise<TicketPhoneLookup>;
  /**
   * The citizen's "that answers it" under an agency's answer: closes their ticket, with this
   * conversation as proof of being the asker (someone else's code is `not-found`, like lookups).
   */
  closeTicket(code: string, conversationId: string): Promise<TicketChange>;
  /** Whether the citizen may reopen their ticket now; asked before asking what is still unclear. */
  checkReopenTicket(code: string, conversationId: string): Promise<TicketChange>;
  /**
   * The citizen's "still unclear": the ticket goes back to the same agency with `reason` and a new
   * deadline (`dueDate`), within the reopen window (`window-passed` after it).
   */
  reopenTicket(input: { code: string; conversationId: string; reason: string }): Promise<TicketChange>;
  /**
   * Portal news (issue 12): the citizen's subscriptions to topics on this conversation's channel, and
   * the latest items. core/flow-services.ts always sets it; absent (a hand-made FlowServices in a test)
   * or not `available` (no news service wired in), nothing reads as a news command and the flows say
   * `copy.bot.news.unavailable`.
   */
  news?: NewsServices;
}

/**
 * What the flows do with news. Subscribing is the citizen's explicit wish on this channel (the consent
 * recorded with its time and channel); unsubscribing takes effect at once.
 */
export interface NewsServices {
  /** Whether news subscriptions work here; false: every method answers as if no topic existed. */
  readonly available: boolean;
  /**
   * A news command in what the citizen typed, accents optional, any case: "đăng ký nhận tin" (the menu),
   * "đăng ký nhận tin tuyển dụng" (that topic; an unknown topic gives the menu), "hủy nhận tin" /
   * "dừng nhận tin" / "stop" (all), "hủy nhận tin y tế" (one), "tin mới" (the latest items). Undefined for
   * anything else, which the brain reads as usual.
   */
  read(text: string): NewsCommand | undefined;
  /** Every topic, in the province's order (the menu). */
  topics(): NewsTopic[];
  /** The topics this conversation receives (none: []). */
  subscribed(conversationId: string): Promise<NewsTopic[]>;
  /** Subscribes the conversation to one more topic, recording the consent (now, the conversation's channel). */
  subscribe(conversationId: string, topicId: string): Promise<NewsSubscribeOutcome>;
  /** Stops one topic, or every topic when `topicId` is absent (the subscription is then removed). */
  unsubscribe(conversationId: string, topicId?: string): Promise<NewsUnsubscribeOutcome>;
  /** The newest items (at most 5) of one topic, else of the citizen's topics, else of every topic. */
  latest(conversationId: string, topicId?: string): Promise<NewsLatest>;
}

/** A news request read in typed text (`NewsServices.read`) or carried by a news button. */
export type NewsCommand =
  | { action: 'menu' }
  | { action: 'subscribe'; topic: NewsTopic }
  | { action: 'unsubscribe'; topic?: NewsTopic }
  | { action: 'latest'; topic?: NewsTopic };

/** `subscribed`: the topic was added; `already`: it was there (the consent is renewed); `topics`: all of the citizen's now. */
export type NewsSubscribeOutcome = { outcome: 'subscribed' | 'already'; topic: NewsTopic; topics: NewsTopic[] } | { outcome: 'unknown-topic' };

/**
 * `unsubscribed`: that topic (or, without `topic`, every topic) is no longer sent; `not-subscribed`:
 * there was nothing to stop. `remaining`: the topics the citizen still receives.
 */
export type NewsUnsubscribeOutcome =
  | { outcome: 'unsubscribed' | 'not-subscribed'; topic?: NewsTopic; remaining: NewsTopic[] }
  | { outcome: 'unknown-topic'; remaining: NewsTopic[] };

/** The latest items: of `topic` (`scope: 'topic'`), of the citizen's topics (`subscribed`), or of every topic (`all`: not subscribed). */
export interface NewsLatest {
  scope: 'topic' | 'subscribed' | 'all';
  topic?: NewsTopic;
  items: NewsHeadline[];
}

/** One item as the citizen reads it: its title, its publication date (dd/mm/yyyy, Vietnam time) and its link. */
export interface NewsHeadline {
  title: string;
  date: string;
  link?: string;
}

/**
 * What became of a citizen's close or reopen: `done` with the ticket as it is now; `window-passed`
 * (reopen only) after the reopen window; `unavailable` when its status does not allow it (e.g. closing
 * a ticket still waiting for an answer); `not-found` and `invalid` as for lookups.
 */
export type TicketChange =
  | { outcome: 'done'; code: string; agencyName: string; dueDate: string }
  | { outcome: 'window-passed'; code: string; windowDays: number }
  | { outcome: 'unavailable'; code: string; status: string }
  | { outcome: 'not-found' }
  | { outcome: 'invalid' };

export type TicketLookup = { outcome: 'found'; ticket: TicketDetails } | { outcome: 'not-found' } | { outcome: 'invalid' };

/** A lookup with phone digits as proof: as `TicketLookup`, or `limited` after too many failed attempts. */
export type TicketPhoneLookup = TicketLookup | { outcome: 'limited' };

export interface TicketDetails extends TrackedTicket {
  agencyName: string;
  /** The agency's answer, once it has one (answered, delivered or closed). */
  answer?: string;
}

export interface OpenTicketRequest {
  conversationId: string;
  /** The inbound message whose turn opens it: a replayed turn gets the same ticket back. */
  requestId?: string;
  kind: TicketKind;
  question: string;
  /** Where the problem is (feedback only): street, hamlet, commune, landmark. */
  place?: string;
  /** The procedure under discussion when the citizen asked for an agency: its agency gets the ticket. */
  procedureId?: string;
  publish: boolean;
  /** How the agency may address the citizen (optional). */
  name?: string;
  /** A phone number for a call-back; the ticket keeps it only for that. */
  phone?: string;
}

export interface OpenedTicket {
  code: string;
  agencyName: string;
  /** The deadline's local date as citizens write it (dd/mm/yyyy). */
  dueDate: string;
}

export interface TrackedTicket {
  code: string;
  /** The status as the citizen reads it. */
  status: string;
  dueDate: string;
  /** A question or a problem report (phản ánh). */
  kind?: TicketKind;
  /** The agency's answer reached the citizen and is not closed yet: they may still close or reopen it. */
  awaitingAsker?: boolean;
}

export type { AskContext, AskResult, Concern, FollowUpTopic, OutsideMatter } from './knowledge.js';
