import type { Account } from '../domain/account.js';
import { AppError } from '../domain/errors.js';
import type { AuditLog } from '../ports/audit.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';

/**
 * The hotline's canned replies: short codes (`khaisinh`) operators type as `/khaisinh` in the composer,
 * data the hotline edits in the console (every edit audited). The first start seeds a few common ones.
 */

export const CANNED_CODE = /^[a-z0-9-]{2,40}$/;
const OPERATOR_ROLES = new Set(['operator', 'coordinator', 'admin']);

/** The replies a new deployment starts with (the hotline edits or removes them). */
export const DEFAULT_CANNED: readonly { code: string; text: string }[] = [
  { code: 'chao', text: 'Xin chào anh/chị, tôi là tổng đài viên 1022. Tôi có thể giúp gì cho anh/chị?' },
  { code: 'cho', text: 'Anh/chị vui lòng chờ trong giây lát, tôi đang kiểm tra thông tin.' },
  { code: 'camon', text: 'Cảm ơn anh/chị đã liên hệ tổng đài 1022. Nếu cần thêm, anh/chị cứ nhắn tại đây.' },
  { code: 'dvc', text: 'Anh/chị có thể nộp hồ sơ trực tuyến tại Cổng Dịch vụ công quốc gia: https://dichvucong.gov.vn' },
];

export function createCannedReplies(deps: { store: Pick<Store, 'canned'>; audit: AuditLog; clock: Clock }) {
  function assertOperator(account: Account): void {
    if (account.disabled || !OPERATOR_ROLES.has(account.role)) throw new AppError('AUTH.FORBIDDEN', 'Only hotline operators edit canned replies', { details: { role: account.role } });
  }
  function validCode(code: string): string {
    const normalized = code.trim().toLowerCase();
    if (!CANNED_CODE.test(normalized)) throw new AppError('HANDOFF.INPUT_INVALID', 'A short code is 2 to 40 of a-z, 0-9 and -', { details: { field: 'code' } });
    return normalized;
  }
  const audit = (account: Account, action: 'canned.edit' | 'canned.remove', code: string) =>
    deps.audit.record({ action, actor: { id: account.id, username: account.username }, target: { kind: 'canned', id: code }, at: deps.clock.now() });

  return {
    /** Seeds the defaults into an empty list (start-up; idempotent). */
    async seed(): Promise<void> {
      if ((await deps.store.canned.list()).length > 0) return;
      for (const c of DEFAULT_CANNED) await deps.store.canned.put({ id: c.code, text: c.text, updatedAt: deps.clock.now(), updatedBy: 'system' });
    },
    async list(account: Account) {
      assertOperator(account);
      return (await deps.store.canned.list()).map((c) => ({ code: c.id, text: c.text }));
    },
    async put(account: Account, code: string, text: string) {
      assertOperator(account);
      const id = validCode(code);
      await deps.store.canned.put({ id, text, updatedAt: deps.clock.now(), updatedBy: account.id });
      await audit(account, 'canned.edit', id);
      return { code: id, text };
    },
    async remove(account: Account, code: string): Promise<boolean> {
      assertOperator(account);
      const id = validCode(code);
      const removed = await deps.store.canned.remove(id);
      if (removed) await audit(account, 'canned.remove', id);
      return removed;
    },
  };
}

export type CannedReplies = ReturnType<typeof createCannedReplies>;
