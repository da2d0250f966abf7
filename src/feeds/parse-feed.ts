import { XMLParser } from 'fast-xml-parser';
import { VIETNAM_UTC_OFFSET_MS } from '../domain/working-days.js';
import { FeedError, type FeedEntry } from '../ports/news-source.js';

/**
 * RSS 2.0 and Atom 1.0 → FeedEntry[] (issue 12), with fast-xml-parser (lenient: the portals' CMSs do not
 * always write well-formed XML, so nothing is rejected that still has a recognisable feed inside).
 *
 * - RSS `rss/channel/item` (and RSS 1.0 `rdf:RDF/item`): guid (else link), title, link, description
 *   (else `content:encoded`), pubDate (else `dc:date`).
 * - Atom `feed/entry`: id (else the alternate link), title, `link rel="alternate"` (or without rel) href,
 *   summary (else content), published (else updated).
 * Titles and summaries become plain text: tags removed (scripts and styles with their content), HTML
 * entities decoded (numeric and the named ones Vietnamese CMSs write: `&agrave;`, `&ocirc;`, `&nbsp;`…),
 * white space collapsed, summaries cut at ~500 characters on a word boundary. An entry with neither an id
 * nor a link is skipped (nothing stable to recognise it by next time), as is one with no title and no
 * summary. Links are resolved against the feed URL and kept only when http(s).
 */

/** Summaries are cut to about this many characters (the push message and "tin mới" show a teaser). */
export const SUMMARY_MAX = 500;
const TITLE_MAX = 300;

// Text fields are kept raw (stopNodes) and unescaped here: parsed as XML, HTML inside them that is not
// escaped (Atom xhtml content, sloppy RSS) would lose the order of its text and tags.
const MARKUP_FIELDS = ['title', 'description', 'encoded', 'summary', 'content'];

const parser = new XMLParser({
  stopNodes: MARKUP_FIELDS.map((name) => `*.${name}`),
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => name === 'item' || name === 'entry' || name === 'link',
});

type Node = Record<string, unknown>;
const asNode = (value: unknown): Node | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Node) : undefined);
const list = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

/** The text content of a parsed node: a string, `#text` beside attributes, or nested (Atom xhtml) text. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(textOf).join(' ');
  const node = asNode(value);
  if (!node) return '';
  return Object.entries(node)
    .filter(([key]) => !key.startsWith('@_'))
    .map(([, child]) => textOf(child))
    .join(' ');
}

/** The first of these children that has text. */
function firstText(node: Node, ...names: string[]): string {
  for (const name of names) {
    for (const value of list(node[name])) {
      const text = textOf(value).trim();
      if (text) return text;
    }
  }
  return '';
}

/**
 * The HTML of a raw text field: CDATA sections verbatim, the rest XML-unescaped (so escaped HTML becomes
 * HTML); Atom `type="xhtml"` is markup already.
 */
function firstMarkup(node: Node, ...names: string[]): string {
  for (const name of names) {
    for (const value of list(node[name])) {
      const field = asNode(value);
      const raw = typeof value === 'string' ? value : textOf(field?.['#text']);
      if (!raw.trim()) continue;
      if (textOf(field?.['@_type']).toLowerCase() === 'xhtml') return raw;
      return raw
        .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
        .map((part) => (part.startsWith('<![CDATA[') ? part.slice(9, -3) : decodeEntities(part)))
        .join('');
    }
  }
  return '';
}

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…',
  lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„', laquo: '«', raquo: '»',
  copy: '©', reg: '®', trade: '™', deg: '°', middot: '·', bull: '•', times: '×', divide: '÷', szlig: 'ß',
  eth: 'ð', ETH: 'Ð', thorn: 'þ', THORN: 'Þ', aelig: 'æ', AElig: 'Æ', oslash: 'ø', Oslash: 'Ø', euro: '€',
  ordm: 'º', ordf: 'ª', sect: '§', para: '¶', shy: '', zwnj: '', zwj: '', lrm: '', rlm: '',
};
// The Latin-1 letters with marks (&agrave; &Ocirc; &atilde; &uuml; &ccedil; …), generated from their parts.
const MARKS: Record<string, string> = { grave: '\u0300', acute: '\u0301', circ: '\u0302', tilde: '\u0303', uml: '\u0308', ring: '\u030A', cedil: '\u0327' };
for (const base of 'aeiouycnAEIOUYCN') {
  for (const [name, mark] of Object.entries(MARKS)) {
    const letter = (base + mark).normalize('NFC');
    if (letter.length === 1) NAMED[`${base}${name}`] = letter;
  }
}

/** Decodes HTML character references: numeric ones and the named ones above; unknown ones stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z][a-z0-9]{1,31});/gi, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref] ?? whole;
  });
}

/** HTML (or plain text) → one line of plain text, NFC, cut at `max` characters on a word boundary with "…". */
export function htmlToText(html: string, max = SUMMARY_MAX): string {
  const text = decodeEntities(
    html
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<(script|style|iframe|noscript)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      // Inline tags join their text ("<b>mưa</b>." → "mưa."); any other tag separates words.
      .replace(/<\/?(?:a|b|i|u|s|em|strong|span|font|small|big|sub|sup|abbr|mark|code)\b[^>]*>/gi, '')
      .replace(/<[^>]*>/g, ' '),
  )
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .normalize('NFC');
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:–-]+$/, '')}…`;
}

const pad = (n: string | undefined): number => Number(n ?? 0);

/**
 * A feed date as the portals write it: RFC 822 (`Mon, 07 Dec 2026 08:00:00 +0700`), ISO 8601, or
 * Vietnamese `dd/mm/yyyy [HH:MM[:SS]]`. A time without a zone is Vietnam time (UTC+7), never the server's.
 * Undefined when unreadable.
 */
export function parseFeedDate(value: string | undefined): Date | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (vn) {
    const [day, month] = [pad(vn[1]), pad(vn[2])];
    if (day < 1 || day > 31 || month < 1 || month > 12) return undefined;
    return valid(new Date(Date.UTC(pad(vn[3]), month - 1, day, pad(vn[4]), pad(vn[5]), pad(vn[6])) - VIETNAM_UTC_OFFSET_MS));
  }
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (iso) {
    if (iso[7]) return valid(new Date(text.replace(' ', 'T')));
    return valid(new Date(Date.UTC(pad(iso[1]), pad(iso[2]) - 1, pad(iso[3]), pad(iso[4]), pad(iso[5]), pad(iso[6])) - VIETNAM_UTC_OFFSET_MS));
  }
  // RFC 822 / 2822; without a zone, JavaScript would read the server's local time: say Vietnam's.
  const zoned = /(?:[+-]\d{4}|\b(?:GMT|UTC?|Z|[ECMP][SD]T))$/i.test(text) || !/\d{1,2}:\d{2}/.test(text) ? text : `${text} +0700`;
  return valid(new Date(zoned));
}

const valid = (date: Date): Date | undefined => (Number.isNaN(date.getTime()) ? undefined : date);

/** An absolute http(s) URL, resolved against the feed's own URL; undefined otherwise. */
function absoluteLink(href: string, base: string): string | undefined {
  if (!href) return undefined;
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The entry, or undefined when it has no stable id or nothing to show. */
function entry(guid: string, titleHtml: string, link: string | undefined, summaryHtml: string, date: string): FeedEntry | undefined {
  const id = guid.trim() || link;
  if (!id) return undefined;
  const summary = summaryHtml ? htmlToText(summaryHtml) : '';
  const title = (titleHtml ? htmlToText(titleHtml, TITLE_MAX) : '') || (summary ? htmlToText(summary, 120) : '');
  if (!title) return undefined;
  const publishedAt = parseFeedDate(date);
  return { guid: id, title, ...(link ? { link } : {}), ...(summary ? { summary } : {}), ...(publishedAt ? { publishedAt } : {}) };
}

function rssItems(items: unknown[], base: string): FeedEntry[] {
  const out: FeedEntry[] = [];
  for (const raw of items) {
    const item = asNode(raw);
    if (!item) continue;
    const link = absoluteLink(firstText(item, 'link'), base);
    const made = entry(firstText(item, 'guid'), firstMarkup(item, 'title'), link, firstMarkup(item, 'description', 'encoded', 'summary'), firstText(item, 'pubDate', 'date', 'published', 'updated'));
    if (made) out.push(made);
  }
  return out;
}

/** Atom: the `alternate` link (a link without rel is alternate), preferring text/html. */
function atomLink(entryNode: Node, base: string): string | undefined {
  const links = list(entryNode.link).map(asNode).filter((l): l is Node => l !== undefined);
  const alternates = links.filter((l) => (textOf(l['@_rel']) || 'alternate') === 'alternate');
  const best = alternates.find((l) => !l['@_type'] || /html/i.test(textOf(l['@_type']))) ?? alternates[0];
  return best ? absoluteLink(textOf(best['@_href']), base) : undefined;
}

function atomEntries(entries: unknown[], base: string): FeedEntry[] {
  const out: FeedEntry[] = [];
  for (const raw of entries) {
    const node = asNode(raw);
    if (!node) continue;
    const link = atomLink(node, base);
    const made = entry(firstText(node, 'id'), firstMarkup(node, 'title'), link, firstMarkup(node, 'summary', 'content'), firstText(node, 'published', 'updated'));
    if (made) out.push(made);
  }
  return out;
}

/**
 * The entries of an RSS 2.0 / RSS 1.0 / Atom document, in document order. Throws FeedError `not-a-feed`
 * when the text is no such document (an HTML error page, JSON, a broken file). `url` is the feed's own
 * address: relative links resolve against it, and it names the feed in the error.
 */
export function parseFeed(xml: string, url: string): FeedEntry[] {
  let doc: Node | undefined;
  try {
    doc = asNode(parser.parse(xml));
  } catch (error) {
    throw new FeedError('not-a-feed', 'The feed is not readable XML', url, undefined, { cause: error });
  }
  // An empty <channel/> or <feed/> parses as '' rather than an object: a feed with no entries yet.
  const rss = asNode(doc?.rss);
  if (rss && rss.channel !== undefined) return rssItems(list(asNode(rss.channel)?.item), url);
  const rdf = asNode(doc?.RDF);
  if (rdf && (rdf.channel !== undefined || rdf.item !== undefined)) return rssItems(list(rdf.item), url);
  if (doc?.feed !== undefined) return atomEntries(list(asNode(doc.feed)?.entry), url);
  throw new FeedError('not-a-feed', 'The document is neither RSS nor Atom', url);
}
