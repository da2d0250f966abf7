/**
 * People who work the consoles: agency staff answer their agency's tickets, hotline operators take over
 * citizens' conversations and record calls, coordinators route and re-route and approve publication
 * (and may work the hotline's queue too), admins manage accounts. Staff belong to one agency and see
 * only its tickets; operators see the hotline's conversations and no agency's inbox.
 */
export type AccountRole = 'staff' | 'operator' | 'coordinator' | 'admin';

export const ACCOUNT_ROLES: readonly AccountRole[] = ['staff', 'operator', 'coordinator', 'admin'];

export interface Account {
  id: string;
  /** Login name (lower-case). */
  username: string;
  displayName: string;
  role: AccountRole;
  /** The agency whose tickets a staff member sees; absent for coordinators and admins. */
  agencyId?: string;
  /** Memory-hard hash in a self-describing format (algorithm, parameters, salt, hash). */
  passwordHash: string;
  disabled: boolean;
  createdAt: Date;
}

/** A signed-in console session, revocable server-side; the cookie carries only its id. */
export interface ConsoleSession {
  id: string;
  accountId: string;
  /** Synchronizer token every state-changing request must echo (CSRF). */
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}
