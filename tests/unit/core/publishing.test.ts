import { beforeEach, describe, expect, it } from 'vitest';
import { createPublishing, matchesSearch, searchTerms, type Publishing } from '../../../src/core/publishing.js';
import type { Account } from '../../../src/domain/account.js';
import { vi as copy } from '../../../src/domain/copy/vi.js';
import { AppError } from '../../../src/domain/errors.js';
import { publicationId } from '../../../src/domain/publication.js';
import type { Ticket } from '../../../src/domain/ticket.js';
import type { AuditEntry } from '../../../src/ports/audit.js';
import type { Store } from '../../../src/ports/store.js';
import { createMemoryStore } from '../../../src/store/memory/index.js';

/** The publishing use case on the in-memory store: who may publish, what is removed, what is audited, search and counts. */
const R = copy.qa.redacted;
const NOW = new Date('2026-12-06T10:00:00Z');

const account = (role: Account['role'], extra: Partial<Account> = {}): Account =>
  ({ id: `acc-${role}`, username: `user.${role}`, displayName: role, role, disabled: false, createdAt: NOW, passwordHash: 'x', ...extra }) as Account;

const ticket = (id: string, extra: Partial<Ticket> = {}): Ticket =>
  ({
    id,
    code: `CODE-${id}`,
    agencyId: 'so-tu-phap',
    kind: 'question',
    status: 'answered',
    question: 'Tôi là Nguyễn Thị Lan, nhà số 5 ngõ 7 phố Huế. Làm lại khai sinh thế nào?',
    consent: { forward: true, publish: true },
    contact: { name: 'Nguyễn Thị Lan' },
    answer: { text: 'Chào chị Lan, chị nộp tờ khai tại UBND cấp xã.', at: NOW, by: { kind: 'staff', id: 's' }, onTime: true },
    procedureId: 'dang-ky-khai-sinh',
    ...extra,
  }) as Ticket;

let store: Store;
let tickets: Map<string, Ticket>;
let audits: AuditEntry[];
let changes: number;
let publishing: Publishing;

beforeEach(async () => {
  store = createMemoryStore();
  await store.init();
  tickets = new Map([
    ['t1', ticket('t1')],
    ['t2', ticket('t2', { consent: { forward: true, publish: false } })],
  ]);
  audits = [];
  changes = 0;
  publishing = createPublishing({
    tickets: { get: async (id) => tickets.get(id) },
    publications: store.publications,
    clock: { now: () => NOW },
    placeholders: R,
    audit: { record: async (e) => void audits.push(e) },
    fieldOf: () => 'Hộ tịch',
    events: { publish: async () => void (changes += 1) },
  });
});

describe('publishing', () => {
  it('When staff, an admin or a disabled coordinator try to preview, publish or unpublish, then it is AUTH.FORBIDDEN and nothing is audited', async () => {
    for (const who of [account('staff', { agencyId: 'so-tu-phap' }), account('admin'), account('coordinator', { disabled: true })]) {
      await expect(publishing.preview(who, 't1')).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN' });
      await expect(publishing.publish(who, 't1')).rejects.toBeInstanceOf(AppError);
      await expect(publishing.unpublish(who, 't1')).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN' });
    }
    expect(audits).toEqual([]);
    expect(await store.publications.list({ limit: 10 })).toEqual([]);
  });

  it('When the coordinator previews then publishes unedited, then the draft and the entry carry no name or home address, and the publish is audited without text', async () => {
    const coordinator = account('coordinator');
    const preview = await publishing.preview(coordinator, 't1');
    expect(preview.draft).toEqual({ question: `Tôi là ${R.name}, ${R.address}. Làm lại khai sinh thế nào?`, answer: `Chào chị ${R.name}, chị nộp tờ khai tại UBND cấp xã.`, field: 'Hộ tịch', removed: 3 });
    const entry = await publishing.publish(coordinator, 't1');
    expect({ question: entry.question, answer: entry.answer }).toEqual({ question: preview.draft!.question, answer: preview.draft!.answer });
    expect(audits).toEqual([
      { action: 'publication.publish', actor: { id: coordinator.id, username: coordinator.username }, target: { kind: 'ticket', id: 't1', code: 'CODE-t1' }, at: NOW, details: { republished: false, editedQuestion: false, editedAnswer: false, field: 'Hộ tịch' } },
    ]);
    expect(changes).toBe(1);

    // Sending the draft back is not an edit; a changed text is.
    await publishing.publish(coordinator, 't1', { question: preview.draft!.question, answer: 'Nộp tại UBND cấp xã.' });
    expect(audits[1]!.details).toMatchObject({ republished: true, editedQuestion: false, editedAnswer: true });
    expect((await publishing.preview(coordinator, 't1')).published?.answer).toBe('Nộp tại UBND cấp xã.');

    await publishing.unpublish(coordinator, 't1');
    expect(audits[2]).toMatchObject({ action: 'publication.unpublish', target: { kind: 'ticket', id: 't1', code: 'CODE-t1' } });
    await expect(publishing.unpublish(coordinator, 't1')).rejects.toMatchObject({ code: 'PUBLISH.NOT_FOUND' });
    expect(audits).toHaveLength(3);
  });

  it('When an entry was published before names were removed, then redactStored fixes it once, keeping its date and approver', async () => {
    const legacy = { id: publicationId('t1'), ticketId: 't1', field: 'Hộ tịch', agencyId: 'so-tu-phap', question: tickets.get('t1')!.question, answer: 'Lan nộp tại UBND cấp xã.', publishedAt: new Date('2026-01-02T03:04:05Z'), approvedBy: 'old-editor' };
    await store.publications.upsert(legacy);
    await store.publications.upsert({ ...legacy, id: publicationId('t9'), ticketId: 't9', question: 'Khai tử ở đâu?', answer: 'Tại UBND cấp xã.' });
    expect(await publishing.redactStored()).toBe(1);
    const fixed = await store.publications.get(publicationId('t1'));
    expect(fixed).toEqual({ ...legacy, question: `Tôi là ${R.name}, ${R.address}. Làm lại khai sinh thế nào?`, answer: `${R.name} nộp tại UBND cấp xã.` });
    expect(await publishing.redactStored()).toBe(0);
  });

  it('When the public list is browsed, then fields are counted over everything and the search ignores accents and case', async () => {
    const coordinator = account('coordinator');
    tickets.set('t3', ticket('t3', { question: 'Cấp lại căn cước bị mất ở đâu?', contact: {}, procedureId: 'cap-lai-can-cuoc' }));
    await publishing.publish(coordinator, 't1');
    await publishing.publish(coordinator, 't3', { field: 'Căn cước' });
    const all = await publishing.browsePublic({ limit: 10 });
    expect(all.total).toBe(2);
    expect(all.fields.sort((a, b) => String(a.field).localeCompare(String(b.field)))).toEqual([{ field: 'Căn cước', count: 1 }, { field: 'Hộ tịch', count: 1 }]);
    const found = await publishing.browsePublic({ limit: 10, q: 'CAN CUOC' });
    expect(found.entries.map((e) => e.ticketId)).toEqual(['t3']);
    expect(found.fields).toHaveLength(2);
    expect((await publishing.browsePublic({ limit: 10, q: 'khai sinh', field: 'Căn cước' })).total).toBe(0);
    expect((await publishing.listPublic({ limit: 10, q: 'khai sinh' })).map((e) => e.ticketId)).toEqual(['t1']);
  });
});

describe('search terms', () => {
  it('When a query is folded, then accents, case and punctuation go, and words must start a word', () => {
    expect(searchTerms('  Đăng-ký KHAI sinh! ')).toEqual(['dang', 'ky', 'khai', 'sinh']);
    expect(searchTerms(undefined)).toEqual([]);
    const entry = { question: 'Đăng ký kết hôn cần gì?', answer: 'Không cần.', field: 'Hộ tịch' };
    expect(matchesSearch(entry, ['ket', 'hon'])).toBe(true);
    expect(matchesSearch(entry, ['ong'])).toBe(false);
    expect(matchesSearch(entry, ['tich'])).toBe(true);
  });
});
