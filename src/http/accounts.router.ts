import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AccountAdmin, AccountSummary } from '../core/account-admin.js';
import { ACCOUNT_ROLES } from '../domain/account.js';
import type { ConsoleAuth } from '../core/console-auth.js';
import { parseInput, pathId } from './parse-input.js';
import { createConsoleSession, requireRole } from './console-session.js';

/**
 * Account administration for the console's admins, mounted under /api/v1/admin/accounts, every route
 * behind the console session (cookie), the admin role and, for POSTs, the X-CSRF-Token check:
 *
 *   GET  /                 {accounts: [account]}, by username
 *   POST /                 {username, displayName, role, agencyId?, password} → 201 {account}
 *   POST /:id/disable      → {account}; the account's sessions end at once (not your own account)
 *   POST /:id/enable       → {account}
 *   POST /:id/password     {password} → {account}; the account's sessions end
 *
 * An account is `{id, username, displayName, role, agencyId?, agencyName?, disabled, createdAt}`: never
 * a password hash. Staff and coordinators get 403 AUTH.FORBIDDEN. The JSON body parser is the API's
 * (64 kB, app.ts). Each action is audited by the use case (core/account-admin.ts).
 */

export interface AccountsRouterDeps {
  auth: Pick<ConsoleAuth, 'authenticate'>;
  accounts: AccountAdmin;
  secureCookies: boolean;
}

const idSchema = z.string().min(1).max(100).regex(/^[A-Za-z0-9_.:-]+$/);

const createSchema = z
  .object({
    username: z.string().max(200),
    displayName: z.string().max(400),
    role: z.enum(ACCOUNT_ROLES),
    agencyId: z.string().max(100).optional(),
    password: z.string().max(1024),
  })
  .strict();

const passwordSchema = z.object({ password: z.string().max(1024) }).strict();

/** A malformed id cannot name an account: the same 404 as an unknown one. */
function accountId(req: Request): string {
  return pathId(req, idSchema, { code: 'AUTH.ACCOUNT_NOT_FOUND', message: 'No account with this id' });
}

/** The JSON view: dates as ISO strings. */
function view(account: AccountSummary): Record<string, unknown> {
  return { ...account, createdAt: account.createdAt.toISOString() };
}

export function createAccountsRouter(deps: AccountsRouterDeps): Router {
  const router = Router();
  router.use(createConsoleSession(deps), requireRole('admin'));
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/', async (req, res) => {
    const accounts = await deps.accounts.list(req.console!.account);
    res.json({ accounts: accounts.map(view) });
  });

  router.post('/', async (req, res) => {
    const input = parseInput(createSchema, req.body, 'account');
    const account = await deps.accounts.create(req.console!.account, input);
    res.status(201).json({ account: view(account) });
  });

  router.post('/:id/disable', async (req, res) => {
    res.json({ account: view(await deps.accounts.disable(req.console!.account, accountId(req))) });
  });

  router.post('/:id/enable', async (req, res) => {
    res.json({ account: view(await deps.accounts.enable(req.console!.account, accountId(req))) });
  });

  router.post('/:id/password', async (req, res) => {
    const id = accountId(req);
    const { password } = parseInput(passwordSchema, req.body, 'password change');
    res.json({ account: view(await deps.accounts.resetPassword(req.console!.account, id, password)) });
  });

  return router;
}
