import type { Agency, Procedure } from '../../src/domain/procedure.js';
import type { AskContext, AskResult, Candidate, ConfidenceEvidence, Decision, Intent, KnowledgeSearch, SmallTalk } from '../../src/ports/knowledge.js';
import type { Catalog } from '../catalog/load.js';
import { analyzeQuery, type AnalyzedQuery } from '../nlp/analyze.js';
import { foldPhrase, type Lexicon } from '../nlp/lexicon.js';
import type { PhraseTable } from '../nlp/phrase-table.js';
import { foldSyllable, looksVietnamese, syllables } from '../nlp/vietnamese.js';
import type { ChoicePhrases } from './choices.js';
import type { Calibration } from './calibration.js';
import type { ConcernReader } from './concerns.js';
import type { SensitiveReader } from './sensitive.js';
import { buildIndex, DEFAULT_INDEX_PARAMS, type IndexParams, type ProcedureIndex } from './inverted-index.js';
import type { LanguageDetector } from './language.js';
import type { NarrativeReader } from './narrative.js';
import type { OutsideMatters } from './outside.js';
import type { PlaceDirectory } from './places.js';
import { DEFAULT_RETRIEVAL_PARAMS, retrieve, scoreAmong, type RetrievalParams, type ScoredDoc } from './retrieve.js';
import { IntentClassifier } from './intent-classifier.js';
import { matchSignals, SIGNAL_INTENTS, type SignalHits, type Signals } from './signals.js';
import type { SmallTalkTable } from './small-talk.js';

/**
 * The answering brain: one message in, an intent and a decision out (answer / clarify / abstain),
 * with normalized confidences. Pure and synchronous; all tuning knobs are in BrainParams.
 */

export interface DecisionParams {
  /** Below this normalized score the brain abstains (offers an agency or an operator). */
  low: number;
  /** At or above this score, with no close rival, the brain answers outright. */
  answer: number;
  /** Rivals within this relative margin of the best are offered as clarification options. */
  margin: number;
  /** Weight of the classifier's log-probabilities (Naive Bayes is overconfident; < 1 tempers it). */
  classifierWeight: number;
  /** Log-odds added per matched token of an intent pattern. */
  patternBonus: number;
  /** Log-odds added to `procedure` per unit of the best retrieval score. */
  retrievalBonus: number;
  /** Log-odds added to `procedure` per matched token of a procedure cue ("thủ tục", "hồ sơ"…). */
  cueBonus: number;
}

export interface BrainParams {
  index: IndexParams;
  retrieval: RetrievalParams;
  decision: DecisionParams;
}

export const DEFAULT_BRAIN_PARAMS: BrainParams = {
  index: DEFAULT_INDEX_PARAMS,
  retrieval: DEFAULT_RETRIEVAL_PARAMS,
  decision: { low: 0.31, answer: 0.45, margin: 0.12, classifierWeight: 0.4, patternBonus: 2, retrievalBonus: 4, cueBonus: 0.5 },
};

/** Longest lexicon phrase (in syllables) compared against procedure names. */
const MAX_PHRASE = 8;

/** A described option must score this many times the next one to be picked. */
const PICK_MARGIN = 1.25;
/** Share of its name each part must cover to count as a second procedure named. */
const ALSO_COVERAGE = 0.75;
/** Score a part of a message joined by "và" must reach on its own to be a second procedure, unless it names one in full. */
const STRONG_PART = 0.65;
/** Score from which a part names its procedure beyond doubt. */
const SURE_PART = 0.8;
/** Share of its name a procedure named besides a matter outside the catalog (or besides a follow-up in context) must cover. */
const BESIDES_COVERAGE = 0.5;

const round = (x: number) => Math.round(x * 1000) / 1000;

const DOSSIER_CODE = /\b\d{3}\.\d{2}\.\d{2}\.[a-z]\d{2}-\d{6}-\d{4}\b/;
const TRACKING_CODE = /\b(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{4,6}-[a-z0-9]{1,6}\b/;

/** What a conversation needs beyond procedure search: each table is data (knowledge/data). */
export interface ConversationTables {
  language: (isVietnamese: (folded: string) => boolean) => LanguageDetector;
  smallTalk: SmallTalkTable;
  outside: OutsideMatters;
  places: PlaceDirectory;
  choices: ChoicePhrases;
  narrative: NarrativeReader;
  concerns: ConcernReader;
  sensitive: SensitiveReader;
}

export interface BrainDeps {
  catalog: Catalog;
  lexicon: Lexicon;
  signals: Signals;
  conversation: ConversationTables;
  params?: Partial<BrainParams>;
  /** Turns retrieval evidence into a probability and sets the answer and confirm thresholds (absent: scores alone decide). */
  calibration?: Calibration;
}

type Base = Pick<AskResult, 'question' | 'alternatives' | 'language' | 'sensitive'>;

/** Conjunctions that join two procedures in one message ("khai sinh và thường trú"); never a comma (narratives). */
const CONJUNCTION = /\s(?:và|va|với cả|lẫn|cùng với|xong thì|sau đó|\+|&)\s/u;
/** "với" joins two procedures only when each side names its own ("đổi gplx với làm hộ chiếu", not "kết hôn với người nước ngoài"). */
const WITH = /\s(?:với|voi|vs)\s/u;

export class Brain implements KnowledgeSearch {
  readonly index: ProcedureIndex;
  readonly params: BrainParams;
  private readonly byKey = new Map<string, Procedure>();
  private readonly classifier: IntentClassifier;
  private readonly language: LanguageDetector;
  /** Words that never name a procedure on their own (stopwords). */
  private readonly generic = new Set<string>();
  /** Every word some table knows: a message with none of them (and not shaped like Vietnamese) is gibberish. */
  private readonly known = new Set<string>();
  /** Folded field names ("cu tru", "dat dai") of fields with several procedures, to the procedures' ids. */
  private readonly fields = new Map<string, Set<string>>();

  constructor(private readonly deps: BrainDeps) {
    this.params = { ...DEFAULT_BRAIN_PARAMS, ...deps.params };
    this.index = buildIndex(deps.catalog.procedures, this.params.index);
    // A phrase that is literally part of a procedure name is matched by the index already; expanding it
    // to one procedure's wording only biases it against its siblings ("giấy phép xây dựng nhà ở" inside
    // "gia hạn giấy phép xây dựng nhà ở").
    const namePhrases = new Set<string>();
    for (const p of deps.catalog.procedures) {
      const t = foldPhrase(p.name);
      for (let i = 0; i < t.length; i++) for (let j = i + 1; j <= Math.min(t.length, i + MAX_PHRASE); j++) namePhrases.add(t.slice(i, j).join(' '));
    }
    deps.lexicon.expansions.retain((from) => !namePhrases.has(from.join(' ')));
    const { intents, cues, followUps, askAgency } = deps.signals;
    const { smallTalk, outside, places, narrative, concerns, sensitive } = deps.conversation;
    for (const table of [intents, cues, followUps, askAgency, smallTalk, outside, places, narrative, concerns, sensitive]) for (const w of table.words()) deps.lexicon.words.add(w);
    for (const table of [intents, smallTalk]) for (const p of table.phrases()) deps.lexicon.protectedPhrases.add(p, true);
    this.classifier = this.trainClassifier();
    const vocabulary = this.index.vocabulary;
    this.language = deps.conversation.language((f) => vocabulary.hasWord(f) || deps.lexicon.stopwords.has(f));
    for (const w of deps.lexicon.stopwords) this.generic.add(w);
    for (const w of [...deps.lexicon.words, ...this.language.words()]) this.known.add(w);
    for (const p of deps.catalog.procedures) {
      this.byKey.set(p.id, p);
      if (p.code) this.byKey.set(p.code, p);
      const field = foldPhrase(p.name === p.field ? '' : p.field).join(' ');
      if (field) this.fields.set(field, (this.fields.get(field) ?? new Set()).add(p.id));
    }
    for (const [field, ids] of this.fields) if (ids.size < 2) this.fields.delete(field);
  }

  /**
   * The `procedure` class learns from the catalog's names and aliases, phrased as questions with the
   * follow-up phrases citizens add ("… cần giấy tờ gì", "… nộp ở đâu"), so that question wording alone
   * does not pull a procedure question towards another intent. natural's Bayes estimates a feature's
   * likelihood against the class's example count, so every class gets about as many examples as the
   * intents have, drawn evenly across the catalog.
   */
  private trainClassifier(): IntentClassifier {
    const tokens = (text: string) => analyzeQuery(text, this.deps.lexicon, this.index.vocabulary).normalized;
    const examples: Partial<Record<Intent, string[][]>> = {};
    for (const intent of SIGNAL_INTENTS) examples[intent] = this.deps.signals.examples[intent].map(tokens);
    const perClass = Math.round(SIGNAL_INTENTS.reduce((n, i) => n + (examples[i]?.length ?? 0), 0) / SIGNAL_INTENTS.length);
    const asks = this.deps.signals.followUpPhrases;
    const procedures = this.deps.catalog.procedures;
    examples.procedure = Array.from({ length: perClass }, (_, k) => {
      const p = procedures[Math.floor((k * procedures.length) / perClass)]!;
      const subject = k % 2 === 0 ? p.name : (p.aliases[k % p.aliases.length] ?? p.name);
      return tokens(k % 3 === 2 ? subject : `${subject} ${asks[k % asks.length] ?? ''}`);
    });
    return new IntentClassifier(examples);
  }

  /** The message as retrieval sees it (normalized, repaired against the catalog's vocabulary). */
  analyze(question: string): AnalyzedQuery {
    return analyzeQuery(question, this.deps.lexicon, this.index.vocabulary);
  }

  /** Words retrieval ignores. */
  get stopwords(): Set<string> {
    return this.deps.lexicon.stopwords;
  }

  getProcedure(idOrCode: string): Procedure | undefined {
    return this.byKey.get(idOrCode);
  }

  listAgencies(): Agency[] {
    return this.deps.catalog.directory.agencies;
  }

  ask(question: string, context: AskContext = {}): AskResult {
    const { followUps } = this.deps.signals;
    const { places, outside } = this.deps.conversation;
    const query = analyzeQuery(question, this.deps.lexicon, this.index.vocabulary, [followUps, places.communePhrases]);
    const detected = this.language.detect(query.cleaned);
    const sensitive = this.deps.conversation.sensitive.read(query.tokens);
    const base: Base = { question, alternatives: [], language: detected.language, ...(sensitive && { sensitive }) };
    const abstain = (intent: Intent, extra: Partial<AskResult> = {}): AskResult => ({ ...base, intent, decision: 'abstain', best: null, ...extra });
    // Khmer and English messages are answered in their language (what the assistant can do), never searched.
    if (detected.language !== 'vi') return abstain(detected.greeting ? 'greeting' : 'other');

    // Small talk first: "sai rồi" after a clarification rejects its options, it does not describe one.
    const smallTalk = this.smallTalk(query);
    if (smallTalk) return abstain(smallTalk === 'goodbye' ? 'greeting' : 'other', { smallTalk });

    const options = (context.options ?? []).map((id) => this.getProcedure(id)).filter((p) => p !== undefined);
    const picked = options.length > 0 ? this.pickOption(query, options) : undefined;
    if (picked) return { ...base, intent: 'procedure', decision: 'answer', best: picked, alternatives: [] };

    // A story is searched without its greetings; its question alone says which aspect it asks about
    // and raises some concerns (narrative.ts, concerns.ts). Places count anywhere.
    const read = this.deps.conversation.narrative.read(query.cleaned);
    // A question that only had a greeting around it is no story.
    const story = read && read.sentences > 1 ? read : undefined;
    const asked = story ? this.analyzeAspects(story.ask) : read ? this.analyzeAspects(read.text) : query;
    const told = read ? this.analyzeAspects(read.text) : query;
    const hits = matchSignals(this.deps.signals, told.normalized);
    // The aspect a story asks about is the one its question names ("… Tôi nộp hồ sơ ở đâu?").
    if (story) hits.followUp = matchSignals(this.deps.signals, asked.normalized).followUp ?? hits.followUp;
    const ranked = retrieve(this.index, told, this.deps.lexicon.stopwords, this.params.retrieval);
    if (story) this.followTheAsk(asked, ranked);
    const intent = this.detectIntent(told, hits, ranked);
    const current = context.currentProcedureId ? this.getProcedure(context.currentProcedureId) : undefined;
    const top = ranked[0];
    const found = places.find(query.tokens, (top ? this.index.procedures[top.doc] : current)?.agencyId);
    const named = this.namesProcedure(told, top, hits, read ? undefined : found?.span);
    const topProcedure = named && top ? this.index.procedures[top.doc] : undefined;
    // A place is what an answer, a contact or a ticket is about; asking for a person names none.
    const place = intent === 'handoff' ? undefined : found?.mention;
    const withPlace = place ? { place } : {};
    // The classifier's hunch alone, with no phrase of its intent in the message, yields to a follow-up in
    // context, a matter outside the catalog, a contact question or a wish to ask an agency ("liên hệ
    // ai" is no complaint).
    const hunch = intent === 'procedure' || intent === 'other' || (hits.intents[intent] === 0 && !this.hasCode(query));

    // A complaint, dispute, amount or legal judgement about a procedure is routed, also in the middle of a
    // topic ("được hưởng bao nhiêu tiền") or with a wish to write to an agency; the procedure is named as
    // context only when the message names it clearly, else the one under discussion. A matter outside the
    // catalog (ly hôn, tranh chấp đất đai…) keeps its own reply, with its competent body.
    if (intent !== 'greeting' && intent !== 'handoff' && intent !== 'news' && !this.hasCode(query)) {
      const kind = this.deps.conversation.concerns.read(query.tokens, asked.tokens);
      if (kind && !(kind === 'dispute' && outside.match(query.tokens))) {
        const clear = topProcedure && top && top.score >= this.params.decision.answer ? topProcedure : undefined;
        const related = clear ?? current;
        return abstain(kind === 'complaint' ? 'feedback' : 'other', { concern: { kind, ...(related && { related }) }, ...withPlace });
      }
    }
    // A follow-up about the procedure under discussion, read in its context ("mất bao lâu" is time),
    // unless the message clearly names another procedure ("còn đăng ký tạm trú thì lệ phí bao nhiêu").
    const switches = top && topProcedure && topProcedure !== current && top.score >= this.params.decision.answer && (top.nameCoverage ?? 0) >= BESIDES_COVERAGE;
    // An office named on its own there ("nộp ở một cửa được không") asks where to submit it.
    const followUp = hits.followUp ?? (place && !named ? 'place' : undefined);
    if (current && followUp && hunch && !switches) {
      const score = Math.max(top && topProcedure === current ? top.score : 0, this.params.decision.answer);
      return { ...base, intent: 'procedure', decision: 'answer', best: { procedure: current, score: round(score) }, followUp, ...withPlace };
    }
    const wantsAgency = hits.askAgency && hits.intents.track === 0;
    if (hunch) {
      // A procedure the message names clearly wins over a matter its words also evoke ("bị sa thải... trợ cấp thất nghiệp").
      const matter = named && top && top.score >= this.params.decision.answer && (top.nameCoverage ?? 0) >= ALSO_COVERAGE ? undefined : outside.match(query.tokens);
      const besides = matter && this.namesBesides(question, outside.phrasesOf(matter.id));
      if (matter && !besides) return abstain('other', { outside: matter, ...withPlace });
      // An office named with no procedure ("công an xã", "địa chỉ UBND phường Tân An") asks for its directory entry.
      if (!named && (hits.followUp === 'contact' || place)) return abstain('other', { followUp: 'contact', ...withPlace });
      // A wish to send a question on is never a lookup of earlier ones, whatever the classifier guessed.
      if (wantsAgency && (!named || intent !== 'procedure')) return abstain('other', { wantsAgency: true, ...withPlace });
    }
    if (intent !== 'procedure') return abstain(intent, withPlace);
    const result = this.decide(base, ranked, hits, { story: story !== undefined, words: syllables(query.cleaned).length, accents: round(query.accentShare) }, this.fieldNamed(query));
    // Two procedures joined in a short message are both answered (not when the best is only being
    // confirmed: that confirmation stands); a story's "và" joins its events, not its asks.
    const rivals = result.decision === 'answer' || (result.decision === 'clarify' && result.alternatives.length > 1);
    const also = rivals && !story ? this.secondProcedure(told, result) : undefined;
    if (also) return { ...result, decision: 'answer', best: also[0], alternatives: [], also: also[1], ...withPlace, ...(wantsAgency && { wantsAgency }) };
    return { ...result, ...withPlace, ...(wantsAgency && { wantsAgency }) };
  }

  /**
   * A story's own words must not outweigh its question: when the sentences that ask name a procedure
   * in full ("… đăng ký khai sinh cho cháu cần giấy tờ gì?") and the story's best is another one ("đi
   * làm xa" → tạm vắng), the named one comes first, unless the story's best refines it (the story says
   * the spouse is a foreigner: "kết hôn có yếu tố nước ngoài" refines "đăng ký kết hôn").
   */
  private followTheAsk(asked: AnalyzedQuery, ranked: ScoredDoc[]): void {
    const named = retrieve(this.index, asked, this.deps.lexicon.stopwords, this.params.retrieval, 3)[0];
    const first = ranked[0];
    if (!named || !first || named.doc === first.doc || (named.nameCoverage ?? 0) < 1 || named.score < this.params.decision.answer) return;
    const terms = (doc: number) => this.index.nameTerms[doc]!.filter((t) => !this.deps.lexicon.stopwords.has(t));
    const firstTerms = new Set(terms(first.doc));
    if (terms(named.doc).every((t) => firstTerms.has(t))) return;
    const at = ranked.findIndex((r) => r.doc === named.doc);
    const entry = at >= 0 ? ranked.splice(at, 1)[0]! : { ...named };
    // Its confidence is what the question itself says of it.
    ranked.unshift({ ...entry, score: Math.max(entry.score, named.score), nameCoverage: 1 });
  }

  /** A part of a message analyzed as retrieval sees it, aspect and place phrases set aside. */
  private analyzeAspects(text: string): AnalyzedQuery {
    return analyzeQuery(text, this.deps.lexicon, this.index.vocabulary, [this.deps.signals.followUps, this.deps.conversation.places.communePhrases]);
  }

  /** Small talk and repair: phrases from data, or keyboard mashing with no word any table knows. */
  private smallTalk(query: AnalyzedQuery): SmallTalk | undefined {
    const kind = this.deps.conversation.smallTalk.match(query);
    if (kind) return kind;
    const words = syllables(query.cleaned).filter((s) => !/^\d+$/.test(s));
    if (words.length === 0) return undefined;
    const gibberish = words.every((s) => {
      const f = foldSyllable(s);
      return !this.known.has(f) && !this.index.vocabulary.hasWord(f) && !looksVietnamese(f.replace(/(\p{L})\1+/gu, '$1'));
    });
    return gibberish ? 'gibberish' : undefined;
  }

  /**
   * Whether the message names a procedure of its own: a confident enough best candidate, and words
   * left once stopwords, filler, signal phrases (procedure cues, follow-ups, intent patterns) and the
   * place named are set aside ("nộp online được không" and "số điện thoại UBND phường Tân An" name
   * none; "còn đăng ký tạm trú thì sao" does).
   */
  private namesProcedure(query: AnalyzedQuery, top: ScoredDoc | undefined, hits: SignalHits, place?: { start: number; length: number }): boolean {
    if (!top || top.score < this.params.decision.low) return false;
    const aside = new Set(hits.covered);
    for (const h of this.deps.lexicon.filler.scanOverlapping(query.normalized)) for (let k = 0; k < h.length; k++) aside.add(h.start + k);
    if (place) for (let k = 0; k < place.length; k++) aside.add(place.start + k);
    return query.normalized.some((f, i) => !aside.has(i) && !this.generic.has(f) && !/^\d+$/.test(f));
  }

  /**
   * Whether the message still names a procedure clearly once the words of a matter outside the catalog
   * are set aside: "đã ly hôn, giờ đăng ký kết hôn lại" is a kết hôn question, "thủ tục ly hôn" is not.
   */
  private namesBesides(question: string, phrases: PhraseTable<true>): boolean {
    const { followUps } = this.deps.signals;
    const sub = analyzeQuery(question, this.deps.lexicon, this.index.vocabulary, [followUps, this.deps.conversation.places.communePhrases, phrases]);
    const best = retrieve(this.index, sub, this.deps.lexicon.stopwords, this.params.retrieval, 3)[0];
    if (!best || best.score < this.params.decision.answer) return false;
    return (best.nameCoverage ?? 0) >= BESIDES_COVERAGE;
  }

  /**
   * The option of the last clarification a reply picks: by position ("cái thứ hai", "số 2"), or by
   * describing it ("do bị mất", "cấp đổi") when it fits one option clearly better than the others.
   */
  private pickOption(query: AnalyzedQuery, options: Procedure[]): Candidate | undefined {
    const index = this.deps.conversation.choices.pick(query.tokens, options.length);
    if (index !== undefined) return { procedure: options[index]!, score: 1 };
    if (options.length < 2 || query.clauses.length === 0) return undefined;
    const docs = options.map((p) => this.index.procedures.indexOf(p));
    const scores = scoreAmong(this.index, query, this.deps.lexicon.stopwords, this.params.retrieval, docs);
    const order = scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]);
    const [first, second] = order;
    if (!first || first[0] < this.params.decision.low || (second && first[0] < second[0] * PICK_MARGIN)) return undefined;
    // A reply that names some other procedure better is a new question, not a pick.
    const ranked = retrieve(this.index, query, this.deps.lexicon.stopwords, this.params.retrieval, 3);
    const best = ranked[0];
    if (best && !docs.includes(best.doc) && best.score > first[0] * PICK_MARGIN && (best.nameCoverage ?? 0) >= ALSO_COVERAGE) return undefined;
    return { procedure: options[first[1]]!, score: round(first[0]) };
  }

  /**
   * Two procedures joined in one message ("đăng ký kết hôn và đăng ký thường trú"): each part names one
   * clearly on its own. A procedure that covers both (a liên thông one) is a single answer instead.
   */
  private secondProcedure(query: AnalyzedQuery, result: AskResult): [Candidate, Candidate] | undefined {
    let parts = query.cleaned.split(CONJUNCTION).filter((p) => p.trim().length > 0);
    let coverage = 0;
    if (parts.length < 2) {
      parts = query.cleaned.split(WITH).filter((p) => p.trim().length > 0);
      coverage = BESIDES_COVERAGE;
    }
    if (parts.length !== 2) return undefined;
    const found: ScoredDoc[] = [];
    const words: Array<Set<string>> = [];
    for (const part of parts) {
      const sub = analyzeQuery(part, this.deps.lexicon, this.index.vocabulary, [this.deps.signals.followUps, this.deps.conversation.places.communePhrases]);
      const ranked = retrieve(this.index, sub, this.deps.lexicon.stopwords, this.params.retrieval, 3);
      const top = ranked[0];
      if (!top) continue;
      // The part's procedure: its clear best, or the one close rival it names in full ("đăng ký thường trú").
      const close = ranked.filter((r) => r.score >= top.score * (1 - this.params.decision.margin));
      const inFull = close.filter((r) => (r.nameCoverage ?? 0) >= 1);
      const pick = close.length === 1 ? top : inFull.length === 1 ? inFull[0] : undefined;
      const strong = pick && pick.score >= this.params.decision.answer && (pick.score >= STRONG_PART || (pick.nameCoverage ?? 0) >= 1);
      if (pick && strong && (pick.nameCoverage ?? 0) >= coverage && !found.some((f) => f.doc === pick.doc)) {
        found.push(pick);
        words.push(new Set([...sub.clauses.flat().map((t) => t.f), ...sub.expansions.flatMap((e) => e.to)]));
      }
    }
    if (found.length !== 2) return undefined;
    // Each part must name what sets its procedure apart from the other's ("bố mẹ và con có chứng thực"
    // names no chứng thực of its own): a word of its name that the other's name does not have, unless
    // the part alone leaves no doubt (an abbreviation the name does not spell: "bhyt").
    const names = found.map((r) => new Set(this.index.nameTerms[r.doc]));
    const own = (i: number) =>
      found[i]!.score >= SURE_PART || [...names[i]!].some((t) => !names[1 - i]!.has(t) && !this.deps.lexicon.stopwords.has(t) && words[i]!.has(t));
    if (!own(0) || !own(1)) return undefined;
    const [a, b] = found.map((r) => this.candidate(r)) as [Candidate, Candidate];
    const whole = result.best?.procedure;
    // The whole message fits a third procedure better (one covering both, a liên thông one), or a part
    // only points at the whole message's answer without naming it: that answer stays alone.
    if (whole && whole !== a.procedure && whole !== b.procedure) return undefined;
    if (found.some((r) => this.index.procedures[r.doc] === whole && (r.nameCoverage ?? 0) < BESIDES_COVERAGE)) return undefined;
    return [a, b];
  }

  private candidate(r: ScoredDoc): Candidate {
    return { procedure: this.index.procedures[r.doc]!, score: round(r.score) };
  }

  /**
   * The procedures of the field a message names and nothing else ("cư trú", "đất đai"): a field is not a
   * procedure, however well one of its procedures' names or aliases repeat its words.
   */
  private fieldNamed(query: AnalyzedQuery): Set<string> | undefined {
    return this.fields.get(query.normalized.filter((f) => !this.generic.has(f)).join(' '));
  }

  private decide(base: Base, ranked: ScoredDoc[], hits: SignalHits, message: Pick<ConfidenceEvidence, 'story' | 'words' | 'accents'>, field?: Set<string>): AskResult {
    const { low, answer, margin } = this.params.decision;
    const best = ranked[0];
    if (!best || best.score < low) {
      return { ...base, intent: 'procedure', decision: 'abstain', best: null, alternatives: ranked.slice(0, 3).map((r) => this.candidate(r)) };
    }
    const options = field ? ranked.filter((r) => field.has(this.index.procedures[r.doc]!.id)).slice(0, 3) : [];
    if (options.length > 1) {
      const alternatives = options.map((r) => this.candidate(r));
      return { ...base, intent: 'procedure', decision: 'clarify', best: alternatives[0]!, alternatives };
    }
    // A message that names the best procedure in full is not ambiguous with a sibling it names only in part.
    const namedInFull = (r: ScoredDoc) => (r.nameCoverage ?? 0) >= 1;
    const close = ranked
      .filter((r) => r === best || (r.score >= best.score * (1 - margin) && r.score >= low && !(namedInFull(best) && !namedInFull(r))))
      .slice(0, 3);
    let decision: Decision = 'answer';
    if (close.length > 1 || best.score < answer) decision = 'clarify';
    const evidence: ConfidenceEvidence = { score: round(best.score), margin: round(best.score - (ranked[1]?.score ?? 0)), coverage: round(best.nameCoverage ?? 0), ...message };
    const calibration = this.deps.calibration;
    const probability = calibration?.probability(evidence);
    const confidence = probability !== undefined ? round(probability) : undefined;
    const followUp = hits.followUp ? { followUp: hits.followUp } : {};
    const calibrated = confidence !== undefined ? { confidence, evidence } : { evidence };
    // Answered outright only when the calibrated probability reaches the precision threshold: in
    // between, one yes/no confirmation of the best candidate; below, the question is routed.
    const thresholds = calibration?.thresholdsFor(evidence);
    const single = close.length === 1;
    if (thresholds && probability !== undefined && single && probability < thresholds.answerAt) {
      if (probability < thresholds.confirmAt) {
        return { ...base, intent: 'procedure', decision: 'abstain', best: null, alternatives: [this.candidate(best)], ...calibrated };
      }
      return { ...base, intent: 'procedure', decision: 'clarify', best: this.candidate(best), alternatives: [this.candidate(best)], ...followUp, ...calibrated };
    }
    const alternatives = (decision === 'clarify' ? close : ranked.slice(1, 4)).map((r) => this.candidate(r));
    return { ...base, intent: 'procedure', decision, best: this.candidate(best), alternatives, ...followUp, ...calibrated };
  }

  /** A dossier or tracking code in the message: a lookup whatever else it says. */
  private hasCode(query: AnalyzedQuery): boolean {
    return DOSSIER_CODE.test(query.cleaned) || TRACKING_CODE.test(query.cleaned);
  }

  private detectIntent(query: AnalyzedQuery, hits: SignalHits, ranked: ScoredDoc[]): Intent {
    if (this.hasCode(query)) return 'track';
    const { classifierWeight, patternBonus, retrievalBonus, cueBonus } = this.params.decision;
    const probs = this.classifier.probabilities(query.normalized);
    const evidence = (intent: Intent) => classifierWeight * Math.log(Math.max(probs.get(intent) ?? 0, 1e-9));
    let bestIntent: Intent = 'procedure';
    let bestScore = evidence('procedure') + retrievalBonus * (ranked[0]?.score ?? 0) + cueBonus * Math.min(hits.cues, 2);
    // A person is offered only on an explicit wish ("cho tôi gặp tổng đài viên"), never on a hunch: when
    // the classifier alone leans to handoff, only intents with a phrase in the message compete.
    const handoffHunch = hits.intents.handoff === 0 && [...probs].every(([intent, p]) => p <= (probs.get('handoff') ?? 0) || intent === 'handoff');
    for (const intent of SIGNAL_INTENTS) {
      if (intent === 'handoff' ? hits.intents.handoff === 0 : handoffHunch && hits.intents[intent] === 0) continue;
      const score = evidence(intent) + patternBonus * Math.min(hits.intents[intent], 3);
      if (score > bestScore) {
        bestScore = score;
        bestIntent = intent;
      }
    }
    return bestIntent;
  }
}
