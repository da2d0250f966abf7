import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import { z } from 'zod';
import type { Publishing } from '../core/publishing.js';
import type { Copy } from '../domain/copy/types.js';
import { vi } from '../domain/copy/vi.js';
import { AppError } from '../domain/errors.js';
import type { PublishedAnswer } from '../domain/publication.js';
import { renderQaPage } from './qa-page/render.js';

const PAGE_DIR = fileURLToPath(new URL('./qa-page/', import.meta.url));

/**
 * The public Q&A (issue 4, issue 9), no account needed:
 *
 *   GET /api/v1/qa?field=Hộ tịch&q=khai sinh&limit=100   JSON { entries: [{ id, field?, agencyId, agencyName, question, answer, publishedAt }] }
 *   GET /hoi-dap?field=…&q=…                              server-rendered Vietnamese page: portal look, fields with counts,
 *                                                          search (GET form, accents ignored), entries grouped by field
 *   GET /hoi-dap/assets/qa.css                            the page's own styles (on top of the portal's /assets/demo.css)
 *
 * Entries carry redacted, editor-approved text only: no ticket id, tracking code, conversation, contact
 * or approving account. Every text is HTML-escaped on the page (the CSP forbids inline script anyway).
 */

export interface QaRouterDeps {
  publishing: Pick<Publishing, 'listPublic' | 'browsePublic'>;
  /** The agency's display name; the id when unknown. */
  agencyName: (agencyId: string) => string;
  /** The page's language; Vietnamese unless the composition root passes another copy. */
  copy?: Pick<Copy, 'qa'>;
}

const LIMIT_MAX = 500;

const querySchema = z.object({
  field: z.string().trim().min(1).max(200).optional(),
  q: z.string().trim().max(200).optional(),
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

/** A stable public id that does not reveal the ticket id. */
export function publicEntryId(entryId: string): string {
  return createHash('sha256').update(entryId).digest('hex').slice(0, 16);
}

export function toPublicEntry(entry: PublishedAnswer, agencyName: (id: string) => string): PublicQaEntry {
  return {
    id: publicEntryId(entry.id),
    ...(entry.field !== undefined ? { field: entry.field } : {}),
    agencyId: entry.agencyId,
    agencyName: agencyName(entry.agencyId),
    question: entry.question,
    answer: entry.answer,
    publishedAt: entry.publishedAt.toISOString(),
  };
}

function parseQuery(raw: unknown): z.infer<typeof querySchema> {
  const parsed = querySchema.safeParse(raw);
  if (!parsed.success) throw new AppError('HTTP.BAD_REQUEST', 'Invalid query', { details: { fields: [...new Set(parsed.error.issues.map((i) => i.path.join('.')))] } });
  return parsed.data;
}

export function createQaRouter(deps: QaRouterDeps): Router {
  const copy = (deps.copy ?? vi).qa;
  const router = Router();

  router.get('/api/v1/qa', async (req, res) => {
    const { field, q, limit } = parseQuery(req.query);
    const list = await deps.publishing.listPublic({ limit, ...(field !== undefined && { field }), ...(q ? { q } : {}) });
    res.set('Cache-Control', 'public, max-age=60');
    res.json({ entries: list.map((e) => toPublicEntry(e, deps.agencyName)) });
  });

  router.get('/hoi-dap', async (req, res) => {
    const { field: fieldParam, q, limit } = parseQuery(req.query);
    // "Lĩnh vực khác" (the page's own label) lists the entries without a field, unless a field has that name.
    let field: string | null | undefined = fieldParam;
    let page = await deps.publishing.browsePublic({ limit, ...(field !== undefined && { field }), ...(q ? { q } : {}) });
    if (fieldParam === copy.otherField && page.total === 0 && !page.fields.some((f) => f.field === fieldParam)) {
      field = null;
      page = await deps.publishing.browsePublic({ limit, field, ...(q ? { q } : {}) });
    }
    res.set('Cache-Control', 'public, max-age=60');
    res.type('html').send(
      renderQaPage(copy, {
        entries: page.entries.map((e) => toPublicEntry(e, deps.agencyName)),
        total: page.total,
        fields: page.fields,
        ...(field !== undefined && { field }),
        ...(q ? { q } : {}),
      }),
    );
  });

  // Only the stylesheet: the folder also holds the renderer's source.
  router.get('/hoi-dap/assets/qa.css', (_req, res) => {
    res.sendFile('qa.css', { root: PAGE_DIR, maxAge: '1h' });
  });

  return router;
}
