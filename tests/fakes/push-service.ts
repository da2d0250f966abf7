import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, randomUUID, verify, type ECDH } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A local Web Push service (what FCM, Mozilla autopush, WNS or Apple run) that checks what real ones
 * check, so the sender is tested against the protocol rather than against itself:
 *
 * - VAPID (RFC 8292): `Authorization: vapid t=<JWT>, k=<public key>`; the JWT is ES256, signed by the
 *   key `k`, with `aud` = the endpoint's origin, `exp` in the future and at most 24 h ahead, and a
 *   `sub` (mailto: or https:). A wrong signature or claim → 401 (403 when `requireKey` is set and `k`
 *   is another key: what a push service answers after the sender changed its VAPID keys).
 * - RFC 8030: a `TTL` header is required (400 without); `Urgency` must be one of very-low, low, normal,
 *   high; `Topic` at most 32 URL-safe base64 characters.
 * - RFC 8291/8188: `Content-Encoding: aes128gcm`; the body (at most 4096 bytes, else 413) is decrypted
 *   with the private key and auth secret of the subscription this service created, as a browser does.
 *
 * Subscriptions are made here (`createSubscription`: an endpoint on this server and the browser-side keys);
 * accepted messages are kept decrypted in `messages`; anything refused is in `rejections`. `respond`
 * scripts failures (410, 404, 429 with Retry-After, 500…) for one endpoint or all, a number of times.
 */

export interface FakePushSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushMessage {
  subscriptionId: string;
  endpoint: string;
  ttl: number;
  urgency: string;
  topic?: string;
  /** The decrypted payload as text (JSON for our sender). */
  text: string;
  vapid: { aud: string; exp: number; sub: string; publicKey: string };
  at: Date;
}

interface Scripted {
  status: number;
  retryAfter?: string;
  /** How many more requests get this answer (Infinity: until cleared). */
  times: number;
}

const URGENCIES = new Set(['very-low', 'low', 'normal', 'high']);
const MAX_BODY = 4096;

const b64url = (buf: Buffer): string => buf.toString('base64url');

export class FakePushService {
  readonly messages: PushMessage[] = [];
  readonly rejections: { subscriptionId: string; status: number; reason: string }[] = [];
  /** Every request seen (accepted, scripted or refused), with the answer given. */
  readonly requests: { subscriptionId: string; status: number; topic?: string }[] = [];
  /** When set, a token signed by another key is answered 403. */
  requireKey: string | undefined;
  private server: Server | undefined;
  private base = '';
  private readonly subscriptions = new Map<string, { ecdh: ECDH; publicKey: Buffer; auth: Buffer; endpoint: string; gone: boolean }>();
  private readonly scripts = new Map<string, Scripted>();

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The origin (`http://127.0.0.1:<port>`), as WEB_PUSH_ALLOWED_HOSTS must list it. */
  get origin(): string {
    return this.base;
  }

  /** A browser's subscription on this service: the endpoint and the keys the browser would give. */
  createSubscription(): FakePushSubscription {
    const id = randomUUID();
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const publicKey = ecdh.getPublicKey();
    const auth = randomBytes(16);
    const endpoint = `${this.base}/push/${id}`;
    this.subscriptions.set(id, { ecdh, publicKey, auth, endpoint, gone: false });
    return { id, endpoint, keys: { p256dh: b64url(publicKey), auth: b64url(auth) } };
  }

  /** The subscription is gone from now on (410), as after the browser unsubscribed or expired it. */
  expire(endpoint: string): void {
    const sub = this.subscriptions.get(this.idOf(endpoint));
    if (sub) sub.gone = true;
  }

  /** Answers `status` (with Retry-After when given) to the next `times` requests for `endpoint` ('*': any). */
  respond(endpoint: string | '*', status: number, options: { retryAfter?: string; times?: number } = {}): void {
    this.scripts.set(endpoint === '*' ? '*' : this.idOf(endpoint), { status, times: options.times ?? Infinity, ...(options.retryAfter !== undefined && { retryAfter: options.retryAfter }) });
  }

  clearResponses(): void {
    this.scripts.clear();
  }

  messagesFor(endpoint: string): PushMessage[] {
    const id = this.idOf(endpoint);
    return this.messages.filter((m) => m.subscriptionId === id);
  }

  /** The payload of a message parsed as our sender writes it. */
  static payload(message: PushMessage): { title: string; body: string; url: string; tag: string } {
    return JSON.parse(message.text) as { title: string; body: string; url: string; tag: string };
  }

  private idOf(endpoint: string): string {
    return endpoint.slice(endpoint.lastIndexOf('/') + 1);
  }

  private refuse(res: ServerResponse, subscriptionId: string, status: number, reason: string, topic?: string): void {
    this.rejections.push({ subscriptionId, status, reason });
    this.requests.push({ subscriptionId, status, ...(topic && { topic }) });
    res.writeHead(status, { 'content-type': 'text/plain' }).end(reason);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const match = /^\/push\/([0-9a-f-]{36})$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) return void res.writeHead(404).end();
    const id = match[1]!;
    const sub = this.subscriptions.get(id);
    const topic = header(req, 'topic');

    const scripted = this.scripts.get(id) ?? this.scripts.get('*');
    if (scripted && scripted.times > 0) {
      scripted.times--;
      this.requests.push({ subscriptionId: id, status: scripted.status, ...(topic && { topic }) });
      res.writeHead(scripted.status, scripted.retryAfter !== undefined ? { 'retry-after': scripted.retryAfter } : {}).end();
      return;
    }
    if (!sub) return this.refuse(res, id, 404, 'no such subscription', topic);
    if (sub.gone) return this.refuse(res, id, 410, 'subscription expired', topic);

    // VAPID (RFC 8292).
    const auth = /^vapid t=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header(req, 'authorization') ?? '');
    if (!auth) return this.refuse(res, id, 401, 'missing or malformed vapid authorization', topic);
    const [jwt, k] = [auth[1]!, auth[2]!];
    const vapid = checkJwt(jwt, k, new URL(sub.endpoint).origin);
    if (typeof vapid === 'string') return this.refuse(res, id, 401, vapid, topic);
    if (this.requireKey && k !== this.requireKey) return this.refuse(res, id, 403, 'token signed by another key than the subscription was made with', topic);

    // RFC 8030 headers.
    const ttl = header(req, 'ttl');
    if (ttl === undefined || !/^\d+$/.test(ttl)) return this.refuse(res, id, 400, 'TTL header required', topic);
    const urgency = header(req, 'urgency') ?? 'normal';
    if (!URGENCIES.has(urgency)) return this.refuse(res, id, 400, 'bad urgency', topic);
    if (topic !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(topic)) return this.refuse(res, id, 400, 'bad topic', topic);

    // RFC 8291 payload.
    if (header(req, 'content-encoding') !== 'aes128gcm') return this.refuse(res, id, 415, 'content-encoding must be aes128gcm', topic);
    if (body.length > MAX_BODY) return this.refuse(res, id, 413, 'payload too large', topic);
    let text: string;
    try {
      text = decrypt(body, sub.ecdh, sub.publicKey, sub.auth);
    } catch (err) {
      return this.refuse(res, id, 400, `payload does not decrypt: ${(err as Error).message}`, topic);
    }
    this.messages.push({ subscriptionId: id, endpoint: sub.endpoint, ttl: Number(ttl), urgency, ...(topic !== undefined && { topic }), text, vapid: { ...vapid, publicKey: k }, at: new Date() });
    this.requests.push({ subscriptionId: id, status: 201, ...(topic && { topic }) });
    res.writeHead(201, { location: `${this.base}/message/${randomUUID()}` }).end();
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The JWT's claims when valid for `audience`, else why not. */
function checkJwt(jwt: string, k: string, audience: string): { aud: string; exp: number; sub: string } | string {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  let head: { typ?: string; alg?: string };
  let claims: { aud?: unknown; exp?: unknown; sub?: unknown };
  try {
    head = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as typeof head;
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return 'jwt is not JSON';
  }
  if (head.alg !== 'ES256') return 'jwt alg must be ES256';
  const raw = Buffer.from(k, 'base64url');
  if (raw.length !== 65 || raw[0] !== 4) return 'k is not an uncompressed P-256 point';
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64url(raw.subarray(1, 33)), y: b64url(raw.subarray(33, 65)) }, format: 'jwk' });
  const signature = Buffer.from(s, 'base64url');
  if (signature.length !== 64 || !verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, signature)) return 'jwt signature invalid';
  if (claims.aud !== audience) return 'jwt aud is not the endpoint origin';
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= now) return 'jwt expired';
  if (claims.exp > now + 24 * 3600 + 60) return 'jwt exp more than 24 h ahead';
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) return 'jwt sub must be mailto: or https:';
  return { aud: claims.aud, exp: claims.exp, sub: claims.sub };
}

/** RFC 8291 (Web Push message encryption) over RFC 8188 aes128gcm, as the receiving browser does it. */
function decrypt(body: Buffer, ecdh: ECDH, uaPublic: Buffer, authSecret: Buffer): string {
  if (body.length < 21) throw new Error('too short');
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  const asPublic = body.subarray(21, 21 + idlen);
  const records = body.subarray(21 + idlen);
  if (idlen !== 65) throw new Error('keyid must be the sender public key');
  if (records.length > rs) throw new Error('more than one record');
  const shared = ecdh.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, authSecret, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(records.subarray(records.length - 16));
  const padded = Buffer.concat([decipher.update(records.subarray(0, records.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0 || padded[end] !== 2) throw new Error('bad padding delimiter');
  return padded.subarray(0, end).toString('utf8');
}
