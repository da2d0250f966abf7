import type { Account, AccountRole } from '../domain/account.js';
import { AppError } from '../domain/errors.js';
import type { AuditAction, AuditEntry, AuditLog } from '../ports/audit.js';
import type { Clock } from '../ports/clock.js';
import type { AccountRepo, ConsoleSessionRepo } from '../ports/store.js';
import type { ConsoleAuth, NewAccountInput } from './console-auth.js';
import { DEFAULT_SCRYPT_PARAMS, hashPassword, type ScryptParams } from './password.js';

/**
 * Staff accounts without a restart: an admin lists, creates, disables, enables and resets the password
 * of console accounts while the server runs (the accounts CLI stays for the first admin). Every action
 * is checked here as well as by the route (admin role, enabled), validated (agency ids against the
 * agency directory, the username and password rules of console-auth), and written to the audit log
 * with actor, action, target and time. Disabling an account or resetting its password ends its
 * sessions at once. Password hashes never leave this module's results.
 */

/** What the console may see of an account: never the password hash. */
export interface AccountSummary {
  id: string;
  username: string;
  displayName: string;
  role: AccountRole;
  agencyId?: string;
  /** The agency's directory name (staff only). */
  agencyName?: string;
  disabled: boolean;
  createdAt: Date;
}

/** The admin's new account: NewAccountInput without the flags an admin does not set at creation. */
export type NewAccountRequest = Omit<NewAccountInput, 'disabled'>;

export interface AccountAdminDeps {
  accounts: AccountRepo;
  sessions: Pick<ConsoleSessionRepo, 'deleteByAccount'>;
  /** Creates accounts with console-auth's validation (username, display name, role/agency) and hashing. */
  auth: Pick<ConsoleAuth, 'createAccount'>;
  /** The agency directory: the only agency ids a staff account may get. */
  agencies: () => readonly { id: string; name: string }[];
  audit: AuditLog;
  clock: Clock;
  /** Hash cost of reset passwords (console-auth's; tests pass cheaper parameters). */
  passwordParams?: ScryptParams;
}

export interface AccountAdmin {
  /** Every account, sorted by username. */
  list(actor: Account): Promise<AccountSummary[]>;
  /** AUTH.ACCOUNT_INVALID (bad username/display name/role, unknown or missing agency), AUTH.PASSWORD_POLICY, AUTH.USERNAME_TAKEN. */
  create(actor: Account, input: NewAccountRequest): Promise<AccountSummary>;
  /** Disables the account and ends its sessions. An admin cannot disable their own account (AUTH.FORBIDDEN). */
  disable(actor: Account, accountId: string): Promise<AccountSummary>;
  enable(actor: Account, accountId: string): Promise<AccountSummary>;
  /** Sets a new password (policy as at creation) and ends the account's sessions, the admin's own included. */
  resetPassword(actor: Account, accountId: string, password: string): Promise<AccountSummary>;
}

export function createAccountAdmin(deps: AccountAdminDeps): AccountAdmin {
  const params = deps.passwordParams ?? DEFAULT_SCRYPT_PARAMS;

  const agencyNames = (): Map<string, string> => new Map(deps.agencies().map((a) => [a.id, a.name] as const));

  function summary(account: Account, names = agencyNames()): AccountSummary {
    const { id, username, displayName, role, agencyId, disabled, createdAt } = account;
    const agencyName = agencyId === undefined ? undefined : names.get(agencyId);
    return {
      id,
      username,
      displayName,
      role,
      ...(agencyId === undefined ? {} : { agencyId }),
      ...(agencyName === undefined ? {} : { agencyName }),
      disabled,
      createdAt,
    };
  }

  function assertAdmin(actor: Account): void {
    if (actor.disabled || actor.role !== 'admin') {
      throw new AppError('AUTH.FORBIDDEN', 'Only administrators manage accounts', { details: { role: actor.role } });
    }
  }

  async function target(accountId: string): Promise<Account> {
    const account = await deps.accounts.get(accountId);
    if (!account) throw new AppError('AUTH.ACCOUNT_NOT_FOUND', 'No account with this id');
    return account;
  }

  async function audit(action: AuditAction, actor: Account, account: Account, details?: AuditEntry['details']): Promise<void> {
    await deps.audit.record({
      action,
      actor: { id: actor.id, username: actor.username },
      target: { kind: 'account', id: account.id, username: account.username },
      at: deps.clock.now(),
      ...(details ? { details } : {}),
    });
  }

  async function setDisabled(actor: Account, accountId: string, disabled: boolean): Promise<AccountSummary> {
    assertAdmin(actor);
    const account = await target(accountId);
    if (disabled && account.id === actor.id) {
      // Keeps at least one administrator able to sign in: the one acting.
      throw new AppError('AUTH.FORBIDDEN', 'An administrator cannot disable their own account');
    }
    await deps.accounts.update(account.id, { disabled });
    // After the flag: a request that authenticates in between is refused by authenticate() anyway.
    if (disabled) await deps.sessions.deleteByAccount(account.id);
    await audit(disabled ? 'account.disable' : 'account.enable', actor, account, { wasDisabled: account.disabled });
    return summary({ ...account, disabled });
  }

  return {
    async list(actor) {
      assertAdmin(actor);
      const names = agencyNames();
      const accounts = await deps.accounts.list();
      return accounts.map((a) => summary(a, names)).sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
    },

    async create(actor, input) {
      assertAdmin(actor);
      const agencyId = typeof input.agencyId === 'string' ? input.agencyId.trim() : undefined;
      if (agencyId && !agencyNames().has(agencyId)) {
        throw new AppError('AUTH.ACCOUNT_INVALID', 'The agency is not in the agency directory', { details: { field: 'agencyId' } });
      }
      const account = await deps.auth.createAccount({
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        ...(agencyId ? { agencyId } : {}),
        password: input.password,
      });
      await audit('account.create', actor, account, { role: account.role, ...(account.agencyId ? { agencyId: account.agencyId } : {}) });
      return summary(account);
    },

    disable: (actor, accountId) => setDisabled(actor, accountId, true),
    enable: (actor, accountId) => setDisabled(actor, accountId, false),

    async resetPassword(actor, accountId, password) {
      assertAdmin(actor);
      const account = await target(accountId);
      const passwordHash = await hashPassword(password, params);
      await deps.accounts.update(account.id, { passwordHash });
      await deps.sessions.deleteByAccount(account.id);
      await audit('account.resetPassword', actor, account);
      return summary(account);
    },
  };
}
