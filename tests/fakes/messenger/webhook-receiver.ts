import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InboundEvent } from '../../../src/domain/message.js';
import type { ChannelAdapter } from '../../../src/ports/channel.js';

/**
 * Stands in for the Messenger webhook route in adapter tests (style.md §3.5, inbound steps 1–3) on an
 * ephemeral port: GET → `adapter.handshake` (200 + challenge as text/plain, else 403); POST → `verify` over
 * the raw bytes (401 when it fails) → `parse` → dedupe on `externalId` → 200.
 */

export interface ReceivedRequest {
  method: string;
  raw: Buffer;
  headers: IncomingHttpHeaders;
  status: number;
}

export class MessengerWebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  /** Events accepted, deduplicated, in arrival order. */
  readonly events: InboundEvent[] = [];
  /** Events dropped as duplicates (a redelivery). */
  duplicates = 0;
  rejected = 0;
  url = '';
  private readonly seen = new Set<string>();
  private failures: number[] = [];
  private server: Server | undefined;

  constructor(private readonly adapter: Pick<ChannelAdapter, 'handshake' | 'verify' | 'parse'>) {}

  /** The next POSTs answer these statuses after accepting the events (as a router that crashed late would). */
  failNext(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const { status, body } = this.handle(req.method ?? 'GET', req.url ?? '/', raw, req.headers);
        this.received.push({ method: req.method ?? 'GET', raw, headers: req.headers, status });
        res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/messenger`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server?.listening) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(method: string, path: string, raw: Buffer, headers: IncomingHttpHeaders): { status: number; body: string } {
    if (method === 'GET') {
      const query = Object.fromEntries(new URL(path, 'http://local').searchParams);
      const challenge = this.adapter.handshake?.(query);
      return challenge === undefined ? { status: 403, body: 'Forbidden' } : { status: 200, body: challenge };
    }
    if (method !== 'POST') return { status: 405, body: '' };
    if (!this.adapter.verify(raw, headers)) {
      this.rejected++;
      return { status: 401, body: '' };
    }
    let events: InboundEvent[];
    try {
      events = this.adapter.parse(raw);
    } catch {
      return { status: 400, body: '' };
    }
    for (const event of events) {
      if (this.seen.has(event.externalId)) {
        this.duplicates++;
        continue;
      }
      this.seen.add(event.externalId);
      this.events.push(event);
    }
    const failure = this.failures.shift();
    return failure !== undefined ? { status: failure, body: '' } : { status: 200, body: 'EVENT_RECEIVED' };
  }
}
