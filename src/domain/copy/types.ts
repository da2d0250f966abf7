import type { OnlineLevel, SubmissionMethod } from '../procedure.js';
import type { TicketStatus } from '../ticket.js';

/** Intents the brain distinguishes (mirrors ports/knowledge Intent; domain cannot import ports). */
export type IntentName = 'procedure' | 'greeting' | 'handoff' | 'news' | 'track' | 'feedback' | 'other';

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
  /** Appended to a fact that has not been checked against the official record. */
  unverified: string;
  /** Said once under an answer that contains unverified facts. */
  unverifiedNote: string;
  moreDocuments: (n: number) => string;
  moreSteps: (n: number) => string;
  followUpHint: string;
  /** Title of the button/link to the procedure's online service. */
  onlineLinkTitle: string;
  sourceLine: (asOf: string) => string;
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
  followUpButtons: { documents: string; fee: string; time: string; place: string; online: string; legal: string };
  anotherQuestion: string;
  fallbackOffer: string;
  fallbackButtons: { agency: string; operator: string; rephrase: string };
  /** An agency's published answer to a similar question, reused when the catalog has none (issue 4). */
  publishedAnswer: (input: { agencyName: string; question: string; answer: string }) => string;
  /** Said under a reused published answer, with the fallback buttons, in case it does not fit. */
  publishedAnswerOffer: string;
  rephrase: string;
  /** Said after recording a request for an operator, with its reference. */
  operatorRequested: (reference: string) => string;
  handoffOffer: string;
  news: string;
  tickets: TicketCopy;
  feedbackOffer: string;
  outOfScope: string;
  apology: string;
  /** Hint under options shown as a numbered list on channels without buttons. */
  chooseByNumber: string;
}

/** What the bot says while sending a question to an agency as a ticket, and about the citizen's tickets. */
export interface TicketCopy {
  /** Asks for the question when the citizen chose "send a question to an agency" from the menu. */
  questionPrompt: string;
  /** Shows the question back and asks consent to forward it. */
  consentPrompt: (question: string) => string;
  consentButtons: { yes: string; no: string };
  consentDeclined: string;
  publishPrompt: string;
  publishButtons: { yes: string; no: string };
  phonePrompt: string;
  skipButton: string;
  phoneInvalid: string;
  opened: (ticket: { code: string; agencyName: string; dueDate: string; callback: boolean }) => string;
  statuses: Record<TicketStatus, string>;
  /** The citizen's tickets, newest first (at least one). */
  list: (tickets: ReadonlyArray<{ code: string; status: string; dueDate: string }>) => string;
  /** Said to "tra cứu" when the conversation has no ticket. */
  none: string;
  /** One of the citizen's own tickets, looked up by its tracking code typed in this conversation. */
  detail: (ticket: { code: string; status: string; agencyName: string; dueDate: string; answer?: string }) => string;
  /**
   * Said to a tracking code that is unknown or belongs to someone else (the same words for both, so a
   * lookup never confirms that a code exists).
   */
  notFound: (code: string) => string;
  /** Said to a tracking code whose check symbol does not match: a typo, nothing about any ticket. */
  codeInvalid: (code: string) => string;
  /** The message that carries an agency's answer back to the citizen. */
  answerNotice: (ticket: { code: string; agencyName: string; answer: string }) => string;
  /** A local date `YYYY-MM-DD` as citizens write it. */
  formatDate: (localDate: string) => string;
  /** Typed answers (lower case, without diacritics) that mean yes, no, or skip the phone. */
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
  genericError: string;
  hotline: string;
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
}

export interface Copy {
  locale: string;
  answers: AnswerCopy;
  bot: BotCopy;
  widget: WidgetCopy;
  stats: StatsCopy;
}
