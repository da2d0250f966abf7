import { formatVietnamDate, isoVietnamDate } from '../../domain/dates.js';
import type { QaPageCopy } from '../../domain/copy/types.js';

/**
 * The public Q&A page (/hoi-dap), rendered on the server so it works without JavaScript: the demo
 * portal's masthead, navigation and footer (its stylesheet, /assets/demo.css, plus qa.css for what is
 * the page's own), a GET search form, the fields (lĩnh vực) with their counts as links, the entries
 * grouped by field, dates in Vietnam time (dd/mm/yyyy), and the 1022 widget embedded with the same
 * single script tag as the portal. Every text is HTML-escaped; the page has no inline script or style
 * (the CSP forbids both).
 */

export interface QaPageEntry {
  id: string;
  field?: string;
  agencyName: string;
  question: string;
  answer: string;
  publishedAt: string;
}

export interface QaPageModel {
  entries: QaPageEntry[];
  /** Entries matching the query (may exceed entries.length when limited). */
  total: number;
  /** Every field with its count, `null` = entries without a field. */
  fields: Array<{ field: string | null; count: number }>;
  /** The chosen field (`null` = "other"), absent for all. */
  field?: string | null;
  /** The search as typed, absent or empty for none. */
  q?: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

const byVietnamese = new Intl.Collator('vi');

/** Fields in Vietnamese alphabetical order, entries without a field ("other") last. */
export function sortFields<T extends { field: string | null }>(fields: readonly T[]): T[] {
  return [...fields].sort((a, b) => (a.field === null ? 1 : b.field === null ? -1 : byVietnamese.compare(a.field, b.field)));
}

/** Entries grouped by field, fields in Vietnamese alphabetical order, "other" last; entries keep their order. */
export function groupByField(entries: readonly QaPageEntry[]): Array<{ field: string | null; entries: QaPageEntry[] }> {
  const groups = new Map<string | null, QaPageEntry[]>();
  for (const e of entries) {
    const key = e.field ?? null;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return sortFields([...groups].map(([field, list]) => ({ field, entries: list })));
}

/** The page's own link for a field and a search (`null` field = "other"). */
export function qaHref(copy: QaPageCopy, field: string | null | undefined, q?: string): string {
  const params = new URLSearchParams();
  if (field !== undefined) params.set('field', field ?? copy.otherField);
  if (q) params.set('q', q);
  const query = params.toString();
  return query ? `/hoi-dap?${query}` : '/hoi-dap';
}

const EMBLEM =
  '<svg class="emblem" viewBox="0 0 64 64" aria-hidden="true" focusable="false">' +
  '<circle cx="32" cy="32" r="30" fill="#b3141c"/><circle cx="32" cy="32" r="26" fill="none" stroke="#f2c94c" stroke-width="2"/>' +
  '<path fill="#f2c94c" d="M32 14l4.7 14.4H52l-12.3 8.9 4.7 14.5L32 42.9l-12.4 8.9 4.7-14.5L12 28.4h15.3z"/></svg>';

function renderEntry(copy: QaPageCopy, e: QaPageEntry): string {
  const answer = escapeHtml(e.answer)
    .split(/\n{2,}/)
    .map((para) => `<p>${para.replace(/\n/g, '<br>')}</p>`)
    .join('');
  return (
    `<article class="qa-entry" id="hoi-${escapeHtml(e.id)}">` +
    `<h3><span class="qa-label">${escapeHtml(copy.question)}:</span> ${escapeHtml(e.question)}</h3>` +
    `<div class="qa-answer"><p class="qa-by">${escapeHtml(copy.answerBy(e.agencyName))}</p>${answer}</div>` +
    `<p class="qa-date">${escapeHtml(copy.publishedOn('\u0000')).replace('\u0000', `<time datetime="${isoVietnamDate(e.publishedAt)}">${formatVietnamDate(e.publishedAt)}</time>`)}</p>` +
    '</article>'
  );
}

function renderTopics(copy: QaPageCopy, model: QaPageModel): string {
  const all = model.fields.reduce((sum, f) => sum + f.count, 0);
  const item = (label: string, count: number, href: string, current: boolean): string =>
    `<li><a href="${escapeHtml(href)}"${current ? ' aria-current="page"' : ''}>${escapeHtml(label)} <span class="qa-count">(${escapeHtml(copy.topics.count(count))})</span></a></li>`;
  const q = model.q || undefined;
  return (
    `<nav class="qa-topics" aria-labelledby="qa-topics-title"><h2 id="qa-topics-title">${escapeHtml(copy.topics.title)}</h2><ul>` +
    item(copy.topics.all, all, qaHref(copy, undefined, q), model.field === undefined) +
    sortFields(model.fields)
      .map((f) => item(f.field ?? copy.otherField, f.count, qaHref(copy, f.field, q), model.field !== undefined && model.field === f.field))
      .join('') +
    '</ul></nav>'
  );
}

export function renderQaPage(copy: QaPageCopy, model: QaPageModel): string {
  const q = model.q?.trim() || undefined;
  const fieldLabel = model.field === undefined ? undefined : (model.field ?? copy.otherField);
  const title = fieldLabel !== undefined ? copy.titleField(fieldLabel) : copy.title;
  const groups = groupByField(model.entries);
  const summary = copy.summary({ count: model.total, ...(q !== undefined && { query: q }), ...(fieldLabel !== undefined && { field: fieldLabel }) });
  const results =
    model.entries.length === 0
      ? `<p class="qa-empty">${escapeHtml(q !== undefined || fieldLabel !== undefined ? copy.noResults : copy.empty)}</p>`
      : groups
          .map(
            (g, i) =>
              `<section class="card qa-field" aria-labelledby="qa-field-${i}"><h2 id="qa-field-${i}">${escapeHtml(g.field ?? copy.otherField)}</h2>\n` +
              g.entries.map((e) => renderEntry(copy, e)).join('\n') +
              '</section>',
          )
          .join('\n');
  const clear = q !== undefined || fieldLabel !== undefined ? ` <a href="/hoi-dap">${escapeHtml(copy.clearSearch)}</a>` : '';
  const fieldInput = model.field !== undefined ? `<input type="hidden" name="field" value="${escapeHtml(fieldLabel!)}">` : '';
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>${escapeHtml(title)} – ${escapeHtml(copy.siteTitle)}</title>
<meta name="description" content="${escapeHtml(copy.intro)}">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/demo.css">
<link rel="stylesheet" href="/hoi-dap/assets/qa.css">
</head>
<body>
<a class="skip" href="#noi-dung">${escapeHtml(copy.skipLink)}</a>
<header class="masthead">
<div class="demo-banner" role="note">${escapeHtml(copy.demoBanner)}</div>
<div class="wrap masthead-inner">
${EMBLEM}
<div class="masthead-text">
<p class="masthead-kicker">${escapeHtml(copy.siteKicker)}</p>
<p class="masthead-title">${escapeHtml(copy.siteTitle)} <span>${escapeHtml(copy.siteTitleNote)}</span></p>
</div>
<p class="hotline-chip">${escapeHtml(copy.hotline)} <strong>1022</strong></p>
</div>
<nav class="mainnav" aria-label="${escapeHtml(copy.nav.label)}">
<ul class="wrap">
<li><a href="/">${escapeHtml(copy.nav.home)}</a></li>
<li><a href="/hoi-dap"${fieldLabel === undefined && q === undefined ? ' aria-current="page"' : ''}>${escapeHtml(copy.nav.qa)}</a></li>
<li><a href="/" data-troly1022-lookup>${escapeHtml(copy.nav.lookup)}</a></li>
</ul>
</nav>
</header>
<main id="noi-dung" class="wrap layout qa-layout">
<div class="content">
<section class="hero" aria-labelledby="qa-title">
<h1 id="qa-title">${escapeHtml(title)}</h1>
<p>${escapeHtml(copy.intro)}</p>
<p class="qa-privacy">${escapeHtml(copy.privacyNote)}</p>
<form class="qa-search" role="search" action="/hoi-dap" method="get">
<label for="qa-q">${escapeHtml(copy.search.label)}</label>
<div class="lookup-row">
<input id="qa-q" name="q" type="search" maxlength="200" value="${escapeHtml(q ?? '')}" placeholder="${escapeHtml(copy.search.placeholder)}" aria-describedby="qa-q-hint">
${fieldInput}<button type="submit">${escapeHtml(copy.search.submit)}</button>
</div>
<p id="qa-q-hint" class="hint">${escapeHtml(copy.search.hint)}</p>
</form>
</section>
${renderTopics(copy, model)}
<p class="qa-summary">${escapeHtml(summary)}${clear}</p>
${results}
</div>
<aside class="sidebar" aria-labelledby="qa-ask-title">
<section class="card hotline-card">
<h2 id="qa-ask-title">${escapeHtml(copy.askTitle)}</h2>
<p>${escapeHtml(copy.askText)}</p>
<button type="button" class="hero-button" data-troly1022-open>${escapeHtml(copy.askButton)}</button>
<p><button type="button" class="link-button" data-troly1022-lookup>${escapeHtml(copy.lookupButton)}</button></p>
</section>
</aside>
</main>
<footer class="footer">
<div class="wrap">
<p><strong>${escapeHtml(copy.footerTitle)}</strong></p>
<p>${escapeHtml(copy.footerText)}</p>
<p>${escapeHtml(copy.footerHotline)}</p>
</div>
</footer>
<script src="/widget/widget.js" async></script>
</body>
</html>
`;
}
