import type { Request, Response } from 'express';

/**
 * A Server-Sent Events stream on one response (the widget's and the operators' live events): headers
 * that keep proxies from buffering or transforming it, a comment every `heartbeatMs` so idle
 * connections stay open, and a client that stops reading disconnected once `maxBuffer` bytes wait.
 * `onClose` runs once, whichever side closed.
 */
export interface EventStreamOptions {
  heartbeatMs: number;
  maxBuffer: number;
  /** Called once before a stream whose client does not read it is destroyed. */
  onOverflow?: (buffered: number) => void;
  onClose: () => void;
}

export function openEventStream(req: Request, res: Response, options: EventStreamOptions): (chunk: string) => void {
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no', // nginx: do not buffer the stream
  });
  res.flushHeaders();
  res.write(': connected\n\n');
  let closed = false;
  const write = (chunk: string): void => {
    if (closed) return;
    res.write(chunk);
    if (res.writableLength > options.maxBuffer) {
      options.onOverflow?.(res.writableLength);
      res.destroy();
    }
  };
  const heartbeat = setInterval(() => write(': ping\n\n'), options.heartbeatMs);
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    options.onClose();
  };
  req.on('close', close);
  res.on('close', close);
  return write;
}

/** One SSE message; JSON.stringify escapes CR and LF, so the data is one line. */
export function sseMessage(data: unknown, id?: string): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: message\ndata: ${JSON.stringify(data)}\n\n`;
}
