/**
 * The audit trail of what console users do to accounts and publications (publish, unpublish): who did what to
 * whom and when, for the province's own review. For now the composition root writes each entry as one
 * structured `audit` log line (core/account-admin.ts `loggerAuditLog`); a store repository can
 * implement the same port later without touching the use cases.
 */

export type AuditAction = 'account.create' | 'account.disable' | 'account.enable' | 'account.resetPassword' | 'publication.publish' | 'publication.unpublish';

export interface AuditEntry {
  action: AuditAction;
  /** The console account that acted. */
  actor: { id: string; username: string };
  /** The record acted on. */
  target: { kind: 'account'; id: string; username: string } | { kind: 'ticket'; id: string; code: string };
  at: Date;
  /** Non-sensitive facts (role, agency id); never a password, hash or token. */
  details?: Readonly<Record<string, string | boolean>>;
}

export interface AuditLog {
  /** Records one entry; must not throw into the action it records (implementations log their own failures). */
  record(entry: AuditEntry): Promise<void>;
}
