import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal webhook receiver on an ephemeral port, standing in for our HTTP route in adapter tests: it
 * keeps the raw body, hands it to `handler`, and answers the status the handler returns.
 */

export interface SinkRequest {
  raw: Buffer;
  headers: IncomingHttpHeaders;
}

export class WebhookSink {
  readonly received: SinkRequest[] = [];
  url = '';
  private server: Server | undefined;

  constructor(private readonly handler: (request: SinkRequest) => number | Promise<number>) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const request = { raw: Buffer.concat(chunks), headers: req.headers };
        this.received.push(request);
        let status = 500;
        try {
          status = await this.handler(request);
        } catch {
          status = 500;
        }
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/zalo`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server?.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
