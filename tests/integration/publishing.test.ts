import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket } from '../../src/domain/ticket.js';
import { consoleCall, consoleLogin, openWebchatConversation, type ConsoleSignIn } from './console-client.js';
import type { RunningSystem } from '../../src/system/index.js';
import { CHEAP_SCRYPT, startTestSystem } from './test-system.js';

/**
 * Publishing (issue 4) on the whole system in embedded mode: an answered ticket with the citizen's
 * consent becomes a public Q&A entry through the inbox API (coordinator, CSRF), with personal data
 * masked server-side; the public JSON and HTML list it by field; unpublishing removes it.
 */

const PASSWORD = 'mật khẩu thử nghiệm 1022';

let dataDir: string;
let system: RunningSystem;
let base: string;
let consenting: Ticket;
let refusing: Ticket;
let unanswered: Ticket;

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
  system = await startTestSystem(dataDir, {}, { passwordParams: CHEAP_SCRYPT });
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

  await system.auth.createAccount({ username: 'canbo.pub', displayName: 'Cán bộ', role: 'staff', agencyId: consenting.agencyId, password: PASSWORD });
  await system.auth.createAccount({ username: 'dieuphoi.pub', displayName: 'Điều phối 1022', role: 'coordinator', password: PASSWORD });
  [staff, coordinator] = await Promise.all([login('canbo.pub'), login('dieuphoi.pub')]);

  for (const t of [consenting, refusing]) {
    const answered = await call('POST', `/tickets/${t.id}/answer`, { text: 'Cần giấy chứng sinh; liên hệ cán bộ Bình qua binh@example.gov.vn hoặc 0987 654 321.' }, coordinator);
    expect(answered.status).toBe(200);
  }
}, 60_000);

afterAll(async () => {
  await system?.stop();
  await rm(dataDir, { recursive: true, force: true });
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

  it('When the coordinator publishes with an edited question, then the entry is public, masked, grouped by field and names the agency', async () => {
    const response = await call(
      'POST',
      `/tickets/${consenting.id}/publish`,
      { question: 'Đăng ký khai sinh cho con khi bố mẹ chưa đăng ký kết hôn cần giấy tờ gì? (gọi 0912345678)' },
      coordinator,
    );
    expect(response.status).toBe(200);
    const { publication } = await json<{ publication: Record<string, unknown> }>(response);
    expect(publication['question']).toBe('Đăng ký khai sinh cho con khi bố mẹ chưa đăng ký kết hôn cần giấy tờ gì? (gọi [phone])');
    expect(publication['answer']).toBe('Cần giấy chứng sinh; liên hệ cán bộ Bình qua [email] hoặc [phone].');
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
    expect(html).toContain(`<h2>${String(entry['field'])}</h2>`);
    expect(html).toContain(`Trả lời của ${String(entry['agencyName'])}`);
    expect(html).not.toContain('0912');
  });

  it('When published text contains markup, then the page escapes it', async () => {
    const response = await call('POST', `/tickets/${consenting.id}/publish`, { question: 'Khai sinh <script>alert("x")</script>?', field: 'Hộ tịch <b>' }, coordinator);
    expect(response.status).toBe(200);
    expect(await publicEntries()).toHaveLength(1);
    const html = await (await fetch(`${base}/hoi-dap`)).text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('<h2>Hộ tịch &lt;b&gt;</h2>');
  });

  it('When the coordinator unpublishes, then the entry is gone and a second unpublish is 404', async () => {
    expect((await call('DELETE', `/tickets/${consenting.id}/publish`, undefined, staff)).status).toBe(403);
    expect((await call('DELETE', `/tickets/${consenting.id}/publish`, undefined, coordinator, false)).status).toBe(403);
    expect((await call('DELETE', `/tickets/${consenting.id}/publish`, undefined, coordinator)).status).toBe(204);
    expect(await publicEntries()).toEqual([]);
    const again = await call('DELETE', `/tickets/${consenting.id}/publish`, undefined, coordinator);
    expect(again.status).toBe(404);
    expect((await json(again))['code']).toBe('PUBLISH.NOT_FOUND');
    const html = await (await fetch(`${base}/hoi-dap`)).text();
    expect(html).toContain('Chưa có câu hỏi nào được công khai.');
  });
});
