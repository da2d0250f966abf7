import { createHash } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { Publishing } from '../core/publishing.js';
import { AppError } from '../domain/errors.js';
import type { PublishedAnswer } from '../domain/publication.js';

/**
 * The public Q&A (issue 4), no account needed:
 *
 *   GET /api/v1/qa?field=Hộ tịch&limit=100   JSON { entries: [{ id, field?, agencyId, agencyName, question, answer, publishedAt }] }
 *   GET /hoi-dap?field=…                      server-rendered Vietnamese page, entries grouped by field
 *
 * Entries carry masked, editor-approved text only: no ticket id, tracking code, conversation, contact
 * or approving account. Every text is HTML-escaped on the page (the CSP forbids inline script anyway).
 */

export interface QaRouterDeps {
  publishing: Pick<Publishing, 'listPublic'>;
  /** The agency's display name; the id when unknown. */
  agencyName: (agencyId: string) => string;
}

const LIMIT_MAX = 500;
const OTHER_FIELD = 'Lĩnh vực khác';

const querySchema = z.object({
  field: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(LIMIT_MAX).default(200),
});

export interface PublicQaEntry {
  id: string;
  field?: string;
  agencyId: string;
  agencyName: string;
  question: string;
  answer: string;
  publishedAt: string;
}

export function toPublicEntry(entry: PublishedAnswer, agencyName: (id: string) => string): PublicQaEntry {
  return {
    // A stable public id that does not reveal the ticket id.
    id: createHash('sha256').update(entry.id).digest('hex').slice(0, 16),
    ...(entry.field !== undefined ? { field: entry.field } : {}),
    agencyId: entry.agencyId,
    agencyName: agencyName(entry.agencyId),
    question: entry.question,
    answer: entry.answer,
    publishedAt: entry.publishedAt.toISOString(),
  };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Entries grouped by field, fields in Vietnamese alphabetical order, "other" last; entries keep their order. */
export function groupByField(entries: PublicQaEntry[]): Array<{ field: string; entries: PublicQaEntry[] }> {
  const groups = new Map<string, PublicQaEntry[]>();
  for (const e of entries) {
    const key = e.field ?? OTHER_FIELD;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const fields = [...groups.keys()].sort((a, b) => (a === OTHER_FIELD ? 1 : b === OTHER_FIELD ? -1 : a.localeCompare(b, 'vi')));
  return fields.map((field) => ({ field, entries: groups.get(field)! }));
}

const dateVi = (iso: string): string => {
  const d = new Date(iso);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
};

export function renderQaPage(entries: PublicQaEntry[], field?: string): string {
  const groups = groupByField(entries);
  const body =
    groups.length === 0
      ? '<p class="qa-empty">Chưa có câu hỏi nào được công khai.</p>'
      : groups
          .map(
            (g) =>
              `<section class="qa-field"><h2>${escapeHtml(g.field)}</h2>\n` +
              g.entries
                .map(
                  (e) =>
                    `<article class="qa-entry"><h3>Hỏi: ${escapeHtml(e.question)}</h3>` +
                    `<p class="qa-answer"><strong>Trả lời của ${escapeHtml(e.agencyName)}:</strong> ${escapeHtml(e.answer).replace(/\n/g, '<br>')}</p>` +
                    `<p class="qa-date">Công khai ngày ${dateVi(e.publishedAt)}</p></article>`,
                )
                .join('\n') +
              '</section>',
          )
          .join('\n');
  const title = field ? `Hỏi đáp – ${escapeHtml(field)}` : 'Hỏi đáp với cơ quan nhà nước';
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/assets/demo.css">
</head>
<body>
<main>
<h1>${title}</h1>
<p>Các câu hỏi của người dân đã được cơ quan trả lời và công khai với sự đồng ý của người hỏi. Thông tin cá nhân đã được lược bỏ.</p>
${field ? '<p><a href="/hoi-dap">Xem tất cả lĩnh vực</a></p>' : ''}
${body}
</main>
</body>
</html>
`;
}

export function createQaRouter(deps: QaRouterDeps): Router {
  const router = Router();

  const load = async (rawQuery: unknown): Promise<{ entries: PublicQaEntry[]; field?: string }> => {
    const parsed = querySchema.safeParse(rawQuery);
    if (!parsed.success) throw new AppError('HTTP.BAD_REQUEST', 'Invalid query', { details: { fields: [...new Set(parsed.error.issues.map((i) => i.path.join('.')))] } });
    const { field, limit } = parsed.data;
    const list = await deps.publishing.listPublic({ limit, ...(field !== undefined ? { field } : {}) });
    return { entries: list.map((e) => toPublicEntry(e, deps.agencyName)), ...(field !== undefined ? { field } : {}) };
  };

  router.get('/api/v1/qa', async (req, res) => {
    const { entries } = await load(req.query);
    res.set('Cache-Control', 'public, max-age=60');
    res.json({ entries });
  });

  router.get('/hoi-dap', async (req, res) => {
    const { entries, field } = await load(req.query);
    res.set('Cache-Control', 'public, max-age=60');
    res.type('html').send(renderQaPage(entries, field));
  });

  return router;
}
