import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ConsoleAuth } from '../core/console-auth.js';
import { statisticsCsv, STATS_DIMENSIONS, type Statistics, type StatisticsQuery } from '../core/statistics.js';
import { AppError } from '../domain/errors.js';
import type { StatsCopy } from '../domain/copy/types.js';
import { createConsoleSession } from './console-session.js';
import { commaSeparated } from './query-params.js';

/**
 * Statistics for provincial reports, mounted under /api/v1, behind the console session:
 *
 *   GET /stats?from=YYYY-MM&to=YYYY-MM&groupBy=month,agency,channel   JSON {from, to, groupBy, rows}
 *   GET /stats.csv?…same…                                             CSV (UTF-8 with BOM, Vietnamese header)
 *
 * Coordinators and admins see every agency; staff see only their own agency's rows (ticket figures:
 * inbound messages have no agency). Definitions of the figures: src/core/statistics.ts.
 */

export interface StatsRouterDeps {
  auth: Pick<ConsoleAuth, 'authenticate'>;
  statistics: Statistics;
  labels: StatsCopy;
  secureCookies: boolean;
}

const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
const querySchema = z.object({
  from: monthSchema,
  to: monthSchema,
  groupBy: commaSeparated(STATS_DIMENSIONS, 100).optional(),
});

function statsQuery(req: Request): StatisticsQuery {
  const parsed = querySchema.safeParse(req.query);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))];
    throw new AppError('HTTP.BAD_REQUEST', 'Invalid query: expected from=YYYY-MM&to=YYYY-MM[&groupBy=month,agency,channel]', { details: { fields } });
  }
  const account = req.console!.account;
  const groupBy = parsed.data.groupBy ?? [...STATS_DIMENSIONS];
  if (account.role === 'staff' && !account.agencyId) throw new AppError('AUTH.FORBIDDEN', 'This account has no agency');
  return {
    from: parsed.data.from,
    to: parsed.data.to,
    groupBy,
    ...(account.role === 'staff' && { agencyId: account.agencyId! }),
  };
}

export function createStatsRouter(deps: StatsRouterDeps): Router {
  const router = Router();
  const session = createConsoleSession(deps);

  router.get('/stats', session, async (req, res) => {
    const query = statsQuery(req);
    const rows = await deps.statistics.computeStatistics(query);
    res.set('Cache-Control', 'no-store').json({ from: query.from, to: query.to, groupBy: query.groupBy, rows });
  });

  router.get('/stats.csv', session, async (req, res) => {
    const query = statsQuery(req);
    const rows = await deps.statistics.computeStatistics(query);
    res
      .set('Cache-Control', 'no-store')
      .set('Content-Type', 'text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="thong-ke-1022-${query.from}-${query.to}.csv"`)
      .send(statisticsCsv(rows, deps.labels));
  });

  return router;
}
