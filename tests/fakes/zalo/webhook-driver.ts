import { bigId, messageId, zaloMac } from './sign.js';

/**
 * Plays Zalo's side of the webhook (platforms.md §1.7): builds realistic events (ids as strings above
 * 2^53, timestamp as a string), signs them exactly like Zalo, POSTs them, and can redeliver the same
 * bytes (Zalo's delivery is at-least-once).
 */

export interface ZaloWebhookDriverOptions {
  /** Where to POST; only needed for deliver/redeliver. */
  url?: string;
  appId: string;
  oaId: string;
  oaSecretKey: string;
  /** Header form: `mac=<hex>` (documented, default) or a bare hex digest. */
  signatureFormat?: 'mac' | 'bare';
  /** Put `app_id` in the body (default true); without it the receiver must use its configured app id. */
  includeAppId?: boolean;
  /** Write 16+ digit ids as bare JSON numbers, to test that nothing turns them into lossy floats. */
  unquotedIds?: boolean;
  /** Clock for `timestamp` (epoch ms). */
  now?: () => number;
}

/** One signed request, ready to (re)send byte for byte. */
export interface ZaloDelivery {
  event: Record<string, unknown>;
  /** The exact body bytes, as text. */
  raw: string;
  headers: Record<string, string>;
}

export interface UserEventOptions {
  msgId?: string;
  userIdByApp?: string;
  quoteMsgId?: string;
  timestamp?: string;
}

export class ZaloWebhookDriver {
  readonly options: ZaloWebhookDriverOptions;

  constructor(options: ZaloWebhookDriverOptions) {
    this.options = options;
  }

  /** A fresh citizen id (19 digits, above 2^53). */
  static newUserId(): string {
    return bigId();
  }

  text(userId: string, text: string, opts: UserEventOptions = {}): ZaloDelivery {
    return this.userEvent('user_send_text', userId, { text }, opts);
  }

  image(userId: string, url: string, opts: UserEventOptions & { caption?: string } = {}): ZaloDelivery {
    return this.userEvent(
      'user_send_image',
      userId,
      { ...(opts.caption ? { text: opts.caption } : {}), attachments: [{ type: 'image', payload: { thumbnail: url, url } }] },
      opts,
    );
  }

  file(userId: string, file: { url: string; name: string; size: number; type: string }, opts: UserEventOptions = {}): ZaloDelivery {
    return this.userEvent(
      'user_send_file',
      userId,
      { attachments: [{ type: 'file', payload: { url: file.url, name: file.name, size: String(file.size), type: file.type, checksum: 'abc' } }] },
      opts,
    );
  }

  sticker(userId: string, stickerId: string, url: string, opts: UserEventOptions = {}): ZaloDelivery {
    return this.userEvent('user_send_sticker', userId, { attachments: [{ type: 'sticker', payload: { id: stickerId, url } }] }, opts);
  }

  location(userId: string, latitude: string, longitude: string, opts: UserEventOptions = {}): ZaloDelivery {
    return this.userEvent('user_send_location', userId, { attachments: [{ type: 'location', payload: { coordinates: { latitude, longitude } } }] }, opts);
  }

  link(userId: string, url: string, title: string, opts: UserEventOptions = {}): ZaloDelivery {
    return this.userEvent(
      'user_send_link',
      userId,
      { text: url, attachments: [{ type: 'link', payload: { url, title, description: '', thumbnail: '' } }] },
      opts,
    );
  }

  follow(userId: string, opts: { timestamp?: string; source?: string } = {}): ZaloDelivery {
    return this.build({
      ...this.appIdField(),
      oa_id: this.options.oaId,
      user_id_by_app: bigId(),
      event_name: 'follow',
      timestamp: opts.timestamp ?? this.timestamp(),
      source: opts.source ?? 'oa_profile',
      follower: { id: userId },
    });
  }

  unfollow(userId: string, opts: { timestamp?: string } = {}): ZaloDelivery {
    return this.build({
      ...this.appIdField(),
      oa_id: this.options.oaId,
      user_id_by_app: bigId(),
      event_name: 'unfollow',
      timestamp: opts.timestamp ?? this.timestamp(),
      source: 'oa_profile',
      follower: { id: userId },
    });
  }

  submitInfo(userId: string, info: Record<string, unknown>, opts: UserEventOptions = {}): ZaloDelivery {
    return this.build({
      ...this.appIdField(),
      user_id_by_app: opts.userIdByApp ?? bigId(),
      event_name: 'user_submit_info',
      timestamp: opts.timestamp ?? this.timestamp(),
      sender: { id: userId },
      recipient: { id: this.options.oaId },
      info,
    });
  }

  /** Our own message echoed back (sender = the OA). */
  echo(userId: string, text: string, opts: UserEventOptions = {}): ZaloDelivery {
    return this.build({
      ...this.appIdField(),
      user_id_by_app: bigId(),
      event_name: 'oa_send_text',
      timestamp: opts.timestamp ?? this.timestamp(),
      sender: { id: this.options.oaId, admin_id: bigId() },
      recipient: { id: userId },
      message: { msg_id: opts.msgId ?? messageId(), text },
    });
  }

  seen(userId: string, msgIds: string[], opts: { timestamp?: string } = {}): ZaloDelivery {
    return this.build({
      ...this.appIdField(),
      event_name: 'user_seen_message',
      timestamp: opts.timestamp ?? this.timestamp(),
      sender: { id: this.options.oaId },
      recipient: { id: userId },
      message: { msg_ids: msgIds },
    });
  }

  /** Signs any event object (its `timestamp` field must be set). */
  build(event: Record<string, unknown>): ZaloDelivery {
    let raw = JSON.stringify(event);
    if (this.options.unquotedIds) raw = raw.replace(/"(\d{16,})"/g, '$1');
    const timestamp = String(event.timestamp);
    const mac = zaloMac(this.options.appId, raw, timestamp, this.options.oaSecretKey);
    return {
      event,
      raw,
      headers: {
        'Content-Type': 'application/json',
        'X-ZEvent-Signature': this.options.signatureFormat === 'bare' ? mac.slice(4) : mac,
      },
    };
  }

  /** POSTs a delivery; resolves with the receiver's status and body text. */
  async deliver(delivery: ZaloDelivery): Promise<{ status: number; body: string }> {
    if (!this.options.url) throw new Error('ZaloWebhookDriver: no url configured');
    const response = await fetch(this.options.url, { method: 'POST', headers: delivery.headers, body: delivery.raw });
    return { status: response.status, body: await response.text() };
  }

  /** Sends the very same bytes and headers again, as Zalo does when it did not get a 200 in time. */
  redeliver(delivery: ZaloDelivery): Promise<{ status: number; body: string }> {
    return this.deliver(delivery);
  }

  private userEvent(eventName: string, userId: string, message: Record<string, unknown>, opts: UserEventOptions): ZaloDelivery {
    return this.build({
      ...this.appIdField(),
      user_id_by_app: opts.userIdByApp ?? bigId(),
      event_name: eventName,
      timestamp: opts.timestamp ?? this.timestamp(),
      sender: { id: userId },
      recipient: { id: this.options.oaId },
      message: { msg_id: opts.msgId ?? messageId(), ...message, ...(opts.quoteMsgId ? { quote_msg_id: opts.quoteMsgId } : {}) },
    });
  }

  private appIdField(): Record<string, string> {
    return this.options.includeAppId === false ? {} : { app_id: this.options.appId };
  }

  private timestamp(): string {
    return String((this.options.now ?? Date.now)());
  }
}
