import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vi as copy } from '../../src/domain/copy/vi.js';
import type { Ticket } from '../../src/domain/ticket.js';
import { createLogger } from '../../src/logging/logger.js';
import { startSystem } from '../../src/system/index.js';
import { consoleCall, consoleLogin, openWebchatConversation, type ConsoleSignIn } from './console-client.js';
import type { RunningSystem } from '../../src/system/index.js';
import { CHEAP_SCRYPT, testConfig } from './test-system.js';

/**
 * Publishing (issues 4 and 9) on the whole system in embedded mode: an answered ticket with the
 * citizen's consent becomes a public Q&A entry through the inbox API (coordinator, CSRF), with personal
 * data (names, the ticket's contact name, phones, ID numbers, e-mails, private addresses) removed
 * server-side, also when published unedited; the coordinator previews the redacted text first; publish
 * and unpublish are audited; the public JSON and HTML list it by field and find it by search.
 */

const R = copy.qa.redacted;
const logLines: string[] = [];

/** The audit records logged so far. */
function audits(): Array<{ action: string; actor: { id: string; username: string }; target: { kind: string; id: string; code?: string }; at: string; details?: Record<string, unknown> }> {
  return logLines.flatMap((line) => {
    const record = JSON.parse(line) as { msg?: string; audit?: never };
    return record.msg === 'audit' && record.audit ? [record.audit] : [];
  });
}

const PASSWORD = 'mật khẩu thử nghiệm 1022';

let dataDir: string;
let system: RunningSystem;
let base: string;
let consenting: Ticket;
let refusing: Ticket;
let unanswered: Ticket;
/** Unaccented question with a name, an address and an ID; the answer greets the citizen by given name. */
let unedited: Ticket;

type Signed = ConsoleSignIn;
let staff: Signed;
let coordinator: Signed;




const openConversation = (userId: string) => openWebchatConversation(system.store, userId);
const login = (username: string) => consoleLogin(base, username, PASSWORD);
const call = (method: string, path: string, body: unknown, who?: Signed, csrf = true) => consoleCall(base, method, `/inbox${path}`, body, who, csrf);

async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

async function publicEntries(query = ''): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(`${base}/api/v1/qa${query}`);
  expect(response.status).toBe(200);
  return (await json<{ entries: Array<Record<string, unknown>> }>(response)).entries;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'publishing-it-'));
  const config = testConfig(dataDir, { LOG_LEVEL: 'info' });
  const logger = createLogger(config, new Writable({ write: (chunk: Buffer, _e, done) => (logLines.push(chunk.toString()), done()) }));
  system = await startSystem({ config, logger, passwordParams: CHEAP_SCRYPT });
  base = system.url!;

  const conversation = await openConversation('visitor-pub');
  consenting = await system.tickets.openTicket({
    conversationId: conversation,
    kind: 'question',
    question: 'Tôi là Nguyễn Văn A, sđt 0912 345 678, đăng ký khai sinh cho con khi bố mẹ chưa đăng ký kết hôn cần giấy tờ gì?',
    consent: { forward: true, publish: true },
    contact: { name: 'Nguyễn Văn A', phone: '0912 345 678', callback: true },
    procedureId: 'dang-ky-khai-sinh',
  });
  refusing = await system.tickets.openTicket({
    conversationId: conversation,
    kind: 'question',
    question: 'Đổi giấy phép lái xe quá hạn 2 tháng có phải thi lại không?',
    consent: { forward: true, publish: false },
    procedureId: 'doi-giay-phep-lai-xe',
  });
  unanswered = await system.tickets.openTicket({
    conversationId: conversation,
    kind: 'question',
    question: 'Khai sinh quá hạn có bị phạt không?',
    consent: { forward: true, publish: true },
    procedureId: 'dang-ky-khai-sinh',
  });

  unedited = await system.tickets.openTicket({
    conversationId: conversation,
    kind: 'question',
    question: 'toi ten la tran thi lan, nha o so nha 12 ngo 34 pho Hang Bac. CCCD 001203001234 bi mat thi lam lai the can cuoc can gi?',
    consent: { forward: true, publish: true },
    contact: { name: 'Trần Thị Lan' },
    procedureId: 'dang-ky-khai-sinh',
  });
  await system.auth.createAccount({ username: 'canbo.pub', displayName: 'Cán bộ', role: 'staff', agencyId: consenting.agencyId, password: PASSWORD });
  await system.auth.createAccount({ username: 'dieuphoi.pub', displayName: 'Điều phối 1022', role: 'coordinator', password: PASSWORD });
  [staff, coordinator] = await Promise.all([login('canbo.pub'), login('dieuphoi.pub')]);

  for (const t of [consenting, refusing]) {
    const answered = await call('POST', `/tickets/${t.id}/answer`, { text: 'Cần giấy chứng sinh; liên hệ cán bộ Bình qua binh@example.gov.vn hoặc 0987 654 321.' }, coordinator);
    expect(answered.status).toBe(200);
  }
  const answered = await call('POST', `/tickets/${unedited.id}/answer`, { text: 'Chào chị Lan, chị mang đơn đề nghị đến Trung tâm phục vụ hành chính công, số 12 đường Lê Lợi.' }, coordinator);
  expect(answered.status).toBe(200);
}, 60_000);

afterAll(async () => {
  await system?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('GET /api/v1/inbox/tickets/:id/publication (the preview)', () => {
  const preview = (id: string, who?: Signed) => call('GET', `/tickets/${id}/publication`, undefined, who);

  it('When nobody is signed in or staff ask, then it is 401 or 403 and no text is shown', async () => {
    expect((await preview(consenting.id)).status).toBe(401);
    const forbidden = await preview(consenting.id, staff);
    expect(forbidden.status).toBe(403);
    expect(JSON.stringify(await json(forbidden))).not.toContain('khai sinh');
  });

  it('When the coordinator previews an answered ticket, then the draft is the redacted text, with the count of what was removed', async () => {
    const response = await preview(consenting.id, coordinator);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { publication } = await json<{ publication: { ticketId: string; draft: { question: string; answer: string; field: string; removed: number }; published?: unknown } }>(response);
    expect(publication.ticketId).toBe(consenting.id);
    expect(publication.published).toBeUndefined();
    expect(publication.draft.question).toBe(`Tôi là ${R.name}, sđt ${R.phone}, đăng ký khai sinh cho con khi bố mẹ chưa đăng ký kết hôn cần giấy tờ gì?`);
    expect(publication.draft.answer).toBe(`Cần giấy chứng sinh; liên hệ cán bộ ${R.name} qua ${R.email} hoặc ${R.phone}.`);
    expect(publication.draft.field).toBe('Hộ tịch');
    expect(publication.draft.removed).toBe(5);
    // Previewing publishes nothing.
    expect(await publicEntries()).toEqual([]);
  });

  it('When the ticket cannot be published, then the preview says why and has no draft', async () => {
    const refused = await json<{ publication: Record<string, unknown> }>(await preview(refusing.id, coordinator));
    expect(refused.publication).toEqual({ ticketId: refusing.id, blocker: 'no-consent' });
    const early = await json<{ publication: Record<string, unknown> }>(await preview(unanswered.id, coordinator));
    expect(early.publication).toEqual({ ticketId: unanswered.id, blocker: 'not-answered' });
    expect((await preview('unknown-id', coordinator)).status).toBe(404);
  });
});

describe('POST /api/v1/inbox/tickets/:id/publish', () => {
  it('When nobody is signed in, or the CSRF token is missing, then nothing is published', async () => {
    expect((await call('POST', `/tickets/${consenting.id}/publish`, {})).status).toBe(401);
    const noCsrf = await call('POST', `/tickets/${consenting.id}/publish`, {}, coordinator, false);
    expect(noCsrf.status).toBe(403);
    expect((await json(noCsrf))['code']).toBe('AUTH.CSRF');
    expect(await publicEntries()).toEqual([]);
  });

  it('When agency staff try to publish, then it is 403 AUTH.FORBIDDEN', async () => {
    const response = await call('POST', `/tickets/${consenting.id}/publish`, {}, staff);
    expect(response.status).toBe(403);
    expect((await json(response))['code']).toBe('AUTH.FORBIDDEN');
  });

  it('When the citizen did not consent, or the ticket has no answer, then it is 409 PUBLISH.NOT_ALLOWED', async () => {
    const refused = await call('POST', `/tickets/${refusing.id}/publish`, {}, coordinator);
    expect(refused.status).toBe(409);
    expect(await json(refused)).toMatchObject({ code: 'PUBLISH.NOT_ALLOWED' });
    const early = await call('POST', `/tickets/${unanswered.id}/publish`, {}, coordinator);
    expect(early.status).toBe(409);
    expect(await json(early)).toMatchObject({ code: 'PUBLISH.NOT_ALLOWED' });
    expect((await call('POST', '/tickets/unknown-id/publish', {}, coordinator)).status).toBe(404);
    expect((await call('POST', `/tickets/${consenting.id}/publish`, { extra: 1 }, coordinator)).status).toBe(400);
  });

  it('When the coordinator publishes a ticket unedited, then no name, phone, ID or home address of the citizen is published, and it is audited', async () => {
    const response = await call('POST', `/tickets/${unedited.id}/publish`, {}, coordinator);
    expect(response.status).toBe(200);
    const { publication } = await json<{ publication: Record<string, string> }>(response);
    expect(publication['question']).toBe(`toi ten la ${R.name}, nha o ${R.address}. CCCD ${R.id} bi mat thi lam lai the can cuoc can gi?`);
    // The agency's office address stays; the citizen's given name goes.
    expect(publication['answer']).toBe(`Chào chị ${R.name}, chị mang đơn đề nghị đến Trung tâm phục vụ hành chính công, số 12 đường Lê Lợi.`);
    const html = await (await fetch(`${base}/hoi-dap`)).text();
    for (const secret of ['Lan', 'lan,', 'tran thi', '001203001234', 'ngo 34']) expect(html).not.toContain(secret);

    const entry = audits().find((a) => a.action === 'publication.publish' && a.target.id === unedited.id);
    expect(entry).toMatchObject({ actor: { username: 'dieuphoi.pub' }, target: { kind: 'ticket', id: unedited.id, code: unedited.code }, details: { republished: false, editedQuestion: false, editedAnswer: false, field: 'Hộ tịch' } });
    expect(Number.isNaN(Date.parse(entry!.at))).toBe(false);
    expect(logLines.filter((l) => l.includes('"audit"')).join('\n')).not.toContain('tran thi lan');
    expect((await call('DELETE', `/tickets/${unedited.id}/publish`, undefined, coordinator)).status).toBe(204);
  });

  it('When the coordinator publishes with an edited question, then the entry is public, masked, grouped by field and names the agency', async () => {
    const response = await call(
      'POST',
      `/tickets/${consenting.id}/publish`,
      { question: 'Đăng ký khai sinh cho con khi bố mẹ chưa đăng ký kết hôn cần giấy tờ gì? (gọi 0912345678)' },
      coordinator,
    );
    expect(response.status).toBe(200);
    const { publication } = await json<{ publication: Record<string, unknown> }>(response);
    expect(publication['question']).toBe(`Đăng ký khai sinh cho con khi bố mẹ chưa đăng ký kết hôn cần giấy tờ gì? (gọi ${R.phone})`);
    expect(publication['answer']).toBe(`Cần giấy chứng sinh; liên hệ cán bộ ${R.name} qua ${R.email} hoặc ${R.phone}.`);
    expect(publication['field']).toBe('Hộ tịch');

    const entries = await publicEntries();
    expect(entries).toHaveLength(1);
    const entry = entries[0]!;
    expect(Object.keys(entry).sort()).toEqual(['agencyId', 'agencyName', 'answer', 'field', 'id', 'publishedAt', 'question']);
    expect(entry['agencyId']).toBe(consenting.agencyId);
    expect(entry['agencyName']).not.toBe('');
    const raw = JSON.stringify(entries);
    for (const secret of ['0912', '0987', 'example.gov.vn', 'Nguyễn Văn A', consenting.code, consenting.id, consenting.conversationId]) expect(raw).not.toContain(secret);

    expect(await publicEntries(`?field=${encodeURIComponent(String(entry['field']))}`)).toHaveLength(1);
    expect(await publicEntries('?field=Kh%C3%B4ng%20c%C3%B3')).toEqual([]);

    const page = await fetch(`${base}/hoi-dap`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain(`>${String(entry['field'])}</h2>`);
    expect(html).toContain(`Trả lời của ${String(entry['agencyName'])}`);
    expect(html).not.toContain('0912');
  });

  it('When the entry is published, then the preview shows the published text, and /hoi-dap finds it by search with or without accents, by field with counts, dated dd/mm/yyyy', async () => {
    const { publication } = await json<{ publication: { draft: { question: string }; published: { publishedAt: string } } }>(await call('GET', `/tickets/${consenting.id}/publication`, undefined, coordinator));
    expect(publication.draft.question).toContain(`(gọi ${R.phone})`);
    const publishedAt = new Date(publication.published.publishedAt);
    const vnDate = new Date(publishedAt.getTime() + 7 * 3_600_000).toISOString().slice(0, 10).split('-').reverse().join('/');

    const page = async (query: string) => (await fetch(`${base}/hoi-dap${query}`)).text();
    for (const q of ['kết hôn', 'ket hon', 'KẾT HÔN', 'giay chung sinh', 'khai']) {
      const html = await page(`?q=${encodeURIComponent(q)}`);
      expect(html, q).toContain('Tìm thấy 1 câu hỏi');
      expect(html).toContain('chưa đăng ký kết hôn');
      expect(html).toContain(`value="${q.replace(/"/g, '&quot;')}"`);
    }
    const none = await page('?q=xe+bu%C3%BDt');
    expect(none).toContain('Tìm thấy 0 câu hỏi');
    expect(none).toContain(copy.qa.noResults);
    expect(none).not.toContain('chưa đăng ký kết hôn');
    // Word starts only: "hon" does not match inside "không"; the JSON API searches the same way.
    expect(await publicEntries('?q=ong')).toEqual([]);
    expect(await publicEntries('?q=ket%20hon')).toHaveLength(1);

    const all = await page('');
    expect(all).toContain(`Hộ tịch <span class="qa-count">(${copy.qa.topics.count(1)})</span>`);
    expect(all).toContain(`<time datetime="${vnDate.split('/').reverse().join('-')}">${vnDate}</time>`);
    expect(all).toContain('<script src="/widget/widget.js" async></script>');
    const field = await page('?field=H%E1%BB%99%20t%E1%BB%8Bch');
    expect(field).toContain('aria-current="page">Hộ tịch');
    expect(field).toContain('<input type="hidden" name="field" value="Hộ tịch">');
    expect(await page('?field=L%C4%A9nh%20v%E1%BB%B1c%20kh%C3%A1c')).toContain(copy.qa.noResults);
    expect((await fetch(`${base}/hoi-dap?q=${'x'.repeat(201)}`)).status).toBe(400);
    const css = await fetch(`${base}/hoi-dap/assets/qa.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect((await fetch(`${base}/hoi-dap/assets/render.ts`)).status).toBe(404);
  });

  it('When published text contains markup, then the page escapes it', async () => {
    const response = await call('POST', `/tickets/${consenting.id}/publish`, { question: 'Khai sinh <script>alert("x")</script>?', field: 'Hộ tịch <b>' }, coordinator);
    expect(response.status).toBe(200);
    expect(await publicEntries()).toHaveLength(1);
    const html = await (await fetch(`${base}/hoi-dap`)).text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('>Hộ tịch &lt;b&gt;</h2>');
  });

  it('When the coordinator unpublishes, then the entry is gone and a second unpublish is 404', async () => {
    expect((await call('DELETE', `/tickets/${consenting.id}/publish`, undefined, staff)).status).toBe(403);
    expect((await call('DELETE', `/tickets/${consenting.id}/publish`, undefined, coordinator, false)).status).toBe(403);
    expect((await call('DELETE', `/tickets/${consenting.id}/publish`, undefined, coordinator)).status).toBe(204);
    expect(await publicEntries()).toEqual([]);
    expect(audits().filter((a) => a.target.id === consenting.id).map((a) => a.action)).toEqual(['publication.publish', 'publication.publish', 'publication.unpublish']);
    const again = await call('DELETE', `/tickets/${consenting.id}/publish`, undefined, coordinator);
    expect(again.status).toBe(404);
    expect((await json(again))['code']).toBe('PUBLISH.NOT_FOUND');
    const html = await (await fetch(`${base}/hoi-dap`)).text();
    expect(html).toContain('Chưa có câu hỏi nào được công khai.');
  });
});
