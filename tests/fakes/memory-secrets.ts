import type { SecretRepo } from '../../src/ports/store.js';

/**
 * A test double of the SecretRepo port: versioned values with compare-and-set, values copied in and out
 * (as a database would), an optional delay per call so concurrent callers really interleave, and a log
 * of every successful write.
 */
export class MemorySecretRepo implements SecretRepo {
  readonly writes: { key: string; version: number; value: Record<string, unknown> }[] = [];
  private readonly data = new Map<string, { value: Record<string, unknown>; version: number }>();

  constructor(private readonly options: { delayMs?: number } = {}) {}

  async get(key: string): Promise<{ value: Record<string, unknown>; version: number } | undefined> {
    await this.pause();
    const entry = this.data.get(key);
    return entry ? { value: structuredClone(entry.value), version: entry.version } : undefined;
  }

  async compareAndSet(key: string, expectedVersion: number, value: Record<string, unknown>): Promise<boolean> {
    await this.pause();
    const current = this.data.get(key)?.version ?? 0;
    if (current !== expectedVersion) return false;
    const entry = { value: structuredClone(value), version: current + 1 };
    this.data.set(key, entry);
    this.writes.push({ key, version: entry.version, value: structuredClone(value) });
    return true;
  }

  /** Synchronous peek for assertions. */
  peek(key: string): { value: Record<string, unknown>; version: number } | undefined {
    const entry = this.data.get(key);
    return entry ? { value: structuredClone(entry.value), version: entry.version } : undefined;
  }

  private pause(): Promise<void> {
    const ms = this.options.delayMs ?? 0;
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  }
}
