/**
 * The audit trail of what console users do to accounts, publications (publish, unpublish) and
 * conversations (an operator's claim, reply, note, transfer, resolve…) and the calls they record: who
 * did what to whom and when, for the province's own review. The composition root keeps every entry in
 * the store (AuditRepo, listed in the console) and writes it as one structured `audit` log line
 * (src/core/audit-trail.ts).
 */

export type AuditAction =
  | 'account.create'
  | 'account.disable'
  | 'account.enable'
  | 'account.resetPassword'
  | 'publication.publish'
  | 'publication.unpublish'
  | 'conversation.claim'
  | 'conversation.takeover'
  | 'conversation.reply'
  | 'conversation.note'
  | 'conversation.transfer'
  | 'conversation.snooze'
  | 'conversation.resolve'
  | 'conversation.ticket'
  | 'call.record'
  | 'canned.edit'
  | 'canned.remove'
  | 'news.publish'
  | 'news.schedule'
  | 'news.cancel'
  | 'news.broadcast';

export interface AuditEntry {
  action: AuditAction;
  /** The console account that acted. */
  actor: { id: string; username: string };
  /** The record acted on. */
  target:
    | { kind: 'account'; id: string; username: string }
    | { kind: 'ticket'; id: string; code: string }
    | { kind: 'conversation'; id: string }
    | { kind: 'call'; id: string }
    | { kind: 'canned'; id: string }
    | { kind: 'news'; id: string };
  at: Date;
  /** Non-sensitive facts (role, agency id); never a password, hash or token. */
  details?: Readonly<Record<string, string | boolean>>;
}

export interface AuditLog {
  /** Records one entry; must not throw into the action it records (implementations log their own failures). */
  record(entry: AuditEntry): Promise<void>;
}
