import type { KeyValueRepo } from '../../ports/store.js';
import type { Collection } from '../collection.js';
import type { KeyValueDoc } from '../documents.js';

/** Botkit dialog state and similar small JSON documents, stored as JSON text (keys may hold `.` or `$`). */
export class KeyValueDocsRepo implements KeyValueRepo {
  constructor(
    private readonly docs: Collection<KeyValueDoc>,
    private readonly now: () => Date,
  ) {}

  async read(keys: string[]): Promise<Record<string, unknown>> {
    if (keys.length === 0) return {};
    const docs = await this.docs.find({ _id: { $in: keys } });
    const out: Record<string, unknown> = {};
    for (const doc of docs) out[doc._id] = JSON.parse(doc.json) as unknown;
    return out;
  }

  /** Writes each item whole; an item whose value has no JSON form (undefined) is deleted instead. */
  async write(items: Record<string, unknown>): Promise<void> {
    const updatedAt = this.now();
    const absent: string[] = [];
    await Promise.all(
      Object.entries(items).map(async ([key, value]) => {
        const json = JSON.stringify(value) as string | undefined;
        if (json === undefined) return void absent.push(key);
        const doc = { _id: key, json, updatedAt };
        await this.docs.replaceOne({ _id: key }, doc, { upsert: true });
      }),
    );
    if (absent.length > 0) await this.delete(absent);
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.docs.deleteMany({ _id: { $in: keys } });
  }
}
