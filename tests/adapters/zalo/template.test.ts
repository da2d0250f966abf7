import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createZaloAdapter, templateData, ZaloApiError, ZaloOA, type ZaloAdapterOptions } from '../../../adapters/zalo/index.js';
import { ChannelSendError } from '../../../src/ports/channel.js';
import { MemorySecretRepo } from '../../fakes/memory-secrets.js';
import { bigId, FakeZalo } from '../../fakes/zalo/index.js';

/**
 * ZBS template messages (POST /v3.0/oa/message/template, platforms.md §1.4) against the fake Zalo API:
 * the client's sendTemplate with the token protocol and error mapping, and the adapter's window notice.
 */
const TEMPLATE = '412345';
const PATH = '/v3.0/oa/message/template';
let fake: FakeZalo;

function options(overrides: Partial<ZaloAdapterOptions> = {}): ZaloAdapterOptions {
  return {
    appId: fake.appId,
    appSecret: fake.appSecret,
    oaSecretKey: fake.oaSecretKey,
    apiBase: fake.apiBase,
    oauthBase: fake.oauthBase,
    tokens: { secrets: new MemorySecretRepo(), seed: fake.issueTokens() },
    ...overrides,
  };
}

beforeEach(async () => {
  fake = await new FakeZalo({ templates: { [TEMPLATE]: ['ma_ho_so', 'co_quan', 'ngay_tra_loi'] } }).start();
});

afterEach(async () => {
  await fake.stop();
});

describe('ZaloOA.sendTemplate', () => {
  it('posts user_id, template_id and template_data with the access_token header and returns the message id', async () => {
    const oa = new ZaloOA(options());
    const user = bigId();
    const sent = await oa.sendTemplate(user, TEMPLATE, { ma_ho_so: 'AB12-CD34E', co_quan: 'Sở Tư pháp', ngay_tra_loi: '05/03/2026' });
    const [request] = fake.requestsTo(PATH);
    expect(request!.headers['access_token']).toBeTruthy();
    expect(request!.json).toEqual({ user_id: user, template_id: TEMPLATE, template_data: { ma_ho_so: 'AB12-CD34E', co_quan: 'Sở Tư pháp', ngay_tra_loi: '05/03/2026' } });
    expect(sent).toMatchObject({ messageId: fake.sentTemplates[0]!.messageId, userId: user });
  });

  it('is not limited by the 7-day window', async () => {
    const user = bigId();
    fake.windowClosed.add(user);
    await new ZaloOA(options()).sendTemplate(user, TEMPLATE, { ma_ho_so: 'X', co_quan: 'Y', ngay_tra_loi: '01/01/2026' });
    expect(fake.sentTemplates).toHaveLength(1);
  });

  it('refreshes an expired token once and retries', async () => {
    const oa = new ZaloOA(options());
    fake.expireAccessToken();
    await oa.sendTemplate(bigId(), TEMPLATE, { ma_ho_so: 'X', co_quan: 'Y', ngay_tra_loi: '01/01/2026' });
    expect(fake.requestsTo('/v4/oa/access_token')).toHaveLength(1);
    expect(fake.requestsTo(PATH).map((r) => r.response.error)).toEqual([-220, 0]);
  });

  it('raises ZaloApiError for an unknown template or a missing parameter', async () => {
    const oa = new ZaloOA(options());
    await expect(oa.sendTemplate(bigId(), '999', { ma_ho_so: 'X' })).rejects.toMatchObject({ name: 'ZaloApiError', code: -201, classification: 'permanent' });
    const missing = oa.sendTemplate(bigId(), TEMPLATE, { ma_ho_so: 'X', co_quan: 'Y' });
    await expect(missing).rejects.toBeInstanceOf(ZaloApiError);
    expect(fake.sentTemplates).toHaveLength(0);
  });
});

describe('Zalo adapter window notice', () => {
  const notice = { userId: bigId(), ticketCode: 'AB12-CD34E', agencyName: 'Sở Tư pháp', answeredAt: new Date('2026-03-04T18:30:00Z') };

  it('exists only when a template is configured', () => {
    expect(createZaloAdapter(options()).windowNotice).toBeUndefined();
    expect(createZaloAdapter(options({ answerTemplate: { templateId: TEMPLATE, params: { code: 'ma_ho_so' } } })).windowNotice).toBeDefined();
  });

  it('applies to the closed-window codes only (-230, -232), not to other held codes', () => {
    const sender = createZaloAdapter(options({ answerTemplate: { templateId: TEMPLATE, params: {} } })).windowNotice!;
    expect([-230, -232, '-230'].map((c) => sender.appliesTo(c))).toEqual([true, true, true]);
    expect([-213, -217, -227, -234, -244, 'window:24h', undefined].map((c) => sender.appliesTo(c))).toEqual([false, false, false, false, false, false, false]);
  });

  it('fills the configured parameter names, with the answer date in Vietnam (dd/mm/yyyy)', async () => {
    const sender = createZaloAdapter(options({ answerTemplate: { templateId: TEMPLATE, params: { code: 'ma_ho_so', agency: 'co_quan', date: 'ngay_tra_loi' } } })).windowNotice!;
    const { externalId } = await sender.send(notice);
    expect(externalId).toBe(fake.sentTemplates[0]!.messageId);
    // 18:30 UTC on 4 March is 01:30 on 5 March in Vietnam.
    expect(fake.sentTemplates[0]).toMatchObject({ userId: notice.userId, templateId: TEMPLATE, data: { ma_ho_so: 'AB12-CD34E', co_quan: 'Sở Tư pháp', ngay_tra_loi: '05/03/2026' } });
    expect(templateData({ code: 'tracking' }, notice)).toEqual({ tracking: 'AB12-CD34E' });
  });

  it('maps failures to ChannelSendError: a refused template is permanent, a platform hiccup retryable', async () => {
    const sender = createZaloAdapter(options({ answerTemplate: { templateId: '999', params: { code: 'ma_ho_so' } } })).windowNotice!;
    await expect(sender.send(notice)).rejects.toMatchObject({ kind: 'permanent', platformCode: -201 });
    fake.failNext(-200, 1, { path: PATH });
    const good = createZaloAdapter(options({ answerTemplate: { templateId: TEMPLATE, params: { code: 'ma_ho_so', agency: 'co_quan', date: 'ngay_tra_loi' } } })).windowNotice!;
    const failure = await good.send(notice).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ChannelSendError);
    expect(failure).toMatchObject({ kind: 'retryable', platformCode: -200 });
  });
});
