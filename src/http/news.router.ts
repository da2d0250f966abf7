import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ConsoleAuth } from '../core/console-auth.js';
import { NEWS_LIST_MAX, type NewsEditor, type NewsReport } from '../core/news-editor.js';
import type { NewsItem } from '../domain/news.js';
import { createConsoleSession, requireRole } from './console-session.js';
import { parseInput, pathId } from './parse-input.js';

/**
 * Portal news in the console (issue 12), mounted under /api/v1/news, every route behind the console
 * session (cookie) and, for POSTs, the X-CSRF-Token check (console-session.ts); the JSON body parser is
 * the API's shared one (app.ts):
 *
 *   GET  /items?topic=&limit=50        the latest items, newest first (any console role)
 *   POST /items {title, summary?, link?, topics, urgency}   coordinator/admin → 201 {item}, pushed to subscribers
 *   GET  /items/:id/report             {report: {itemId, sent, waiting: {window, cap}, quiet}}
 *   GET  /items/:id/report.csv         the same as CSV (UTF-8 with BOM, Vietnamese header, CRLF)
 */

export interface NewsRouterDeps {
  auth: Pick<ConsoleAuth, 'authenticate'>;
  editor: NewsEditor;
  secureCookies: boolean;
}

const LIST_LIMIT_DEFAULT = 50;
const idSchema = z.string().min(1).max(100).regex(/^[A-Za-z0-9_:.-]+$/);
const listQuerySchema = z.object({
  topic: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(NEWS_LIST_MAX).default(LIST_LIMIT_DEFAULT),
});
const writeSchema = z
  .object({
    title: z.string().max(1000),
    summary: z.string().max(5000).optional(),
    link: z.string().max(5000).optional(),
    topics: z.array(z.string().max(100)).min(1).max(50),
    urgency: z.enum(['normal', 'critical']).default('normal'),
  })
  .strict();

/** The report's CSV header row (Vietnamese, for the province's staff in Excel). */
export const NEWS_REPORT_CSV_HEADER = ['Mã tin', 'Đã gửi', 'Chờ (ngoài khung trả lời)', 'Chờ (đủ giới hạn ngày)', 'Giữ lại (giờ yên tĩnh)'];

function itemId(req: Request): string {
  return pathId(req, idSchema, { code: 'NEWS.NOT_FOUND', message: 'No news item with this id.' });
}

/** An item as the API shows it (no editor account id, no feed URL). */
export function newsItemJson(item: NewsItem) {
  return {
    id: item.id,
    title: item.title,
    ...(item.link !== undefined && { link: item.link }),
    ...(item.summary !== undefined && { summary: item.summary }),
    topics: item.topics,
    urgency: item.urgency,
    publishedAt: item.publishedAt.toISOString(),
    source: item.source.kind,
  };
}

const csvField = (value: string | number): string => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export function newsReportCsv(report: NewsReport): string {
  const row = [report.itemId, report.sent, report.waiting.window, report.waiting.cap, report.quiet];
  return '\uFEFF' + [NEWS_REPORT_CSV_HEADER, row].map((line) => line.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function createNewsRouter(deps: NewsRouterDeps): Router {
  const router = Router();
  router.use(createConsoleSession(deps));
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/items', async (req, res) => {
    const query = parseInput(listQuerySchema, req.query, 'query');
    const items = await deps.editor.list(req.console!.account, { limit: query.limit, ...(query.topic !== undefined && { topic: query.topic }) });
    res.json({ items: items.map(newsItemJson) });
  });

  router.post('/items', requireRole('coordinator', 'admin'), async (req, res) => {
    const body = parseInput(writeSchema, req.body ?? {}, 'body: expected {"title": string, "summary"?: string, "link"?: string, "topics": [string], "urgency"?: "normal"|"critical"}');
    const item = await deps.editor.write(req.console!.account, {
      title: body.title,
      topics: body.topics,
      urgency: body.urgency,
      ...(body.summary !== undefined && { summary: body.summary }),
      ...(body.link !== undefined && { link: body.link }),
    });
    res.status(201).json({ item: newsItemJson(item) });
  });

  router.get('/items/:id/report', async (req, res) => {
    res.json({ report: await deps.editor.report(req.console!.account, itemId(req)) });
  });

  router.get('/items/:id/report.csv', async (req, res) => {
    const report = await deps.editor.report(req.console!.account, itemId(req));
    res
      .set('Content-Type', 'text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="bao-cao-tin-${report.itemId.replace(/[^A-Za-z0-9_.-]/g, '_')}.csv"`)
      .send(newsReportCsv(report));
  });

  return router;
}
