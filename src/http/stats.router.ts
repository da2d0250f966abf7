import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ConsoleAuth } from '../core/console-auth.js';
import { statisticsCsv, STATS_DIMENSIONS, type Statistics, type StatisticsQuery } from '../core/statistics.js';
import type { Account } from '../domain/account.js';
import { AppError } from '../domain/errors.js';
import type { StatsCopy } from '../domain/copy/types.js';
import { createConsoleSession } from './console-session.js';
import { commaSeparated } from './query-params.js';

/**
 * Statistics for provincial reports, mounted under /api/v1, behind the console session:
 *
 *   GET /stats?from=YYYY-MM&to=YYYY-MM&groupBy=month,agency,channel   JSON {from, to, groupBy, rows}
 *   GET /stats.csv?…same…                                             CSV (UTF-8 with BOM, Vietnamese header, agency names)
 *
 * Staff see only their own agency's rows (ticket figures: inbound messages, calls and operator stretches
 * have no agency); every other role (coordinators, hotline operators, admins, and any role added later)
 * sees every agency. Definitions of the figures: src/core/statistics.ts.
 */

export interface StatsRouterDeps {
  auth: Pick<ConsoleAuth, 'authenticate'>;
  statistics: Statistics;
  labels: StatsCopy;
  /** The agency's name for its id (core/agency-names.ts), for the CSV's agency column; the id when absent. */
  agencyName?: (agencyId: string) => string;
  secureCookies: boolean;
}

/** Staff are restricted to their agency; every other role reads the whole report. */
function restrictedAgency(account: Pick<Account, 'role' | 'agencyId'>): string | undefined {
  if (account.role !== 'staff') return undefined;
  if (!account.agencyId) throw new AppError('AUTH.FORBIDDEN', 'This account has no agency');
  return account.agencyId;
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
  const agencyId = restrictedAgency(req.console!.account);
  const groupBy = parsed.data.groupBy ?? [...STATS_DIMENSIONS];
  return {
    from: parsed.data.from,
    to: parsed.data.to,
    groupBy,
    ...(agencyId !== undefined && { agencyId }),
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
      .send(statisticsCsv(rows, deps.labels, deps.agencyName ? { agencyName: deps.agencyName } : {}));
  });

  return router;
}
