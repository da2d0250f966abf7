import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ConsoleAuth } from '../core/console-auth.js';
import type { NewsBroadcasts } from '../core/news-broadcast.js';
import { NEWS_LIST_MAX, type NewsDraft, type NewsEditor, type NewsReport } from '../core/news-editor.js';
import type { NewsBroadcast, NewsItem, NewsTopic } from '../domain/news.js';
import { createConsoleSession, requireRole } from './console-session.js';
import { parseInput, pathId } from './parse-input.js';

/**
 * Portal news in the console (issue 12), mounted under /api/v1/news, every route behind the console
 * session (cookie) and, for POSTs and DELETEs, the X-CSRF-Token check (console-session.ts); the JSON body
 * parser is the API's shared one (app.ts):
 *
 *   GET    /topics                       {topics: [{id, name}]}
 *   GET    /items?status=published|scheduled&topic=&limit=50   newest first (scheduled: soonest first)
 *   POST   /items {title, summary?, link?, topics, urgency, publishAt?, versions?}   coordinator/admin → 201 {item}
 *   GET    /items/:id                    {item}
 *   DELETE /items/:id                    cancels a scheduled item (coordinator/admin) → 204
 *   POST   /preview {the same draft}     {preview: per channel} (coordinator/admin)
 *   GET    /items/:id/report             {report: {itemId, total, byStatus, waiting, byChannel, failures}}
 *   GET    /items/:id/report.csv         the same as CSV (UTF-8 with BOM, Vietnamese header, CRLF)
 *   POST   /items/:id/broadcast          coordinator/admin: 202 {broadcast} started, 200 {broadcast} already was
 *   GET    /items/:id/broadcast          {broadcast: null | …}
 */

export interface NewsRouterDeps {
  auth: Pick<ConsoleAuth, 'authenticate'>;
  editor: NewsEditor;
  broadcasts: Pick<NewsBroadcasts, 'request' | 'get'>;
  topics: readonly NewsTopic[];
  secureCookies: boolean;
}

const LIST_LIMIT_DEFAULT = 50;
const idSchema = z.string().min(1).max(100).regex(/^[A-Za-z0-9_:.-]+$/);
const listQuerySchema = z.object({
  topic: z.string().trim().min(1).max(100).optional(),
  status: z.enum(['published', 'scheduled']).default('published'),
  limit: z.coerce.number().int().min(1).max(NEWS_LIST_MAX).default(LIST_LIMIT_DEFAULT),
});
const versionSchema = z.object({ title: z.string().max(1000), summary: z.string().max(5000).optional() }).strict();
const draftSchema = z
  .object({
    title: z.string().max(1000),
    summary: z.string().max(5000).optional(),
    link: z.string().max(5000).optional(),
    topics: z.array(z.string().max(100)).min(1).max(50),
    urgency: z.enum(['normal', 'critical']).default('normal'),
    publishAt: z.iso.datetime({ offset: true }).optional(),
    versions: z.object({ km: versionSchema.optional(), en: versionSchema.optional() }).strict().optional(),
  })
  .strict();
const DRAFT_SHAPE =
  'body: expected {"title": string, "summary"?: string, "link"?: string, "topics": [string], "urgency"?: "normal"|"critical", "publishAt"?: ISO date-time, "versions"?: {"km"?: {"title", "summary"?}, "en"?: {…}}}';

/** The report's CSV: one row per channel and a total, then the failures by code (Vietnamese, for the province's staff in Excel). */
export const NEWS_REPORT_CSV_HEADER = ['Mã tin', 'Kênh', 'Tổng', 'Đang gửi', 'Đã gửi', 'Lỗi', 'Chờ', 'Giữ lại (giờ yên tĩnh)'];

const CHANNEL_LABELS: Record<string, string> = { zalo: 'Zalo', messenger: 'Messenger', webchat: 'Cổng thông tin (widget)', webpush: 'Thông báo trình duyệt' };

function itemId(req: Request): string {
  return pathId(req, idSchema, { code: 'NEWS.NOT_FOUND', message: 'No news item with this id.' });
}

function toDraft(body: z.infer<typeof draftSchema>): NewsDraft {
  return {
    title: body.title,
    topics: body.topics,
    urgency: body.urgency,
    ...(body.summary !== undefined && { summary: body.summary }),
    ...(body.link !== undefined && { link: body.link }),
    ...(body.publishAt !== undefined && { publishAt: new Date(body.publishAt) }),
    ...(body.versions !== undefined && {
      versions: {
        ...(body.versions.km && { km: { title: body.versions.km.title, ...(body.versions.km.summary !== undefined && { summary: body.versions.km.summary }) } }),
        ...(body.versions.en && { en: { title: body.versions.en.title, ...(body.versions.en.summary !== undefined && { summary: body.versions.en.summary }) } }),
      },
    }),
  };
}

/** An item as the API shows it (no editor account id). */
export function newsItemJson(item: NewsItem) {
  return {
    id: item.id,
    title: item.title,
    ...(item.link !== undefined && { link: item.link }),
    ...(item.summary !== undefined && { summary: item.summary }),
    topics: item.topics,
    urgency: item.urgency,
    publishedAt: item.publishedAt.toISOString(),
    status: item.status === 'scheduled' ? 'scheduled' : 'published',
    source: item.source.kind,
    ...(item.source.kind === 'feed' && { sourceUrl: item.source.url }),
    ...(item.versions !== undefined && { versions: item.versions }),
  };
}

function broadcastJson(b: NewsBroadcast) {
  return {
    itemId: b.itemId,
    state: b.state,
    requestedBy: { username: b.requestedBy.username },
    requestedAt: b.requestedAt.toISOString(),
    target: b.target,
    ...(b.articleId !== undefined && { articleId: b.articleId }),
    ...(b.messageId !== undefined && { messageId: b.messageId }),
    steps: b.steps.map((s) => ({ step: s.step, at: s.at.toISOString(), outcome: s.outcome })),
    ...(b.error !== undefined && { error: b.error }),
  };
}

const csvField = (value: string | number): string => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export function newsReportCsv(report: NewsReport): string {
  const row = (label: string, t: NewsReport['byStatus']) => [report.itemId, label, t.queued + t.sent + t.failed + t.waiting + t.quiet, t.queued, t.sent, t.failed, t.waiting, t.quiet];
  const rows: (string | number)[][] = [NEWS_REPORT_CSV_HEADER];
  for (const [channel, tally] of Object.entries(report.byChannel)) rows.push(row(CHANNEL_LABELS[channel] ?? channel, tally));
  rows.push(row('Tất cả', report.byStatus));
  if (report.failures.length > 0) {
    rows.push([], ['Mã tin', 'Kênh', 'Mã lỗi', 'Số lượng']);
    for (const f of report.failures) rows.push([report.itemId, CHANNEL_LABELS[f.channel] ?? f.channel, f.code, f.count]);
  }
  return '\uFEFF' + rows.map((line) => line.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function createNewsRouter(deps: NewsRouterDeps): Router {
  const router = Router();
  router.use(createConsoleSession(deps));
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/topics', (_req, res) => {
    res.json({ topics: deps.topics.map((t) => ({ id: t.id, name: t.name })) });
  });

  router.get('/items', async (req, res) => {
    const query = parseInput(listQuerySchema, req.query, 'query');
    const items = await deps.editor.list(req.console!.account, { limit: query.limit, status: query.status, ...(query.topic !== undefined && { topic: query.topic }) });
    res.json({ items: items.map(newsItemJson) });
  });

  router.post('/items', requireRole('coordinator', 'admin'), async (req, res) => {
    const body = parseInput(draftSchema, req.body ?? {}, DRAFT_SHAPE);
    const item = await deps.editor.write(req.console!.account, toDraft(body));
    res.status(201).json({ item: newsItemJson(item) });
  });

  router.get('/items/:id', async (req, res) => {
    res.json({ item: newsItemJson(await deps.editor.get(req.console!.account, itemId(req))) });
  });

  router.delete('/items/:id', requireRole('coordinator', 'admin'), async (req, res) => {
    await deps.editor.cancel(req.console!.account, itemId(req));
    res.status(204).end();
  });

  router.post('/preview', requireRole('coordinator', 'admin'), (req, res) => {
    const body = parseInput(draftSchema, req.body ?? {}, DRAFT_SHAPE);
    res.json({ preview: deps.editor.preview(req.console!.account, toDraft(body)) });
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

  router.post('/items/:id/broadcast', requireRole('coordinator', 'admin'), async (req, res) => {
    const { broadcast, created } = await deps.broadcasts.request(req.console!.account, itemId(req));
    res.status(created ? 202 : 200).json({ broadcast: broadcastJson(broadcast) });
  });

  router.get('/items/:id/broadcast', async (req, res) => {
    const broadcast = await deps.broadcasts.get(req.console!.account, itemId(req));
    res.json({ broadcast: broadcast ? broadcastJson(broadcast) : null });
  });

  return router;
}
