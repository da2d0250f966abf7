/**
 * Counting what the fake platforms answered against what the citizens asked, shared by the fault tests
 * (issue 14): one definition of "lost", "duplicated" and "out of order" for every row of the fault report.
 */
import type { FakeZalo } from '../fakes/zalo/fake-zalo.js';
import { answersAt, procedureOf } from '../integration/system-harness.js';

/** One citizen: the procedures its questions name, in the order asked, and the procedures its answers named, in the order the platform got them. */
export interface CitizenAnswers {
  /** The procedure of each question the system accepted, in the order asked. */
  expected: readonly string[];
  /** The procedure of each answer the platform got (`procedureOf`: '?' for an answer naming none or several), in the order sent. */
  got: readonly string[];
}

export interface AnswerTally {
  /** Questions without their answer: per procedure, the questions naming it beyond the answers naming it. */
  lost: number;
  /**
   * Answers beyond one per question: per procedure, the answers naming it beyond the questions naming it,
   * strays included (an answer whose procedure no question of that citizen named, '?' among them, counts
   * whole). With distinct questions: `got.length` − the number of distinct asked procedures answered.
   */
  duplicated: number;
  /** Citizens whose answers are not exactly `expected`, in that order (so a lost or duplicated answer counts here too). */
  outOfOrder: number;
  /** Every answer the platform got for these citizens, duplicates and strays included. */
  answered: number;
}

/** Counts, over all citizens, the questions left unanswered, the answers beyond one per question, and the citizens not answered exactly in order. */
export function tallyAnswers(citizens: readonly CitizenAnswers[]): AnswerTally {
  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let answered = 0;
  for (const c of citizens) {
    /** Per procedure: answers got minus questions asked. */
    const balance = new Map<string, number>();
    for (const p of c.expected) balance.set(p, (balance.get(p) ?? 0) - 1);
    for (const p of c.got) balance.set(p, (balance.get(p) ?? 0) + 1);
    for (const n of balance.values()) {
      if (n < 0) lost -= n;
      else duplicated += n;
    }
    if (c.got.length !== c.expected.length || c.got.some((p, i) => p !== c.expected[i])) outOfOrder++;
    answered += c.got.length;
  }
  return { lost, duplicated, outOfOrder, answered };
}

/** Answers got, at most one per question asked, over all citizens: what the tests wait on while a fault heals. */
export function answeredCount(citizens: readonly CitizenAnswers[]): number {
  return citizens.reduce((n, c) => n + Math.min(c.expected.length, c.got.length), 0);
}

/** What the fake Zalo OA shows for each citizen (its user id and questions), in the shape the counts above take. */
export function zaloAnswers(fake: FakeZalo, citizens: readonly { userId: string; questions: readonly { procedure: string }[] }[]): CitizenAnswers[] {
  return citizens.map((c) => ({ expected: c.questions.map((q) => q.procedure), got: answersAt(fake, c.userId).map(procedureOf) }));
}
