import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { createLogger } from '../../src/logging/logger.js';
import type { Logger } from '../../src/ports/logger.js';

const PHONE = '0912 345 678';
const PHONE_DIGITS = /0912\s?345\s?678|912345678/;
const ID = '001203001234';
const EMAIL = 'nguyen.van.lan@gmail.com';
const TOKEN = 'zalo-access-token-abc123';

/** A logger writing into memory, and the parsed records written so far. */
function memoryLogger(level: 'info' | 'debug' = 'debug') {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ logLevel: level }, stream);
  const raw = (): string => chunks.join('');
  const records = (): Record<string, unknown>[] =>
    raw()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, raw, records };
}

function expectNoPii(output: string): void {
  expect(output).not.toMatch(PHONE_DIGITS);
  expect(output).not.toContain(ID);
  expect(output).not.toContain(EMAIL);
  expect(output).not.toContain(TOKEN);
}

describe('createLogger', () => {
  it('When a message contains a phone, an ID and an e-mail, then the record holds placeholders only', () => {
    // Arrange
    const { logger, raw, records } = memoryLogger();

    // Act
    logger.info(`citizen wrote: gọi ${PHONE}, CCCD ${ID}, mail ${EMAIL}`);

    // Assert
    expectNoPii(raw());
    expect(records()[0]?.msg).toBe('citizen wrote: gọi [phone], CCCD [id], mail [email]');
  });

  it('When nested fields and format arguments carry PII, then every string is masked', () => {
    // Arrange
    const { logger, raw, records } = memoryLogger();

    // Act
    logger.info({ turn: { text: `sđt ${PHONE}`, history: [`email ${EMAIL}`, { note: `CCCD ${ID}` }] } }, 'turn from %s', PHONE);

    // Assert
    expectNoPii(raw());
    expect(records()[0]).toMatchObject({
      msg: 'turn from [phone]',
      turn: { text: 'sđt [phone]', history: ['email [email]', { note: 'CCCD [id]' }] },
    });
  });

  it('When fields have sensitive names, then their values are censored entirely', () => {
    // Arrange
    const { logger, raw, records } = memoryLogger();
    const fields = {
      token: 'plain-token',
      access_token: TOKEN,
      refreshToken: 'refresh-xyz',
      password: 'hunter2',
      secret: 'shh',
      ZALO_APP_SECRET: 'app-secret',
      headers: { authorization: 'Bearer abc', cookie: 'sid=1', 'x-hub-signature-256': 'sha256=ff' },
      phone: PHONE,
      email: EMAIL,
      idNumber: ID,
      contact: { phoneNumber: 912345678 },
    };

    // Act
    logger.warn(fields, 'sensitive');

    // Assert
    expectNoPii(raw());
    for (const leaked of ['plain-token', 'refresh-xyz', 'hunter2', 'shh', 'app-secret', 'Bearer abc', 'sid=1', 'sha256=ff']) {
      expect(raw()).not.toContain(leaked);
    }
    expect(records()[0]).toMatchObject({
      token: '[redacted]',
      access_token: '[redacted]',
      password: '[redacted]',
      headers: { authorization: '[redacted]', cookie: '[redacted]', 'x-hub-signature-256': '[redacted]' },
      phone: '[redacted]',
      email: '[redacted]',
      idNumber: '[redacted]',
      contact: { phoneNumber: '[redacted]' },
    });
  });

  it('When a sensitive field only says set/unset or is boolean, then it is kept (start-up summary)', () => {
    const { logger, records } = memoryLogger();
    logger.info({ config: { accessToken: 'set', appSecret: 'unset', hasToken: true } }, 'summary');
    expect(records()[0]).toMatchObject({ config: { accessToken: 'set', appSecret: 'unset', hasToken: true } });
  });

  it('When an error is logged, then its message, stack, details and cause are masked', () => {
    // Arrange
    const { logger, raw, records } = memoryLogger();
    const cause = new Error(`upstream rejected ${EMAIL}`);
    const error = new AppError('CHANNEL.SEND_REJECTED', `cannot send to ${PHONE}`, { cause, details: { recipient: ID, email: EMAIL } });

    // Act
    logger.error({ err: error }, 'send failed');
    logger.error(new Error(`bare error for CCCD ${ID}`));

    // Assert
    expectNoPii(raw());
    const [first, second] = records();
    expect(first?.err).toMatchObject({
      type: 'AppError',
      code: 'CHANNEL.SEND_REJECTED',
      message: 'cannot send to [phone]',
      details: { recipient: '[id]', email: '[redacted]' },
      cause: { type: 'Error', message: 'upstream rejected [email]' },
    });
    expect(String((first?.err as { stack: string }).stack)).toContain('cannot send to [phone]');
    expect(second?.msg).toBe('bare error for CCCD [id]');
    expect(second?.err).toMatchObject({ type: 'Error', message: 'bare error for CCCD [id]' });
  });

  it('When a child logger has bindings with PII, then they are masked on every descendant', () => {
    // Arrange
    const { logger, raw, records } = memoryLogger();

    // Act
    logger.child({ conversation: `from ${PHONE}`, email: EMAIL }).child({ note: `CCCD ${ID}` }).info('turn');

    // Assert
    expectNoPii(raw());
    expect(records()[0]).toMatchObject({ conversation: 'from [phone]', email: '[redacted]', note: 'CCCD [id]', msg: 'turn' });
  });

  it('When an object is circular, then it is logged without throwing', () => {
    const { logger, records } = memoryLogger();
    const node: Record<string, unknown> = { name: 'a' };
    node.self = node;
    logger.info({ node }, 'circular');
    expect(records()[0]).toMatchObject({ node: { name: 'a', self: '[circular]' } });
  });

  it('When the level is info, then debug records are dropped', () => {
    const { logger, records } = memoryLogger('info');
    logger.debug('hidden');
    logger.info('shown');
    expect(records().map((r) => r.msg)).toEqual(['shown']);
    expect(records()[0]?.level).toBe('info');
  });

  it('When the pino logger is used through the Logger port, then it type-checks and writes', () => {
    const { logger, records } = memoryLogger();
    const port: Logger = logger;
    port.child({ requestId: 'r1' }).info({ path: '/healthz' }, 'via port');
    expect(records()[0]).toMatchObject({ requestId: 'r1', path: '/healthz', msg: 'via port' });
  });
});
