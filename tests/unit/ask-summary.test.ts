import { describe, expect, it } from 'vitest';
import { loadBrain } from '../../knowledge/brain/index.js';
import { toAskSummary } from '../../src/core/ask-summary.js';

/** The public JSON view of a brain decision (`POST /api/v1/ask`): its confidence and a concern when there is one. */
describe('toAskSummary', () => {
  const brain = loadBrain();

  it('When a clear question is answered, then the summary carries its calibrated confidence', () => {
    const s = toAskSummary(brain.ask('Đăng ký khai sinh cho con cần giấy tờ gì?'));
    expect(s).toMatchObject({ decision: 'answer', answered: true, procedure: { code: '1.001193' } });
    expect(s.confidence).toBeGreaterThan(0.5);
    expect(s.confidence).toBeLessThanOrEqual(1);
    expect(s.concern).toBeUndefined();
  });

  it('When a complaint names its procedure, then the summary says so with the procedure as context, not as the answer', () => {
    const s = toAskSummary(brain.ask('Tôi đã nộp giấy tờ vào công ty được hơn một tháng nhưng vẫn chưa nhận được tiền thai sản. Bây giờ tôi phải làm sao?'));
    expect(s).toMatchObject({ intent: 'feedback', answered: false, procedure: null, concern: { kind: 'complaint', related: { name: brain.getProcedure('che-do-thai-san')!.name } } });
  });
});
