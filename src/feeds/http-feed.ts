import { FeedError, type FeedFetch, type FeedValidators, type NewsSource } from '../ports/news-source.js';
import { parseFeed } from './parse-feed.js';

/**
 * The portal feeds over HTTP (issue 12; implements ports/news-source): one conditional GET per poll
 * with Node's global fetch. The previous answer's `ETag` and `Last-Modified` go back as `If-None-Match`
 * and `If-Modified-Since`, so an unchanged feed answers 304 and is not parsed. Bounded: the whole
 * exchange (headers and body) must finish within `timeoutMs` (AbortSignal.timeout), and a body over
 * `maxBytes` (after decompression) is abandoned. Failures are FeedError with a code: `network`,
 * `timeout`, `http` (with the status), `too-large`, `not-a-feed`.
 */

export interface HttpFeedOptions {
  /** Whole request, headers and body (default 15 s). */
  timeoutMs?: number;
  /** Body size cap in bytes, after decompression (default 5 MB). */
  maxBytes?: number;
  /** Sent as User-Agent, so portal operators can tell who polls them. */
  userAgent?: string;
  /** Injected for tests; Node's global fetch by default. */
  fetch?: typeof fetch;
}

export const DEFAULT_FEED_TIMEOUT_MS = 15_000;
export const DEFAULT_FEED_MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_USER_AGENT = 'TroLy1022-News/0.1 (+1022 provincial hotline; portal news)';
const ACCEPT = 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

export function createHttpFeedSource(options: HttpFeedOptions = {}): NewsSource {
  const timeoutMs = options.timeoutMs ?? DEFAULT_FEED_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_FEED_MAX_BYTES;
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const doFetch = options.fetch ?? fetch;

  return {
    async fetchFeed(url: string, validators: FeedValidators): Promise<FeedFetch> {
      const headers: Record<string, string> = { accept: ACCEPT, 'user-agent': userAgent };
      if (validators.etag) headers['if-none-match'] = validators.etag;
      if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const response = await doFetch(url, { headers, signal, redirect: 'follow' });
        if (response.status === 304) {
          await response.body?.cancel().catch(() => undefined);
          return { status: 'not-modified' };
        }
        if (!response.ok) {
          await response.body?.cancel().catch(() => undefined);
          throw new FeedError('http', `The feed answered HTTP ${response.status}`, url, response.status);
        }
        const body = await readCapped(response, maxBytes, url);
        const entries = parseFeed(decode(body, response.headers.get('content-type')), url);
        const etag = response.headers.get('etag') ?? undefined;
        const lastModified = response.headers.get('last-modified') ?? undefined;
        return { status: 'ok', ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}), entries };
      } catch (error) {
        throw asFeedError(error, url, signal);
      }
    },
  };
}

/** The body, refused (and the download stopped) as soon as it passes `maxBytes`. */
async function readCapped(response: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  const tooLarge = () => new FeedError('too-large', `The feed is larger than ${maxBytes} bytes`, url, response.status);
  // A compressed length over the cap means a larger body still: refuse before downloading.
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

/** Bytes → text in the charset of Content-Type, else of the XML declaration, else UTF-8 (a BOM wins). */
function decode(body: Uint8Array, contentType: string | null): string {
  const head = new TextDecoder('latin1').decode(body.subarray(0, 200));
  const label = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1] ?? /<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(label).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

/** Whatever went wrong, as a FeedError with its code; the cause is kept for debugging, never logged whole. */
function asFeedError(error: unknown, url: string, signal: AbortSignal): FeedError {
  if (error instanceof FeedError) return error;
  const name = (error as { name?: string } | undefined)?.name;
  if (signal.aborted || name === 'TimeoutError' || name === 'AbortError') {
    return new FeedError('timeout', 'The feed did not answer in time', url, undefined, { cause: error });
  }
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  const detail = cause?.code ? ` (${cause.code})` : '';
  return new FeedError('network', `The feed could not be reached${detail}`, url, undefined, { cause: error });
}
