import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { AppError } from '../domain/errors.js';

/**
 * Console passwords: scrypt (memory-hard, in node:crypto, no native add-on) in a self-describing
 * string, so parameters can be raised later and old hashes upgraded on the next successful login:
 *
 *   scrypt$<N>$<r>$<p>$<salt>$<hash>        salt and hash in base64url without padding
 *
 * Default cost N=2^15, r=8, p=1 (32 MiB per hash): about 80 ms on the 2-vCPU Xeon build machine
 * (median of 7, measured 2026 with Node 20.20; 2^16 took 170 ms). The hash runs on the libuv thread
 * pool, so it does not block the event loop.
 *
 * Policy: 10 to 128 characters, counted as Unicode code points after NFC normalization; any
 * characters, spaces included, nothing trimmed. Passwords are NFC-normalized before hashing, so a
 * Vietnamese password typed with a composing (Unikey "tổ hợp") keyboard and with a precomposed one
 * is the same password.
 */

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelization. */
  p: number;
  /** Derived key length in bytes, 32 to 64 (scrypt output is a prefix family: a shorter key is a truncation). */
  keyLength: number;
}

export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 15, r: 8, p: 1, keyLength: 32 });

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

const SALT_BYTES = 16;
/** Bounds on parameters read from a stored hash, so a corrupt or planted hash cannot exhaust memory. */
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_P = 16;
const B64URL = /^[A-Za-z0-9_-]+$/;
const DECIMAL = /^[1-9][0-9]{0,9}$/;

/** Code points after NFC: what the policy counts. */
function passwordLength(password: string): number {
  return [...password.normalize('NFC')].length;
}

/** Why the password breaks the policy, or undefined if it complies. */
export function passwordPolicyViolation(password: unknown): 'not_a_string' | 'too_short' | 'too_long' | undefined {
  if (typeof password !== 'string') return 'not_a_string';
  const length = passwordLength(password);
  if (length < PASSWORD_MIN_LENGTH) return 'too_short';
  if (length > PASSWORD_MAX_LENGTH) return 'too_long';
  return undefined;
}

/** Throws AUTH.PASSWORD_POLICY when the password is not 10–128 characters. Never echoes the password. */
export function assertPasswordPolicy(password: unknown): asserts password is string {
  const violation = passwordPolicyViolation(password);
  if (violation !== undefined) {
    throw new AppError('AUTH.PASSWORD_POLICY', `Password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`, {
      details: { reason: violation, min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH },
    });
  }
}

/** Memory scrypt needs for these parameters (128·N·r·p plus the block buffer), doubled for headroom. */
function maxmemFor(params: Pick<ScryptParams, 'N' | 'r' | 'p'>): number {
  return 2 * 128 * params.r * (params.N + params.p + 2);
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: maxmemFor(params) };
  return new Promise((resolve, reject) => {
    scrypt(Buffer.from(password.normalize('NFC'), 'utf8'), salt, params.keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function validParams(params: ScryptParams): boolean {
  const { N, r, p, keyLength } = params;
  const ints = [N, r, p, keyLength].every((n) => Number.isSafeInteger(n) && n > 0);
  return ints && N >= 2 && (N & (N - 1)) === 0 && 128 * N * r <= MAX_MEMORY_BYTES && p <= MAX_P && keyLength >= 32 && keyLength <= 64;
}

function decodeB64url(text: string): Buffer | undefined {
  if (!B64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

/** Parses `scrypt$N$r$p$salt$hash` strictly; undefined for anything else (malformed, tampered, out of bounds). */
function parseHash(stored: unknown): ParsedHash | undefined {
  if (typeof stored !== 'string' || stored.length > 512) return undefined;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [, n, r, p, saltText, hashText] = parts as [string, string, string, string, string, string];
  if (!DECIMAL.test(n) || !DECIMAL.test(r) || !DECIMAL.test(p)) return undefined;
  const salt = decodeB64url(saltText);
  const hash = decodeB64url(hashText);
  if (!salt || !hash || salt.length < 16 || salt.length > 64) return undefined;
  const params: ScryptParams = { N: Number(n), r: Number(r), p: Number(p), keyLength: hash.length };
  return validParams(params) ? { params, salt, hash } : undefined;
}

function format(params: ScryptParams, salt: Buffer, hash: Buffer): string {
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Hashes a password that meets the policy (else AUTH.PASSWORD_POLICY) with a fresh 16-byte salt. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  assertPasswordPolicy(password);
  if (!validParams(params)) throw new Error('Invalid scrypt parameters');
  const salt = randomBytes(SALT_BYTES);
  return format(params, salt, await derive(password, salt, params));
}

/**
 * True when the password matches the stored hash (constant-time comparison). False, never an error,
 * for a malformed or tampered hash, an empty password or one longer than the policy allows (checked
 * before any work, so huge inputs cost nothing). Passwords shorter than today's minimum still verify:
 * the policy applies when a password is set.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (typeof password !== 'string' || password.length === 0 || passwordLength(password) > PASSWORD_MAX_LENGTH) return false;
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed.params);
  return timingSafeEqual(candidate, parsed.hash);
}

/** True when the stored hash is not in today's format and parameters (hash again after the next login). */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  const current = parsed.params;
  return current.N !== params.N || current.r !== params.r || current.p !== params.p || current.keyLength !== params.keyLength || parsed.salt.length !== SALT_BYTES;
}

/**
 * A well-formed hash of nothing (random salt and bytes) with these parameters. Verifying any password
 * against it costs exactly one real verification and always fails: logins for unknown usernames use
 * it, so they take as long as a wrong password for a real account.
 */
export function makeDummyHash(params: ScryptParams = DEFAULT_SCRYPT_PARAMS): string {
  return format(params, randomBytes(SALT_BYTES), randomBytes(params.keyLength));
}
