import type { LegalStatus, OnlineLevel, SubmissionMethod } from '../procedure.js';
import type { AccountRole } from '../account.js';
import type { ErrorCode } from '../errors.js';
import type { Locale } from '../locale.js';
import type { NewsBroadcast, NewsBroadcastState, NewsChannel, NewsDeliveryStatus, NewsUrgency } from '../news.js';
import type { ActorKind, TicketAction, TicketDelivery, TicketDeliveryNotice, TicketKind, TicketStatus, TimelineNote } from '../ticket.js';

/** Intents the brain distinguishes (mirrors ports/knowledge Intent; domain cannot import ports). */
export type IntentName = 'procedure' | 'greeting' | 'handoff' | 'news' | 'track' | 'feedback' | 'other';

/**
 * What a question about a procedure asks that the procedure itself does not answer, and the flows
 * answer with a reply of their own (mirrors ports/knowledge ConcernKind; a `complaint` takes the
 * feedback offer, `complaintOffer`): a dispute between people, an entitlement or amount, a legal judgement.
 */
export type ConcernReplyKind = 'dispute' | 'entitlement' | 'legal';

/**
 * Everything a citizen reads from the answering brain, as one typed object per language, so that
 * English and Khmer can be added as siblings of vi.ts without touching code.
 */
export interface AnswerCopy {
  methods: Record<SubmissionMethod, string>;
  onlineLevels: Record<OnlineLevel, string>;
  codeLabel: (code: string) => string;
  labels: {
    place: string;
    methods: string;
    time: string;
    fee: string;
    online: string;
    documents: string;
    steps: string;
    result: string;
    legal: string;
    conditions: string;
    audience: string;
  };
  /**
   * Appended to a fact that has not been checked against the official record, at the end of its line
   * and never inside another bracket (the procedure's code is not in brackets for that reason).
   */
  unverified: string;
  /** Said once under an answer that contains unverified facts. */
  unverifiedNote: string;
  moreDocuments: (n: number) => string;
  moreSteps: (n: number) => string;
  /** The last line of every procedure answer (summary and follow-up): what else can be asked. */
  followUpHint: string;
  /** Title of the button/link to the procedure's online service. */
  onlineLinkTitle: string;
  /**
   * Said where the online service's address would be: the address itself rides on the reply's link
   * (`onlineLinkTitle`), so an answer never repeats it.
   */
  onlineLinkBelow: string;
  /**
   * The footer's source line of every procedure answer: where its facts come from (`name`, a portal's
   * name, never its address) and when they were checked (`checked`, dd/mm/yyyy: the latest check date of
   * the facts the answer shows).
   */
  sourceLine: (source: { name: string; checked: string }) => string;
  /**
   * The source line of an answer that shows no fact with a check date (steps, result): the record's
   * edit date (`edited`, dd/mm/yyyy), which is not a check date.
   */
  editedLine: (source: { name: string; edited: string }) => string;
  /** How facts read on the day asked: validity, scheduled amounts, disputes, exemptions, legal status. Dates are dd/mm/yyyy. */
  facts: {
    /** "áp dụng đến hết ngày 31/12/2026". */
    until: (date: string) => string;
    /** "áp dụng từ ngày 01/01/2027" (a value not yet in force). */
    from: (date: string) => string;
    /** "áp dụng từ ngày 01/07/2025 đến hết ngày 31/12/2026" (a scheduled amount listed with both dates). */
    between: (from: string, to: string) => string;
    /**
     * A fact past its validity (or a fee whose schedule has no amount in force): not stated as fact; the
     * last known value with its dates, and that it needs confirmation with the agency.
     */
    needsConfirmation: (last: { text: string; from?: string; to?: string }) => string;
    /** Under a document list past its validity (`to`: its last day). */
    documentsNeedConfirmation: (to: string) => string;
    /** Under a document list that applies until a day. */
    documentsUntil: (to: string) => string;
    /**
     * Appended to a value sources disagree on: the dates of its own sources (`own`) and each other value
     * with its sources' dates. Starts with its own separator.
     */
    disputed: (values: { own: string[]; others: { text: string; dates: string[] }[] }) => string;
    /** The same as a line of its own under a section's values; `methods` when only those methods' sources say it. */
    /** In a short summary: other sources differ, the topic's answer shows them. */
    disputedElsewhere: string;
    disputedList: (values: { own: string[]; others: { text: string; dates: string[]; methods?: string[] }[] }) => string;
    /** What is not known about a fact ("Chưa rõ: …"). */
    unknown: (text: string) => string;
    /** Heading of the fee exemptions ("Miễn lệ phí"). */
    exemptionsLabel: string;
    /** A legal document's status as said after it; '' says nothing (unknown). */
    legalStatus: Record<LegalStatus, string>;
    /** "hết hiệu lực từ 01/03/2027": the first day it no longer applies, still ahead. */
    expiresOn: (date: string) => string;
    /** "đã hết hiệu lực từ 01/03/2027". */
    expiredOn: (date: string) => string;
    /** "có hiệu lực từ 01/07/2027" (a pending document). */
    effectiveFrom: (date: string) => string;
    /** Said after a legal basis the catalog still calls in force past its expiry. */
    confirm: string;
  };
  /** Names of the portals a procedure's facts come from, by host ("dichvucong.gov.vn"). */
  sourceNames: Record<string, string>;
  /** The source's name when its host is not in `sourceNames` (or it has no address). */
  defaultSourceName: string;
  /** How the footer names sources that are not portals: legal texts and decisions, reference pages; `and` joins two names. */
  sourceKinds: { legal: string; secondary: string; and: string };
  /**
   * The body a commune-level procedure goes to, named at the commune the citizen wrote ("phường Tân An"):
   * "UBND phường Tân An" for "Ủy ban nhân dân cấp xã nơi …". `undefined` when the agency text is not a
   * commune-level body or the place is not a commune.
   */
  agencyAt: (agencyText: string, place: string) => string | undefined;
  /** Label of the rule behind a place named at the citizen's commune ("Theo quy định: Ủy ban nhân dân cấp xã nơi …"). */
  placeRule: string;
  /** The application forms (tờ khai, mẫu đơn) among a procedure's documents. */
  forms: {
    label: string;
    /** Said when no document of the procedure is a form. */
    none: string;
    /** Where the blank forms are found; `online`: the procedure has an online service (its link is under the answer). */
    where: (online: boolean) => string;
  };
  /** An agency's directory entry (who to call or visit). */
  contact: {
    /** Heading before the agency's name. */
    label: string;
    address: string;
    phone: string;
    email: string;
    website: string;
    hours: string;
    /** The directory has no contact detail for this agency. */
    none: string;
    /** A commune-level body at a named commune: the directory has no entry of its own for that commune. */
    notListed: (name: string) => string;
    /** A commune-level body without a named commune: ask which one. */
    askCommune: string;
  };
  clarifyQuestion: string;
  confirmQuestion: (name: string) => string;
  abstain: string;
  noCurrentProcedure: string;
  /** How the command-line tool names an intent that is not a procedure question. */
  intentNames: Record<IntentName, string>;
}

/** What the bot says in conversation flows (menus, fallbacks, honest limits). */
export interface BotCopy {
  greeting: string;
  menuButtons: { ask: string; help: string; agency: string; operator: string };
  askPrompt: string;
  help: string;
  followUpButtons: { documents: string; fee: string; time: string; place: string; online: string; legal: string; forms: string; contact: string };
  anotherQuestion: string;
  fallbackOffer: string;
  fallbackButtons: { agency: string; operator: string; rephrase: string };
  /** An agency's published answer to a similar question, reused when the catalog has none (issue 4). */
  publishedAnswer: (input: { agencyName: string; question: string; answer: string }) => string;
  /** Said under a reused published answer, with the fallback buttons, in case it does not fit. */
  publishedAnswerOffer: string;
  rephrase: string;
  /** Said first to an emergency: the emergency numbers (a person is brought in too, when one can be reached). */
  emergency: string;
  /** Live handoff to hotline operators: the system notices said while a person is needed or holds the conversation. */
  handoff: HandoffCopy;
  /** Portal news in the chat (issue 12): the topic menu, subscribing and leaving, the latest items. */
  news: NewsCopy;
  tickets: TicketCopy;
  feedbackOffer: string;
  /**
   * The feedback offer for a complaint about how a procedure was handled (a benefit not paid, a file
   * not handled): the complaint acknowledged, the procedure named as context, the assistant settling no
   * complaint itself, and the offer to forward what the citizen wrote. Without a procedure: `feedbackOffer`.
   */
  complaintOffer: (procedureName: string) => string;
  outOfScope: string;
  apology: string;
  /** Hint under options shown as a numbered list on channels without buttons. */
  chooseByNumber: string;
  /** Small talk, repair, matters outside the catalog, confirmations and contacts in conversation (issue 9). */
  talk: TalkCopy;
  /**
   * Said (in the message's language) to a message written in Khmer or English: what the assistant can
   * do, and the offer to continue in Vietnamese or to talk to a person; with `languageButtons`.
   */
  languageNotice: string;
  languageButtons: { vietnamese: string; operator: string };
}

/**
 * Portal news in the chat (issue 12). Topic names are the province's data (Vietnamese); every text
 * that subscribes says what the citizen agrees to, and every confirmation says how to leave.
 */
export interface NewsCopy {
  /** Said when news subscriptions are not set up on this system: honest, with where to read the news. */
  unavailable: string;
  /**
   * The topic menu (the topics as buttons): what subscribing means (news of the chosen topic sent on
   * this channel); `subscribed`: the names of the topics the citizen already receives.
   */
  menu: (subscribed: string[]) => string;
  /** The citizen receives every topic already (the menu has none left to offer). */
  menuAll: (subscribed: string[]) => string;
  /**
   * The confirmation: the topic named, all the citizen's topics (`topics`), where news waits when it
   * cannot be sent, and how to leave ("Gõ HỦY NHẬN TIN để ngừng nhận"). `already`: it was subscribed before.
   */
  subscribed: (input: { topic: string; topics: string[]; already: boolean }) => string;
  /** One topic stopped; `remaining`: the topics still received (none: no news is sent any more). */
  unsubscribedTopic: (input: { topic: string; remaining: string[] }) => string;
  /** Every topic stopped. */
  unsubscribedAll: string;
  /** "Hủy nhận tin" without a subscription. */
  notSubscribed: string;
  /** "Hủy nhận tin <topic>" for a topic the citizen does not receive; `subscribed`: those they do. */
  notSubscribedTopic: (input: { topic: string; subscribed: string[] }) => string;
  /**
   * "Tin mới": the heading and a short list (title, date dd/mm/yyyy, link), never numbered (on channels
   * without buttons the buttons are the numbered list). `scope`: of one topic, of the citizen's topics,
   * or of every topic (not subscribed: with the offer to subscribe).
   */
  latest: (input: { scope: 'topic' | 'subscribed' | 'all'; topic?: string; items: Array<{ title: string; date: string; link?: string }> }) => string;
  /** The footer of a pushed item: why the citizen gets it and how to leave (with the `unsubscribeAll` button). */
  pushFooter: string;
  /** A Zalo Article made of an item (broadcast to the OA's followers, in Vietnamese only): its author line, and the words before its link. */
  article: { author: string; readMore: string };
  /**
   * The morning digest of the items past yesterday's daily cap: `count` items in all, `items` the ones
   * named (at most 10, newest first), the rest as "và N tin khác". The push footer and button follow it.
   */
  digest: (input: { count: number; items: Array<{ title: string; link?: string }> }) => string;
  /** "Chưa có tin mới", for one topic, the citizen's topics or every topic. */
  noLatest: (input: { scope: 'topic' | 'subscribed' | 'all'; topic?: string }) => string;
  buttons: {
    /** Stop every topic (`news:unsub`). */
    unsubscribeAll: string;
    /** Stop one topic (`news:unsub:<id>`). */
    unsubscribeTopic: (topic: string) => string;
    /** The latest items (`news:latest`). */
    latest: string;
    /** The topic menu (`news:menu`). */
    topics: string;
  };
}

/**
 * The system notices of a handoff (issue 11): the only things the assistant says while a person is
 * needed or holds the conversation, plus the hand-back and the satisfaction question after it.
 */
export interface HandoffCopy {
  /** Joined the queue: position (1 = next) and an honest estimate of the wait, with `leaveButton`. */
  queued: (input: { position: number; waitMinutes: number }) => string;
  /** Already waiting: the citizen wrote again; their message is kept for the operator. */
  stillQueued: (input: { position: number; waitMinutes: number }) => string;
  leaveButton: string;
  /** Added to `queued` when the wait is long: the alternatives, with `offerButtons`. */
  longWait: string;
  /** After leaving the queue. */
  left: string;
  /** An operator took the conversation. */
  assigned: (operatorName: string) => string;
  /** Out of hours: the hours and when they open next (dd/mm hh:mm), with `offerButtons`. */
  outOfHours: (input: { hours: string; opensAt?: string }) => string;
  /** In hours, but no operator online. */
  nobodyOnline: string;
  /** Nobody claimed the conversation in time; back to the assistant. */
  unclaimed: (minutes: number) => string;
  /** What the citizen may do instead: leave the question for an agency, or ask to be called back. */
  offerButtons: { agency: string; callback: string };
  /** The first message of the assistant after an operator handed the conversation back. */
  backToAssistant: string;
  /** Asked after a human conversation, with five buttons 1–5. */
  csatPrompt: string;
  csatButton: (rating: number) => string;
  csatThanks: string;
}

/**
 * Short replies that keep a conversation natural: none of them opens a ticket or an operator request.
 * `repair` follows "không phải / sai rồi / chưa hiểu" and "none of these": rephrase, or send the question on.
 */
export interface TalkCopy {
  thanks: string;
  ok: string;
  goodbye: string;
  laugh: string;
  /** To an insult or a remark about the bot: no offence taken, what to type instead. */
  insult: string;
  /** To text with no known word. */
  gibberish: string;
  repair: string;
  repairButtons: { rephrase: string; agency: string; operator: string };
  /** The last button under a clarification list. */
  noneButton: string;
  /** Under "Có phải bạn muốn hỏi…?": yes picks the procedure, no leads to `repair`. */
  confirmButtons: { yes: string; no: string };
  /** Said before the answers when one message names two procedures. */
  both: (first: string, second: string) => string;
  /** A matter outside the catalog: the competent body, its guidance, where that comes from, and the offer. */
  outside: (matter: { name: string; body: string; guidance: string; source?: { title: string; url?: string } }) => string;
  outsideButtons: { agency: string; other: string };
  /**
   * A dispute, an entitlement or amount, or a legal judgement about a procedure: what such a question
   * needs (the parties, mediation or the court; the agency computing it from the file; the agency or a
   * lawyer, legal aid), honestly hedged, the procedure named only as context (`procedure`, its name),
   * and the offer to send the question on.
   */
  concern: (input: { kind: ConcernReplyKind; procedure?: string }) => string;
  /** Under a concern: send the question to the agency, see the related procedure (the menu follows). */
  concernButtons: { agency: string; procedure: string };
  /** "liên hệ ai" with no procedure or place known: which agency or procedure. */
  contactWhich: string;
}

/** What the bot says while sending a question to an agency as a ticket, and about the citizen's tickets. */
export interface TicketCopy {
  /** Asks for the question when the citizen chose "send a question to an agency" from the menu. */
  questionPrompt: string;
  /** The same, when the citizen chose it while a procedure was under discussion (its agency gets the ticket). */
  questionPromptAbout: (procedureName: string) => string;
  /** Shows the question back and asks consent to forward it. */
  consentPrompt: (question: string, kind?: TicketKind) => string;
  consentButtons: { yes: string; no: string };
  consentDeclined: string;
  /** Feedback only, after consent: where the problem is (street, hamlet, commune, landmark). Required. */
  placePrompt: string;
  /** Said to a reply that does not describe a place (no letters, a yes or a no). */
  placeInvalid: string;
  publishPrompt: string;
  publishButtons: { yes: string; no: string };
  /** Asks for the citizen's name, optional (the skip button), before the phone. */
  namePrompt: string;
  /** Said to a name with digits (a phone number typed too early, say). */
  nameInvalid: string;
  phonePrompt: string;
  skipButton: string;
  phoneInvalid: string;
  /**
   * The ticket is open; `place` for feedback, repeated so the citizen can check it. `kind` names it
   * (a feedback is a "phản ánh", never a "câu hỏi"); without it, a ticket with a place is feedback.
   */
  opened: (ticket: { code: string; agencyName: string; dueDate: string; callback: boolean; place?: string; kind?: TicketKind }) => string;
  statuses: Record<TicketStatus, string>;
  /** The citizen's tickets, newest first (at least one). */
  list: (tickets: ReadonlyArray<{ code: string; status: string; dueDate: string; kind?: TicketKind }>) => string;
  /** Said to "tra cứu" when the conversation has no ticket. */
  none: string;
  /** One of the citizen's own tickets, looked up by its tracking code typed in this conversation. */
  detail: (ticket: { code: string; status: string; agencyName: string; dueDate: string; answer?: string; kind?: TicketKind }) => string;
  /**
   * Said to a tracking code that is unknown or belongs to someone else (the same words for both, so a
   * lookup never confirms that a code exists). Typed in chat, it is followed by `phoneProofOffer`.
   */
  notFound: (code: string) => string;
  /**
   * After `notFound` for a typed code: a question sent from another channel with a phone number can be
   * looked up with the last 4 digits of that phone ("Bỏ qua" to decline). Shown the same whether the
   * code exists or not.
   */
  phoneProofOffer: string;
  /** The code and the 4 digits match no ticket: the same words for an unknown code and wrong digits. */
  phoneNotFound: (code: string) => string;
  /** Too many failed digit attempts (from this conversation, or for this code): try later or call 1022. */
  phoneLookupLimited: string;
  /** The citizen declined to give the 4 digits ("Bỏ qua"). */
  phoneProofSkipped: string;
  /** Said to a tracking code whose check symbol does not match: a typo, nothing about any ticket. */
  codeInvalid: (code: string) => string;
  /** The message that carries an agency's answer back to the citizen, above the `answerButtons`. */
  answerNotice: (ticket: { code: string; agencyName: string; answer: string; reopenWindowDays: number; kind?: TicketKind }) => string;
  /** Under an answer: close the ticket ("that answers it") or reopen it ("still unclear"). */
  answerButtons: { close: string; reopen: string };
  /** Said when the citizen closed the ticket. */
  closed: (code: string) => string;
  /** Asks what is still unclear before reopening the ticket. */
  reopenPrompt: (code: string) => string;
  /** The ticket went back to the agency with a new deadline. */
  reopened: (ticket: { code: string; agencyName: string; dueDate: string }) => string;
  /** The reopen window has passed: polite refusal, with the `newQuestionButton` offered. */
  reopenWindowPassed: (ticket: { code: string; windowDays: number }) => string;
  newQuestionButton: string;
  /** A close or reopen the ticket's status does not allow now (e.g. it is already being looked at again). */
  changeUnavailable: (ticket: { code: string; status: string }) => string;
  /** A local date `YYYY-MM-DD` as citizens write it (dd/mm/yyyy: domain/dates.ts formatVietnamDate). */
  formatDate: (localDate: string) => string;
  /** Typed answers (lower case, without diacritics) that mean yes, no, or skip the name or the phone. */
  yesWords: readonly string[];
  noWords: readonly string[];
  skipWords: readonly string[];
}

/**
 * The web widget's interface text. Plain strings only: the server sends this section to the browser as
 * JSON (GET /widget/config); `{n}` in a string is replaced by a number on the client.
 */
export interface WidgetCopy {
  title: string;
  subtitle: string;
  /** Accessible name of the floating button that opens the chat. */
  launcherLabel: string;
  /** Added to the launcher's name when replies arrived while the panel was closed; `{n}` = count. */
  unreadLabel: string;
  closeLabel: string;
  /** Accessible name of the message list. */
  logLabel: string;
  /** Said before each message for screen readers (visually hidden). */
  citizenName: string;
  assistantName: string;
  inputLabel: string;
  inputPlaceholder: string;
  sendLabel: string;
  welcome: string;
  privacyNote: string;
  sending: string;
  failed: string;
  retry: string;
  typing: string;
  connecting: string;
  reconnecting: string;
  /** Accessible name of a group of reply buttons. */
  choicesLabel: string;
  /** Shown for a button the citizen tapped when its title is no longer known (old history). */
  choiceFallback: string;
  /** Added to a link's accessible name: it opens in a new tab. */
  opensInNewTab: string;
  tooLong: string;
  /**
   * A message refused because the session or the address sent too many too quickly (429
   * WIDGET.RATE_LIMITED): polite, says the text is kept; `{n}` = seconds to wait.
   */
  rateLimited: string;
  genericError: string;
  hotline: string;
  /** The ticket lookup panel ("Tra cứu") and the texts of POST /api/v1/tickets/lookup. */
  lookup: WidgetLookupCopy;
}

/**
 * Tracking a ticket from the widget: the form, its result and its errors. Plain strings as well (sent to
 * the browser); `{agency}` in an event text is replaced by the agency's name on the server. The API
 * (src/core/ticket-tracking.ts) uses `events`, the error texts and the chat's `bot.tickets.statuses`.
 */
export interface WidgetLookupCopy {
  /** Text of the header button that opens the lookup panel, and its accessible name. */
  openButton: string;
  openLabel: string;
  /**
   * Accessible name of the button that goes back from the lookup panel to the chat. Replies that arrive
   * while the panel is shown add the widget's `unreadLabel` to it, with a visible count.
   */
  backLabel: string;
  /** Said politely (screen readers) when a reply arrives while the lookup panel is shown; `{n}` = count. */
  newReplies: string;
  title: string;
  intro: string;
  codeLabel: string;
  codePlaceholder: string;
  phoneLabel: string;
  /** Under the phone field: why it is asked, and when it is not needed (asked in this same widget). */
  phoneHint: string;
  submit: string;
  searching: string;
  /** Administrative dossiers are tracked elsewhere: where. */
  dossierNote: string;
  codeRequired: string;
  codeInvalid: string;
  phoneInvalid: string;
  proofRequired: string;
  notFound: string;
  rateLimited: string;
  /** Heading of the result, before the code: by ticket kind. */
  kinds: Record<TicketKind, string>;
  statusLabel: string;
  agencyLabel: string;
  receivedLabel: string;
  dueLabel: string;
  placeLabel: string;
  answerLabel: string;
  answeredLabel: string;
  historyLabel: string;
  events: {
    received: string;
    /** `{agency}`: the agency it went to. */
    forwarded: string;
    returned: string;
    /** `{agency}`: the agency that answered. */
    answered: string;
    delivered: string;
    closed: string;
    overdue: string;
    reopened: string;
  };
}

/** Column labels of the statistics CSV export (src/core/statistics.ts). */
export interface StatsCopy {
  month: string;
  agency: string;
  channel: string;
  questions: string;
  answeredByAssistant: string;
  routed: string;
  answeredOnTime: string;
  answeredLate: string;
  open: string;
  handledByOperators: string;
  calls: string;
  queued: string;
  abandoned: string;
  closed: string;
  waitSecondsAvg: string;
  firstResponseSecondsAvg: string;
  handlingSecondsAvg: string;
  csatAvg: string;
  csatCount: string;
}

/**
 * The staff console's interface text (/console: sign-in, inbox, ticket detail). Plain strings only: the
 * server sends this section to the browser as JSON (GET /console/copy.json) and console.js fills the
 * page from it, so index.html and console.js hold no wording of their own. An element of index.html
 * names its text with `data-copy="login.title"` and its attributes with
 * `data-copy-attr="placeholder:rerouteForm.notePlaceholder"`; `{name}` in a string is replaced on the
 * client by the value of that name (a date, a tracking code, an agency name, a phone number). Agency
 * names come from the agency directory (the inbox API), not from the copy.
 */
export interface ConsoleCopy {
  /** The page's title (browser tab). */
  pageTitle: string;
  /** BCP 47 locale the page formats dates and times with (Intl), e.g. `vi-VN`. */
  dateLocale: string;
  /** IANA time zone every date and time is shown in, whatever the browser's: `Asia/Ho_Chi_Minh`. */
  timeZone: string;
  /** The header: product name and, after it, what this page is. */
  brand: string;
  brandTagline: string;
  logout: string;
  /** Said after signing out. */
  signedOut: string;
  login: {
    title: string;
    username: string;
    password: string;
    submit: string;
    /** Submitted with an empty username or password. */
    missing: string;
  };
  list: {
    /** Heading before the account is known; then `titleStaff` (one agency) or `titleAll` (coordinators, admins). */
    title: string;
    titleStaff: string;
    titleAll: string;
    filterLabel: string;
    /** The status filter's options; `waiting` = assigned, reopened or overdue. */
    filters: {
      all: string;
      waiting: string;
      assigned: string;
      overdue: string;
      reopened: string;
      returned: string;
      answered: string;
      delivered: string;
      closed: string;
    };
    empty: string;
    /** `{date}`: the due date and time. */
    due: string;
    /** `{place}`: where the problem is (feedback). */
    place: string;
    /** `{reason}`: what the citizen said is still unclear (reopened ticket). */
    reopenReason: string;
  };
  /** Appended to a due date that has passed. */
  overdueMark: string;
  detail: {
    back: string;
    /** `{code}`: the tracking code. */
    title: string;
    status: string;
    agency: string;
    due: string;
    /** Appended to the due date once the deadline sweep reminded the agency; `{date}`. */
    reminded: string;
    created: string;
    place: string;
    reopenReason: string;
    /** The name the citizen gave (responsible staff only). */
    contact: string;
    /** Whether the citizen asked to be called back, with the number for the responsible staff. */
    callback: string;
    callbackRequested: string;
    /** `{phone}`: the callback number (responsible staff only). */
    callbackPhone: string;
    /** For readers who may not see the number (coordinators, admins). */
    callbackHidden: string;
    question: string;
    answer: string;
    /** Label of the answer's delivery state (`delivery`). */
    delivery: string;
  };
  /** Notes the system writes on the timeline, as staff read them (others are people's words, shown as typed). */
  systemNotes: {
    /** How a new ticket found its agency (the router's reason: ports/knowledge RouteReason). */
    routedBy: Record<'procedure' | 'classifier' | 'coordinator', string>;
    /** A reminder of the coming deadline; `{date}`: the due date and time. */
    remind: string;
  };
  /** The answer's delivery to the citizen (the inbox API's `delivery`), shown on the ticket. */
  delivery: {
    /** `{date}`: when the state was recorded. */
    statuses: Record<TicketDelivery['status'], string>;
    /** The Zalo template notice sent while the answer was held; `{date}`. */
    notice: Record<TicketDeliveryNotice['status'], string>;
    /** Explanations of error codes (CHANNEL.*) of a failed delivery or notice. */
    errors: Record<string, string>;
    /** An error code without an explanation; `{code}`. */
    errorUnknown: string;
  };
  answerForm: {
    label: string;
    submit: string;
    empty: string;
    done: string;
  };
  returnForm: {
    label: string;
    hint: string;
    submit: string;
    empty: string;
    done: string;
  };
  rerouteForm: {
    title: string;
    agency: string;
    /** First, empty option of the agency list (then every other agency of the directory, by name). */
    choose: string;
    note: string;
    /** Placeholder of the optional note. */
    notePlaceholder: string;
    submit: string;
    empty: string;
    /** `{agency}`: the name of the agency it went to. */
    done: string;
  };
  timelineTitle: string;
  /** Publishing a ticket on /hoi-dap (coordinators): the redacted preview, edit, publish, unpublish. */
  publishForm: {
    title: string;
    noConsent: string;
    notAnswered: string;
    hint: string;
    /** `{count}`: how many pieces of personal data were removed automatically. */
    removed: string;
    question: string;
    answer: string;
    field: string;
    submit: string;
    update: string;
    unpublish: string;
    /** `{date}`: when it was published. */
    published: string;
    notPublished: string;
    publishedDone: string;
    unpublishedDone: string;
    view: string;
    empty: string;
  };
  /** The header's links between the views (tickets, hotline, calls, canned replies, statistics, accounts); `label` names the navigation. */
  nav: { label: string; tickets: string; hotline: string; calls: string; canned: string; stats: string; accounts: string };
  /** Account administration (admins only): list, create, disable/enable, reset password. */
  accounts: {
    title: string;
    empty: string;
    /** Marks the signed-in admin's own account in the list. */
    you: string;
    /** Labels of an account's facts in the list. */
    role: string;
    agency: string;
    status: string;
    createdAt: string;
    statuses: { active: string; disabled: string };
    disable: string;
    enable: string;
    resetPassword: string;
    createTitle: string;
    username: string;
    usernameHint: string;
    displayName: string;
    /** The create form's role choice (options are `roles`). */
    roleLabel: string;
    agencyLabel: string;
    /** First, empty option of the agency list. */
    chooseAgency: string;
    agencyHint: string;
    password: string;
    passwordHint: string;
    submit: string;
    /** Submitted without username, display name or password. */
    missing: string;
    /** A staff account submitted without an agency. */
    agencyMissing: string;
    /** `{username}` in each of these. */
    createdDone: string;
    disabledDone: string;
    enabledDone: string;
    passwordTitle: string;
    newPassword: string;
    passwordSubmit: string;
    passwordCancel: string;
    passwordMissing: string;
    passwordDone: string;
  };
  /** The hotline operators' live handoff view (#hotline): presence, queue, conversations, transcript, composer. */
  operator: OperatorConsoleCopy;
  /** Phone intake (#calls): an operator records a call to the hotline. */
  calls: CallsConsoleCopy;
  /** The hotline's canned replies (#canned), inserted in the composer by `/code`. */
  canned: CannedConsoleCopy;
  /** The dashboard (#stats): figures per month and channel, charts, CSV. */
  dashboard: DashboardConsoleCopy;
  /** Portal news (#news, #news/<id>): the list, the write form with its preview, an item's report and Zalo Article broadcast. */
  news: ConsoleNewsCopy;
  /** Announcements of the console's polite live region (screen readers). */
  live: {
    /** After the ticket list's filter changed; `{count}`: tickets shown, `{filter}`: the filter's name. */
    listCount: string;
  };
  statuses: Record<TicketStatus, string>;
  actions: Record<TicketAction | TimelineNote, string>;
  actors: Record<ActorKind, string>;
  kinds: Record<TicketKind, string>;
  roles: Record<AccountRole, string>;
  /** Messages for the API's error codes (AUTH.*, TICKET.*, HTTP.*). */
  errors: Record<string, string>;
  /** The server could not be reached. */
  network: string;
  /** An error code without a message; `{status}`: the HTTP status. */
  httpError: string;
  genericError: string;
}

/** The operator view of the console (ConsoleCopy.operator). `{name}` placeholders as in ConsoleCopy. */
export interface OperatorConsoleCopy {
  title: string;
  presence: {
    label: string;
    online: string;
    away: string;
    offline: string;
    /** `{status}`: the chosen status's name. */
    changed: string;
  };
  queue: {
    title: string;
    empty: string;
    /** `{count}`: citizens who joined the queue since the last look. */
    arrived: string;
  };
  mine: { title: string; empty: string };
  others: { title: string; empty: string };
  /** A conversation in a list. */
  item: {
    /** `{time}`: minutes:seconds since it joined the queue, counted every second. */
    waiting: string;
    /** `{position}`: 1 = next. */
    position: string;
    /** `{name}`: the operator holding it. */
    assignee: string;
    noMessage: string;
    claim: string;
    /** Accessible name of a list's claim button; `{channel}`, `{text}`: its last message. */
    claimLabel: string;
  };
  /** Channel names (the API's `channel`; `phone` for calls). */
  channels: Record<string, string>;
  /** Why the conversation left the bot (HandoffReason). */
  reasons: Record<'requested' | 'fallbacks' | 'sensitive' | 'takeover' | 'external', string>;
  /** Handoff statuses (HandoffStatus). */
  statuses: Record<'bot' | 'queued' | 'assigned' | 'snoozed', string>;
  /** How an earlier human conversation ended (HandoffOutcome). */
  outcomes: Record<'resolved' | 'abandoned' | 'unclaimed' | 'closed' | 'external-ended', string>;
  /** Transcript activity lines, by handoff event (HandoffEvent). */
  events: Record<string, string>;
  conversation: {
    /** Shown until a conversation is opened. */
    none: string;
    /** `{channel}`. */
    title: string;
    status: string;
    reason: string;
    assignee: string;
    /** Said instead of the operator's own name. */
    you: string;
    queuedAt: string;
    claim: string;
    takeover: string;
    transfer: string;
    toAgency: string;
    claimed: string;
    transferred: string;
    resolved: string;
  };
  earlier: {
    title: string;
    tickets: string;
    conversations: string;
    empty: string;
    /** `{code}`, `{agency}`, `{status}`, `{date}`: the due date. */
    ticket: string;
    /** `{date}`, `{outcome}`. */
    conversation: string;
    /** `{summary}`. */
    summary: string;
    /** `{csat}`: the citizen's rating 1–5. */
    csat: string;
  };
  transcript: {
    title: string;
    empty: string;
    /** Who wrote each line (the API's `kind`). */
    authors: Record<'citizen' | 'bot' | 'operator' | 'staff' | 'notice' | 'note' | 'event', string>;
    /** `{name}`: the procedure the assistant cited. */
    procedure: string;
    /** An operator message's way to the citizen. */
    delivery: Record<'pending' | 'sent' | 'held' | 'failed', string>;
    /** `{text}`: a citizen's new message in the open conversation. */
    newCitizen: string;
    /** `{count}`: other new lines in the open conversation. */
    newOther: string;
  };
  composer: {
    label: string;
    hint: string;
    private: string;
    send: string;
    saveNote: string;
    convert: string;
    empty: string;
    sent: string;
    noted: string;
    /** Name of the canned replies' pop-up list. */
    cannedLabel: string;
    /** `{count}`: canned replies matching what follows `/`. */
    cannedCount: string;
    cannedInserted: string;
  };
  /** The channel's reply window, above the composer. */
  window: {
    open: string;
    /** `{date}`, `{left}`: time left. */
    until: string;
    closed: string;
    billable: string;
    billableHint: string;
    humanAgent: string;
    humanAgentHint: string;
  };
  suggestions: {
    title: string;
    empty: string;
    insert: string;
    /** `{name}`: the procedure. */
    insertLabel: string;
    inserted: string;
  };
  resolve: {
    title: string;
    summary: string;
    hint: string;
    submit: string;
  };
  toAgency: {
    title: string;
    hint: string;
    question: string;
    kind: string;
    submit: string;
    cancel: string;
    /** Above the new ticket's tracking code. */
    done: string;
    /** `{agency}`, `{date}`: the due date. */
    doneAgency: string;
  };
  /** Lengths of time: `{d}` days, `{h}` hours, `{m}` minutes, `{s}` seconds. */
  durations: { seconds: string; minutes: string; hours: string; days: string };
}

/** Phone intake (ConsoleCopy.calls). */
export interface CallsConsoleCopy {
  title: string;
  formTitle: string;
  question: string;
  phone: string;
  phoneHint: string;
  answer: string;
  toAgency: string;
  hint: string;
  submit: string;
  missing: string;
  answerOrAgency: string;
  done: string;
  /** Above the tracking code to read to the caller. */
  codeTitle: string;
  /** `{agency}`, `{date}`: the due date. */
  codeAgency: string;
  recent: string;
  empty: string;
  columns: { at: string; question: string; answer: string; phone: string };
  /** `{code}`. */
  ticket: string;
}

/** Canned replies (ConsoleCopy.canned). `{code}` is the short code. */
export interface CannedConsoleCopy {
  title: string;
  hint: string;
  empty: string;
  code: string;
  codeHint: string;
  text: string;
  formTitle: string;
  editTitle: string;
  submit: string;
  cancel: string;
  edit: string;
  delete: string;
  editLabel: string;
  deleteLabel: string;
  missing: string;
  saved: string;
  deleted: string;
}

/** The dashboard (ConsoleCopy.dashboard). */
export interface DashboardConsoleCopy {
  title: string;
  from: string;
  to: string;
  submit: string;
  csv: string;
  empty: string;
  invalid: string;
  /** `{from}`, `{to}`: the months shown. */
  shown: string;
  /** `{channel}`. */
  channelTitle: string;
  /** `{from}`, `{to}`. */
  chartCaption: string;
  /** The chart's text alternative: `{channel}`, `{from}`, `{to}`, `{values}` ("figure: number; …"). */
  chartLabel: string;
  /** `{channel}`. */
  tableCaption: string;
  month: string;
  /** Heading of the tables' first column (one row per figure, one column per month). */
  figure: string;
  total: string;
  /** Figures of GET /api/v1/stats rows (src/core/statistics.ts STATS_FIGURES). */
  figures: Record<string, string>;
  /** A figure the row does not have. */
  none: string;
  /** Rows without a channel. */
  unknownChannel: string;
}

/**
 * Portal news (ConsoleCopy.news): every role reads the list and an item's delivery report; coordinators
 * and admins also write items (with a per-channel preview), cancel scheduled ones and broadcast a Zalo
 * Article. `{name}` placeholders as in ConsoleCopy; keys are read as `news.form.title`.
 */
export interface ConsoleNewsCopy {
  /** The navigation link (coordinators, admins, operators). */
  nav: string;
  title: string;
  intro: string;
  /** Shown instead of the write form to those who may only read (staff, operators). */
  readOnly: string;
  /** Staff's link beside their ticket list (they have no navigation bar), and the way back. */
  staffLink: string;
  backToTickets: string;
  list: {
    title: string;
    /** Accessible name of the tabs; then the tabs themselves (also the `{tab}` of `count`). */
    tabsLabel: string;
    published: string;
    scheduled: string;
    empty: string;
    emptyScheduled: string;
    /** The source of an item written in the console (a feed's item shows its URL). */
    sourceEditor: string;
    /** `{source}`. */
    source: string;
    /** `{topics}`: the topics' names, comma-separated. */
    topics: string;
    /** `{date}`. */
    publishedAt: string;
    /** `{date}`. */
    scheduledAt: string;
    /** Badge of a critical item. */
    critical: string;
    /** Announced after a tab's list loaded: `{tab}`, `{count}`. */
    count: string;
  };
  form: {
    title: string;
    titleLabel: string;
    summaryLabel: string;
    linkLabel: string;
    linkHint: string;
    topicsLegend: string;
    urgencyLegend: string;
    /** The urgency choices, and what critical means. */
    normal: string;
    critical: string;
    criticalHint: string;
    /** The scheduled time (Vietnam time), used only by `schedule`. */
    publishAtLabel: string;
    publishAtHint: string;
    /** The collapsed Khmer and English versions. */
    versionsSummary: string;
    versionsHint: string;
    kmLegend: string;
    enLegend: string;
    kmTitle: string;
    kmSummary: string;
    enTitle: string;
    enSummary: string;
    /** The two submit buttons. */
    publishNow: string;
    schedule: string;
    /** Said once saved: `{title}`; `scheduled` also `{date}`; `publishedInstead`: a scheduled time that had come. */
    published: string;
    scheduled: string;
    publishedInstead: string;
    /** The notice when fields are in error (each message beside its field). */
    invalid: string;
    /** Beside each field in error, by the API's field name (`versionTitle`/`versionSummary`: either language). */
    errors: {
      title: string;
      summary: string;
      link: string;
      topics: string;
      urgency: string;
      /** Malformed, or beyond 90 days. */
      publishAt: string;
      /** "Hẹn giờ đăng" without a time. */
      publishAtMissing: string;
      /** A time already past, or too close to now to schedule. */
      publishAtPast: string;
      versionTitle: string;
      versionSummary: string;
      other: string;
    };
  };
  /** The per-channel preview beside the form (POST /news/preview). */
  preview: {
    title: string;
    waiting: string;
    loading: string;
    ready: string;
    /** `{message}`: why the preview failed. */
    failed: string;
    /** Headings of the channels' previews. */
    zalo: string;
    messenger: string;
    webchat: string;
    webpush: string;
    article: string;
    /** Parts of a web push notification and of a Zalo Article. */
    partTitle: string;
    partBody: string;
    partDescription: string;
    /** `{length}`/`{limit}`; `chars`: `{length}` where there is no limit. */
    length: string;
    chars: string;
    /** `{over}`: characters past the limit; `overSend`: the channel refuses it, `overCut`: it cuts it. */
    overSend: string;
    overCut: string;
    /** `{km}`, `{en}`: one of the four below. */
    versions: string;
    kmYes: string;
    kmNo: string;
    enYes: string;
    enNo: string;
  };
  /** One item's page (GET /news/items/{id}). */
  item: {
    back: string;
    /** The heading when there is no item with this id (404 NEWS.NOT_FOUND). */
    notFound: string;
    /** Labels of the item's facts, and the values of its status and urgency (the API's). */
    status: string;
    statuses: Record<'published' | 'scheduled', string>;
    source: string;
    topics: string;
    urgency: string;
    urgencies: Record<NewsUrgency, string>;
    publishedAt: string;
    scheduledAt: string;
    link: string;
    summary: string;
    versions: string;
    versionNames: Record<Exclude<Locale, 'vi'>, string>;
    /** The cancel button of a scheduled item, its accessible name (`{title}`), and what is said after (`{title}`). */
    cancel: string;
    cancelLabel: string;
    cancelled: string;
  };
  /** The item's delivery report (GET /news/items/{id}/report, and its CSV). */
  report: {
    title: string;
    /** `{count}`: recipients. */
    total: string;
    none: string;
    refresh: string;
    /** `{count}`. */
    refreshed: string;
    csv: string;
    /** Captions and column headings of the report's tables. */
    byStatusCaption: string;
    byChannelCaption: string;
    failuresCaption: string;
    statusCol: string;
    countCol: string;
    channelCol: string;
    codeCol: string;
    statuses: Record<NewsDeliveryStatus, string>;
    /** Why deliveries wait: `{window}` (the channel's reply window), `{cap}` (the daily cap). */
    waiting: string;
    noFailures: string;
    channels: Record<NewsChannel, string>;
  };
  /** The Zalo Article broadcast to the OA's followers (GET/POST /news/items/{id}/broadcast), once per item. */
  broadcast: {
    title: string;
    intro: string;
    button: string;
    none: string;
    /** Instead of `none` on a scheduled item. */
    scheduledNote: string;
    /** The confirmation dialog: `dialogText` has `{title}`. */
    dialogTitle: string;
    dialogText: string;
    dialogOnce: string;
    confirm: string;
    cancel: string;
    /** `{state}`: one of `states`. */
    state: string;
    states: Record<NewsBroadcastState, string>;
    /** `{username}`, `{date}`. */
    requested: string;
    stepsTitle: string;
    stepNames: Record<NewsBroadcast['steps'][number]['step'], string>;
    /** `{message}`: the failure's message, Zalo's code (`platformCode`: `{code}`) and ours. */
    error: string;
    platformCode: string;
    /** Announced: `{state}`; `already`: the item had been broadcast before (never twice). */
    started: string;
    already: string;
    changed: string;
  };
  /** Messages for the news API's error codes (NEWS.*). */
  errors: Record<Extract<ErrorCode, `NEWS.${string}`>, string>;
}

/**
 * The public Q&A page (/hoi-dap, server-rendered) and the placeholders that replace personal data in
 * published text (domain/pii.ts redactPersonalData). The masthead mirrors the demo portal's.
 */
export interface QaPageCopy {
  title: string;
  /** Title when one field (lĩnh vực) is chosen. */
  titleField: (field: string) => string;
  intro: string;
  /** Says that personal data was removed, and how it shows. */
  privacyNote: string;
  skipLink: string;
  demoBanner: string;
  siteKicker: string;
  siteTitle: string;
  siteTitleNote: string;
  hotline: string;
  nav: { label: string; home: string; qa: string; lookup: string };
  search: { label: string; placeholder: string; submit: string; hint: string };
  topics: { title: string; all: string; count: (n: number) => string };
  /** Entries without a field. */
  otherField: string;
  /** The list's summary: every entry, one field, or a search. */
  summary: (input: { count: number; query?: string; field?: string }) => string;
  clearSearch: string;
  empty: string;
  noResults: string;
  question: string;
  answerBy: (agencyName: string) => string;
  publishedOn: (date: string) => string;
  askTitle: string;
  askText: string;
  askButton: string;
  lookupButton: string;
  footerTitle: string;
  footerText: string;
  footerHotline: string;
  /** What replaces each kind of personal data in published text. */
  redacted: Record<'name' | 'phone' | 'id' | 'email' | 'address', string>;
}

export interface Copy {
  /** The language of this copy (a partial translation merged over Vietnamese keeps its own). */
  locale: Locale;
  answers: AnswerCopy;
  bot: BotCopy;
  widget: WidgetCopy;
  stats: StatsCopy;
  console: ConsoleCopy;
  qa: QaPageCopy;
}
