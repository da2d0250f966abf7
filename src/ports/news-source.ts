/**
 * The news source port (issue 12): what the news ingest needs from a portal's RSS 2.0 or Atom feed.
 * One conditional GET per poll: the validators of the previous answer (`ETag`, `Last-Modified`) go back
 * as `If-None-Match` / `If-Modified-Since`, so an unchanged feed costs a 304 and no parsing.
 * Implemented by src/feeds/http-feed.ts; core never sees HTTP or XML.
 */

/** One entry of a feed, normalised across RSS 2.0 (`item`) and Atom (`entry`). */
export interface FeedEntry {
  /** RSS `guid` (else `link`), Atom `id` (else the alternate link): stable across polls. */
  guid: string;
  /** Plain text (tags stripped, entities decoded). */
  title: string;
  /** Absolute http(s) URL of the item on the portal, when the feed gives one. */
  link?: string;
  /** Plain text, at most ~500 characters (HTML removed, entities decoded). */
  summary?: string;
  /** RSS `pubDate`, Atom `published` (else `updated`); absent when missing or unreadable. */
  publishedAt?: Date;
}

/** The validators of an earlier answer, sent back so an unchanged feed answers 304. */
export interface FeedValidators {
  etag?: string;
  lastModified?: string;
}

export type FeedFetch =
  | { status: 'not-modified' }
  | { status: 'ok'; etag?: string; lastModified?: string; entries: FeedEntry[] };

export interface NewsSource {
  /** GETs the feed conditionally; throws FeedError when it cannot give entries or a 304. */
  fetchFeed(url: string, validators: FeedValidators): Promise<FeedFetch>;
}

/**
 * Why a feed could not be read:
 * `network` (DNS, refused, reset, TLS), `timeout` (no complete answer in time), `http` (a status other
 * than 2xx/304; see `status`), `too-large` (the body passed the size cap), `not-a-feed` (the body is not
 * RSS 2.0 or Atom XML).
 */
export type FeedErrorCode = 'network' | 'timeout' | 'http' | 'too-large' | 'not-a-feed';

export class FeedError extends Error {
  constructor(
    readonly code: FeedErrorCode,
    message: string,
    /** The feed's URL (a public portal address, no personal data). */
    readonly url: string,
    /** HTTP status, when there was a response. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FeedError';
  }
}
