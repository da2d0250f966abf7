import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../ports/audit.js';
import type { Logger } from '../ports/logger.js';
import type { AuditRepo } from '../ports/store.js';

/**
 * The audit port (ports/audit.ts) kept in the store, where the province reviews it, and written as one
 * structured `audit` log line. A failed write is logged, never thrown into the action it records.
 */
export function createAuditTrail(deps: { audit: AuditRepo; logger: Pick<Logger, 'info' | 'error'> }): AuditLog {
  return {
    async record(entry) {
      deps.logger.info({ audit: { ...entry, at: entry.at.toISOString() } }, 'audit');
      try {
        await deps.audit.insert({ id: randomUUID(), ...entry });
      } catch (err) {
        deps.logger.error({ err, action: entry.action }, 'could not store an audit entry');
      }
    },
  };
}
