import { describe, expect, it } from 'vitest';
import { CONVERSATION_CLASSES } from '../../src/cli/conversation-checks.js';
import { FLOORS, formatFailures, runConversationEval } from '../../src/cli/eval-conversations.js';

/**
 * The multi-turn evaluation (issue 9, item 11): both conversation sets played through the real system
 * (embedded mode, the widget's HTTP API, the real flows and brain). The share of conversations passing
 * every step must reach the floors: golden ≥ 95 %, holdout ≥ 90 %. The floors are the issue's; never
 * lower them to make this pass (fix the behaviour, or the golden case if it is wrong).
 */
describe('multi-turn conversation evaluation', () => {
  it(
    'passes the floors on the golden and the holdout set, every class covered',
    async () => {
      const report = await runConversationEval({ sets: ['golden', 'holdout'] });
      const golden = report.summary['golden']!;
      const holdout = report.summary['holdout']!;
      for (const summary of [golden, holdout]) {
        expect(Object.keys(summary.byClass).sort()).toEqual([...CONVERSATION_CLASSES].sort());
      }
      // Golden failures in full; the holdout only by class, so nobody tunes on its conversations.
      const failures = formatFailures(report.results.filter((r) => r.set === 'golden'));
      const byClass = Object.entries(holdout.byClass)
        .map(([c, t]) => `${c} ${t.passing}/${t.conversations}`)
        .join(', ');
      const figures = `golden ${(golden.total.share * 100).toFixed(1)} %, holdout ${(holdout.total.share * 100).toFixed(1)} % (${byClass})`;
      expect(golden.total.share, `${figures}\n${failures}`).toBeGreaterThanOrEqual(FLOORS.golden);
      expect(holdout.total.share, figures).toBeGreaterThanOrEqual(FLOORS.holdout);
    },
    240_000,
  );
});
