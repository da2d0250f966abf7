import { hubSignature1, hubSignature256, metaJson, newMid, newPsid } from './sign.js';

/**
 * Plays Meta's side of the Messenger webhook (platforms.md §2.1–2.2, §2.5): builds realistic events
 * (`object: "page"`, entries per Page, `messaging` arrays, `m_…` mids, ms timestamps), encodes them the
 * way Meta does (escaped `/` and non-ASCII), signs them with X-Hub-Signature-256, POSTs them, redelivers
 * the same bytes, and performs the GET verification handshake.
 */

export interface MessengerWebhookDriverOptions {
  /** The webhook URL; only needed for deliver/redeliver/handshake. */
  url?: string;
  appSecret: string;
  pageId: string;
  /** Appears in echoes (`message.app_id`). */
  appId?: string;
  /** Also send the legacy `X-Hub-Signature: sha1=` header (default false; UNCONFIRMED whether Meta still does). */
  legacySha1?: boolean;
  /** Encode like Meta (`\/`, `\uXXXX`; default true) or as plain JSON.stringify. */
  metaEncoding?: boolean;
  /** Clock for timestamps (epoch ms). */
  now?: () => number;
}

/** One `messaging[]` item. */
export type MessagingItem = Record<string, unknown> & { sender: { id: string }; recipient: { id: string }; timestamp: number };

export interface EntrySpec {
  /** Default: the driver's Page. */
  pageId?: string;
  time?: number;
  messaging?: MessagingItem[];
  /** Events for a thread another app owns (handover protocol). */
  standby?: MessagingItem[];
}

/** One signed request, ready to (re)send byte for byte. */
export interface MessengerDelivery {
  body: { object: 'page'; entry: Record<string, unknown>[] };
  raw: string;
  headers: Record<string, string>;
}

export interface EventOptions {
  mid?: string;
  timestamp?: number;
}

export class MessengerWebhookDriver {
  readonly options: MessengerWebhookDriverOptions;

  constructor(options: MessengerWebhookDriverOptions) {
    this.options = options;
  }

  static newPsid(): string {
    return newPsid();
  }

  /* ------------------------------------------------------------------------------------------ */
  /* Events (one messaging item each)                                                           */
  /* ------------------------------------------------------------------------------------------ */

  text(psid: string, text: string, opts: EventOptions & { replyTo?: string } = {}): MessagingItem {
    return this.fromUser(psid, opts, { message: { mid: opts.mid ?? newMid(), text, ...(opts.replyTo ? { reply_to: { mid: opts.replyTo } } : {}) } });
  }

  /** A quick-reply tap: `text` = the button title, `quick_reply.payload` = our payload. */
  quickReply(psid: string, title: string, payload: string, opts: EventOptions = {}): MessagingItem {
    return this.fromUser(psid, opts, { message: { mid: opts.mid ?? newMid(), text: title, quick_reply: { payload } } });
  }

  /** A button/Get Started tap. `mid: null` builds a pre-v11.0 postback without one. */
  postback(psid: string, title: string, payload: string, opts: { mid?: string | null; timestamp?: number } = {}): MessagingItem {
    const mid = opts.mid === null ? undefined : (opts.mid ?? newMid());
    return this.fromUser(psid, opts.timestamp !== undefined ? { timestamp: opts.timestamp } : {}, { postback: { title, payload, ...(mid ? { mid } : {}) } });
  }

  attachments(psid: string, list: { type: string; url: string }[], opts: EventOptions = {}): MessagingItem {
    return this.fromUser(psid, opts, { message: { mid: opts.mid ?? newMid(), attachments: list.map((a) => ({ type: a.type, payload: { url: a.url } })) } });
  }

  /** A sticker during Meta's 2026 transition: an `image` with `sticker_id` and a `sticker` attachment. */
  sticker(psid: string, stickerId: number, url: string, opts: EventOptions = {}): MessagingItem {
    return this.fromUser(psid, opts, {
      message: {
        mid: opts.mid ?? newMid(),
        sticker_id: stickerId,
        attachments: [
          { type: 'image', payload: { url, sticker_id: stickerId } },
          { type: 'sticker', payload: { url, sticker_id: stickerId } },
        ],
      },
    });
  }

  /** Our own message echoed back (sender = the Page, `is_echo: true`). */
  echo(psid: string, text: string, opts: EventOptions = {}): MessagingItem {
    return {
      sender: { id: this.options.pageId },
      recipient: { id: psid },
      timestamp: opts.timestamp ?? this.now(),
      message: { mid: opts.mid ?? newMid(), is_echo: true, app_id: Number(this.options.appId ?? '1234567890123'), text },
    };
  }

  read(psid: string, watermark: number = this.now()): MessagingItem {
    return this.fromUser(psid, {}, { read: { watermark } });
  }

  delivery(psid: string, mids: string[], watermark: number = this.now()): MessagingItem {
    return this.fromUser(psid, {}, { delivery: { mids, watermark } });
  }

  reaction(psid: string, mid: string, emoji = '❤', action: 'react' | 'unreact' = 'react'): MessagingItem {
    return this.fromUser(psid, {}, { reaction: { reaction: 'love', emoji, action, mid } });
  }

  /* ------------------------------------------------------------------------------------------ */
  /* Envelopes                                                                                  */
  /* ------------------------------------------------------------------------------------------ */

  /** One entry for the driver's Page with these messaging items, encoded and signed. */
  envelope(...items: MessagingItem[]): MessengerDelivery {
    return this.entries([{ messaging: items }]);
  }

  /** Several entries (several Pages, or `standby` ones), encoded and signed. */
  entries(specs: EntrySpec[]): MessengerDelivery {
    const entry = specs.map((spec) => ({
      id: spec.pageId ?? this.options.pageId,
      time: spec.time ?? this.now(),
      ...(spec.messaging ? { messaging: spec.messaging } : {}),
      ...(spec.standby ? { standby: spec.standby } : {}),
    }));
    return this.sign({ object: 'page', entry });
  }

  /** Encodes and signs any body exactly like Meta. */
  sign(body: MessengerDelivery['body']): MessengerDelivery {
    const raw = this.options.metaEncoding === false ? JSON.stringify(body) : metaJson(body);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': 'facebookexternalua',
      'X-Hub-Signature-256': hubSignature256(this.options.appSecret, raw),
    };
    if (this.options.legacySha1) headers['X-Hub-Signature'] = hubSignature1(this.options.appSecret, raw);
    return { body, raw, headers };
  }

  /* ------------------------------------------------------------------------------------------ */
  /* Transport                                                                                  */
  /* ------------------------------------------------------------------------------------------ */

  /** POSTs a delivery; resolves with the receiver's status and body. */
  async deliver(delivery: MessengerDelivery): Promise<{ status: number; body: string }> {
    const response = await fetch(this.url(), { method: 'POST', headers: delivery.headers, body: delivery.raw });
    return { status: response.status, body: await response.text() };
  }

  /** The very same bytes and headers again, as Meta does after a non-2xx answer or a timeout. */
  redeliver(delivery: MessengerDelivery): Promise<{ status: number; body: string }> {
    return this.deliver(delivery);
  }

  /** Meta's retry behaviour in small: redeliver until a 2xx or `attempts` run out; returns every status. */
  async deliverWithRetries(delivery: MessengerDelivery, attempts = 3): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < attempts; i++) {
      const { status } = await this.deliver(delivery);
      statuses.push(status);
      if (status >= 200 && status < 300) break;
    }
    return statuses;
  }

  /** `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`, as the App Dashboard does on save. */
  async handshake(verifyToken: string, opts: { challenge?: string; mode?: string } = {}): Promise<{ status: number; body: string; challenge: string }> {
    const challenge = opts.challenge ?? String(Math.floor(Math.random() * 1e9) + 1e9);
    const url = new URL(this.url());
    url.searchParams.set('hub.mode', opts.mode ?? 'subscribe');
    url.searchParams.set('hub.verify_token', verifyToken);
    url.searchParams.set('hub.challenge', challenge);
    const response = await fetch(url, { method: 'GET', headers: { 'User-Agent': 'facebookplatform/1.0 (+http://developers.facebook.com)' } });
    return { status: response.status, body: await response.text(), challenge };
  }

  private fromUser(psid: string, opts: EventOptions, event: Record<string, unknown>): MessagingItem {
    return { sender: { id: psid }, recipient: { id: this.options.pageId }, timestamp: opts.timestamp ?? this.now(), ...event };
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private url(): string {
    if (!this.options.url) throw new Error('MessengerWebhookDriver: no url configured');
    return this.options.url;
  }
}
