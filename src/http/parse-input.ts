import type { Request } from 'express';
import type { z } from 'zod';
import { AppError, type ErrorCode } from '../domain/errors.js';

/** A request part checked against its schema: 400 HTTP.BAD_REQUEST naming the bad fields (never their values). */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))];
    throw new AppError('HTTP.BAD_REQUEST', `Invalid ${what}`, { details: { fields } });
  }
  return parsed.data;
}

/** The `:id` path parameter; a malformed id cannot name anything, so it gets the same 404 as an unknown one. */
export function pathId(req: Request, schema: z.ZodType<string>, notFound: { code: ErrorCode; message: string }): string {
  const parsed = schema.safeParse(req.params['id']);
  if (!parsed.success) throw new AppError(notFound.code, notFound.message);
  return parsed.data;
}
