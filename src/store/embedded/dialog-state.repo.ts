import type { KeyValueRepo } from '../../ports/store.js';
import type { Datastores } from './datastores.js';

/** Botkit dialog state and similar small JSON documents, stored as JSON text (keys may hold `.` or `$`). */
export class EmbeddedKeyValueRepo implements KeyValueRepo {
  constructor(
    private readonly db: () => Promise<Datastores>,
    private readonly now: () => Date,
  ) {}

  async read(keys: string[]): Promise<Record<string, unknown>> {
    if (keys.length === 0) return {};
    const { dialogState } = await this.db();
    const docs = await dialogState.findAsync({ _id: { $in: keys } });
    const out: Record<string, unknown> = {};
    for (const doc of docs) out[doc._id] = JSON.parse(doc.json) as unknown;
    return out;
  }

  /** Writes each item whole; an item whose value has no JSON form (undefined) is deleted instead. */
  async write(items: Record<string, unknown>): Promise<void> {
    const { dialogState } = await this.db();
    const updatedAt = this.now();
    const absent: string[] = [];
    await Promise.all(
      Object.entries(items).map(async ([key, value]) => {
        const json = JSON.stringify(value) as string | undefined;
        if (json === undefined) return void absent.push(key);
        await dialogState.updateAsync({ _id: key }, { _id: key, json, updatedAt }, { upsert: true });
      }),
    );
    if (absent.length > 0) await this.delete(absent);
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const { dialogState } = await this.db();
    await dialogState.removeAsync({ _id: { $in: keys } }, { multi: true });
  }
}
