import type { Request, Response } from 'express';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

/**
 * A static text file kept in memory in three encodings, compressed once at start-up with the strongest
 * settings (brotli 11, gzip 9): the widget's script is fetched by every page of every portal that embeds
 * it, so it should neither cost CPU per request nor ship at the middleware's per-request level (brotli 4).
 * The `compression` middleware leaves these responses alone (they already carry Content-Encoding).
 */
export interface CompressedAsset {
  type: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

export function compressAsset(body: Buffer | string, type: string): CompressedAsset {
  const identity = Buffer.from(body);
  return {
    type,
    identity,
    gzip: gzipSync(identity, { level: 9 }),
    br: brotliCompressSync(identity, {
      params: {
        [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
        [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
        [zlib.BROTLI_PARAM_SIZE_HINT]: identity.length,
      },
    }),
  };
}

/**
 * Sends brotli when the client accepts it, else gzip, else the plain bytes (browsers list gzip first but
 * all of them take brotli over HTTPS; `br;q=0` is honoured), with `Vary: Accept-Encoding` so shared caches
 * keep one copy per encoding. express computes the ETag from the bytes sent, so each encoding has its own
 * validator and If-None-Match still answers 304.
 */
export function sendAsset(req: Request, res: Response, asset: CompressedAsset, cacheControl: string): void {
  const encoding = req.acceptsEncodings('br') ? 'br' : req.acceptsEncodings('gzip') ? 'gzip' : 'identity';
  res.vary('Accept-Encoding').type(asset.type).set('Cache-Control', cacheControl);
  if (encoding === 'br' || encoding === 'gzip') {
    res.set('Content-Encoding', encoding).send(asset[encoding]);
    return;
  }
  res.send(asset.identity);
}
