import type { AnyBulkWriteOperation } from 'mongodb';
import type { KeyValueRepo } from '../../ports/store.js';
import type { KeyValueDoc } from '../documents.js';
import type { Collections } from './collections.js';

/** Botkit dialog state and similar small JSON documents, stored as JSON text (keys may hold `.` or `$`). */
export class MongoKeyValueRepo implements KeyValueRepo {
  constructor(
    private readonly db: () => Promise<Collections>,
    private readonly now: () => Date,
  ) {}

  async read(keys: string[]): Promise<Record<string, unknown>> {
    if (keys.length === 0) return {};
    const { dialogState } = await this.db();
    const docs = await dialogState.find({ _id: { $in: keys } }).toArray();
    const out: Record<string, unknown> = {};
    for (const doc of docs) out[doc._id] = JSON.parse(doc.json) as unknown;
    return out;
  }

  /** Writes each item whole; an item whose value has no JSON form (undefined) is deleted instead. */
  async write(items: Record<string, unknown>): Promise<void> {
    const updatedAt = this.now();
    const ops: AnyBulkWriteOperation<KeyValueDoc>[] = [];
    const absent: string[] = [];
    for (const [key, value] of Object.entries(items)) {
      const json = JSON.stringify(value) as string | undefined;
      if (json === undefined) absent.push(key);
      else ops.push({ replaceOne: { filter: { _id: key }, replacement: { json, updatedAt }, upsert: true } });
    }
    const { dialogState } = await this.db();
    if (ops.length > 0) await dialogState.bulkWrite(ops, { ordered: false });
    if (absent.length > 0) await this.delete(absent);
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const { dialogState } = await this.db();
    await dialogState.deleteMany({ _id: { $in: keys } });
  }
}
