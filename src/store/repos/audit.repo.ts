import type { AuditEntry } from '../../ports/audit.js';
import type { AuditRepo } from '../../ports/store.js';
import type { Collection, Condition, Filter, Scalar } from '../collection.js';
import { fromDoc, toDoc, type Doc } from '../documents.js';

type StoredEntry = AuditEntry & { id: string };
type AuditDoc = Doc<StoredEntry> & { targetId: string };

/** The audit trail; each entry also keeps its target's id flat, for the per-record history. */
export class AuditEntriesRepo implements AuditRepo {
  constructor(private readonly audit: Collection<AuditDoc>) {}

  async insert(entry: StoredEntry): Promise<void> {
    await this.audit.insertOne({ ...toDoc(entry), targetId: entry.target.id });
  }

  async list(query: Parameters<AuditRepo['list']>[0]): Promise<StoredEntry[]> {
    if (query.limit <= 0) return [];
    const filter: Record<string, Scalar | Condition> = {};
    if (query.targetId !== undefined) filter.targetId = query.targetId;
    if (query.from !== undefined || query.to !== undefined) {
      filter.at = { ...(query.from !== undefined && { $gte: query.from }), ...(query.to !== undefined && { $lt: query.to }) };
    }
    const docs = await this.audit.find(filter as Filter, { sort: { at: -1, _id: -1 }, limit: query.limit });
    return docs.map(({ targetId: _targetId, ...doc }) => fromDoc(doc));
  }
}
