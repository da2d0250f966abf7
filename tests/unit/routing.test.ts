import { beforeAll, describe, expect, it } from 'vitest';
import { loadBrain } from '../../knowledge/brain/index.js';
import { DEFAULT_DATA_DIR, loadCatalog, type Catalog } from '../../knowledge/catalog/load.js';
import { loadLexicon } from '../../knowledge/nlp/lexicon.js';
import { evaluateRouting, loadRoutingItems, type RoutingMetrics } from '../../knowledge/routing/evaluate.js';
import { createRouter, loadRoutingData, Router } from '../../knowledge/routing/index.js';

/**
 * Routing (issue 4): procedure → its agency; feedback topics → the agency routing.vi.json names;
 * anything unrelated → the coordinator desk; accents optional. Accuracy floors on
 * knowledge/eval/routing.vi.jsonl (133 messages, written before any tuning; `dev` items were tuned
 * on, `test` items were not). Measured when the floors were set: 97.0 % overall with the brain and
 * kind hints (dev 98.9 %, test 93.2 %), 96.2 % from the text alone, 97.0 % without the brain. With
 * every data phrase that also occurs in an eval message removed (a pessimistic check for leakage from
 * the set into routing.vi.json), 92.5 % overall and 86.4 % on test.
 */
let catalog: Catalog;
let router: Router;
let textOnly: Router;
const COORDINATOR = 'desk-1022';

beforeAll(() => {
  catalog = loadCatalog();
  router = createRouter({ catalog, brain: loadBrain() });
  textOnly = createRouter({ catalog });
});

describe('a known procedure routes to its agency', () => {
  it('when the caller names it (by id or code), whatever the text', () => {
    const r = router.route('cho em hỏi cái này', { procedureId: 'dang-ky-xe' });
    expect(r).toMatchObject({ agencyId: 'cong-an-cap-xa', reason: 'procedure', field: 'Đường bộ', confidence: 1 });
    const code = catalog.procedures.find((p) => p.id === 'cap-phieu-ly-lich-tu-phap')!.code;
    expect(router.route('abc', { procedureId: code }).agencyId).toBe('cong-an-tinh');
  });

  it('ignores an unknown procedure hint and routes by the text', () => {
    expect(router.route('quốc lộ có nhiều ổ gà', { procedureId: 'khong-co-thu-tuc-nay', kind: 'feedback' }).agencyId).toBe('so-xay-dung');
  });

  it('when the brain answers the question with a procedure', () => {
    const cases: Array<[string, string]> = [
      ['Đăng ký khai sinh cho con cần giấy tờ gì?', 'ubnd-cap-xa'],
      ['làm lại bằng lái xe bị mất ở đâu', 'cong-an-tinh'],
      ['nhập hộ khẩu cho vợ về nhà chồng', 'cong-an-cap-xa'],
      ['rút bảo hiểm xã hội một lần cần gì', 'bhxh-tinh'],
      ['sang tên sổ đỏ khi mua đất', 'vp-dang-ky-dat-dai'],
    ];
    for (const [q, agencyId] of cases) expect(router.route(q), q).toMatchObject({ agencyId, reason: 'procedure' });
    expect(router.route('Đăng ký khai sinh cho con cần giấy tờ gì?').field).toBe('Hộ tịch');
  });

  it("every procedure's own name routes to its agency", () => {
    const wrong = catalog.procedures.filter((p) => router.route(p.name).agencyId !== p.agencyId).map((p) => p.id);
    expect(wrong).toEqual([]);
  });
});

describe('feedback goes to the agency its topic names', () => {
  const cases: Array<[string, string]> = [
    ['quốc lộ đoạn qua chợ có nhiều ổ gà lớn', 'so-xay-dung'],
    ['cầu sắt bị nứt dầm, xe qua rung lắc', 'so-xay-dung'],
    ['mưa to một tí là ngập úng cả khu dân cư', 'ubnd-cap-xa'],
    ['rác thải sinh hoạt không được thu gom cả tuần', 'ubnd-cap-xa'],
    ['đèn đường trong khu dân cư bị hỏng', 'ubnd-cap-xa'],
    ['quán cà phê lấn chiếm vỉa hè để xe', 'ubnd-cap-xa'],
    ['hàng xóm xây dựng trái phép trên đất nông nghiệp', 'ubnd-cap-xa'],
    ['cơ sở tái chế nhựa xả khói đen gây ô nhiễm', 'so-nong-nghiep-moi-truong'],
    ['quán karaoke hát ồn ào đến khuya', 'cong-an-cap-xa'],
    ['có nhóm đánh bạc tụ tập ở bãi đất trống', 'cong-an-cap-xa'],
    ['cán bộ phường thái độ hách dịch, quát nạt dân', 'so-noi-vu'],
    ['cán bộ xã nhận hối lộ mới cấp giấy', 'thanh-tra-tinh'],
    ['mất điện cả buổi chiều không báo trước', 'so-cong-thuong'],
  ];

  it.each(cases)('%s → %s', (q, agencyId) => {
    const r = router.route(q, { kind: 'feedback' });
    expect(r.agencyId).toBe(agencyId);
    expect(r.reason).toBe('classifier');
  });

  it('reports the topic’s field', () => {
    expect(router.route('quốc lộ có nhiều ổ gà', { kind: 'feedback' }).field).toBe('Đường bộ');
    expect(router.route('nhà máy xả nước thải ra sông', { kind: 'feedback' }).field).toBe('Môi trường');
  });

  it('routes feedback the same from the text alone and without the brain', () => {
    for (const [q, agencyId] of cases) {
      expect(router.route(q).agencyId, q).toBe(agencyId);
      expect(textOnly.route(q, { kind: 'feedback' }).agencyId, q).toBe(agencyId);
    }
  });
});

describe('the coordinator desk gets what no agency should', () => {
  it.each(['asdkjh qwezx', '', '   ', '!!!', 'kể chuyện cười đi', 'giá vàng hôm nay bao nhiêu', 'thời tiết ngày mai thế nào', 'tôi muốn phản ánh'])(
    '%j → coordinator',
    (q) => {
      for (const kind of ['question', 'feedback'] as const) {
        const r = router.route(q, { kind });
        expect(r.agencyId).toBe(COORDINATOR);
        expect(r.reason).toBe('coordinator');
      }
    },
  );

  it('passes its best guesses on to the coordinator when there is some evidence', () => {
    const r = router.route('hôm nay trời đẹp quá');
    expect(r.agencyId).toBe(COORDINATOR);
    expect(r.confidence).toBeGreaterThanOrEqual(0);
    expect(r.alternatives.length).toBeLessThanOrEqual(3);
    expect(router.route('qwzx').alternatives).toEqual([]);
  });
});

describe('Vietnamese as citizens type it', () => {
  const pairs: Array<[string, string]> = [
    ['đường quốc lộ nhiều ổ gà quá', 'duong quoc lo nhieu o ga qua'],
    ['hàng xóm hát karaoke ồn không ngủ được', 'hang xom hat karaoke on khong ngu duoc'],
    ['nhà máy xả nước thải ra sông', 'nha may xa nuoc thai ra song'],
    ['cán bộ một cửa hách dịch với dân', 'can bo mot cua hach dich voi dan'],
    ['rác không ai thu gom', 'rac ko ai thu gom'],
    ['đăng ký tạm trú cho người thuê trọ', 'dk tam tru cho ng thue tro'],
  ];

  it.each(pairs)('%s ≡ %s', (accented, plain) => {
    const a = router.route(accented);
    const b = router.route(plain);
    expect(b.agencyId).toBe(a.agencyId);
    expect(a.agencyId).not.toBe(COORDINATOR);
  });

  it('keeps words the clause splitter takes for connectives ("ma túy")', () => {
    expect(router.route('nghi có người bán ma túy trong xóm', { kind: 'feedback' }).agencyId).toBe('cong-an-cap-xa');
  });
});

describe('routing is data', () => {
  it('every topic names a known agency, and the router refuses one that does not', () => {
    const data = loadRoutingData(DEFAULT_DATA_DIR);
    const ids = new Set(catalog.directory.agencies.map((a) => a.id));
    expect(data.topics.length).toBeGreaterThanOrEqual(20);
    for (const t of data.topics) expect(ids.has(t.agencyId), t.id).toBe(true);
    const bad = { ...data, topics: [{ id: 'x', agencyId: 'so-khong-ton-tai', field: 'Không', phrases: ['abc'], examples: [] }] };
    expect(() => new Router({ catalog, lexicon: loadLexicon(DEFAULT_DATA_DIR), data: bad })).toThrow(/so-khong-ton-tai/);
  });

  it('a topic decides where its phrases go', () => {
    const data = loadRoutingData(DEFAULT_DATA_DIR);
    const potholes = data.topics.map((t) => (t.id === 'duong-bo' ? { ...t, agencyId: 'ubnd-cap-xa' } : t));
    const local = new Router({ catalog, lexicon: loadLexicon(DEFAULT_DATA_DIR), data: { ...data, topics: potholes } });
    expect(local.route('quốc lộ có nhiều ổ gà', { kind: 'feedback' }).agencyId).toBe('ubnd-cap-xa');
  });

  it('decisions are well formed', () => {
    for (const q of ['quốc lộ có nhiều ổ gà', 'Đăng ký khai sinh cho con', 'asdf', 'đường làng bị ngập']) {
      const r = router.route(q);
      expect(r.confidence).toBeGreaterThanOrEqual(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
      expect(r.alternatives.length).toBeLessThanOrEqual(3);
      expect(r.alternatives.map((a) => a.agencyId)).not.toContain(r.agencyId);
    }
  });
});

describe('accuracy on knowledge/eval/routing.vi.jsonl', () => {
  const items = loadRoutingItems();
  let withHints: RoutingMetrics;

  beforeAll(() => {
    withHints = evaluateRouting(router, items, true);
  });

  it('is a real set: at least 80 messages, both kinds, both splits, unaccented and unroutable ones', () => {
    const ids = new Set(catalog.directory.agencies.map((a) => a.id));
    expect(items.length).toBeGreaterThanOrEqual(80);
    for (const i of items) expect(ids.has(i.expect), i.expect).toBe(true);
    expect(items.filter((i) => i.kind === 'feedback').length).toBeGreaterThanOrEqual(40);
    expect(items.filter((i) => i.variant !== 'accented').length).toBeGreaterThanOrEqual(30);
    expect(items.filter((i) => i.expect === COORDINATOR).length).toBeGreaterThanOrEqual(10);
    expect(items.filter((i) => i.split === 'test').length).toBeGreaterThanOrEqual(40);
  });

  it('meets the floors', () => {
    expect(withHints.accuracy).toBeGreaterThanOrEqual(FLOORS.overall);
    expect(withHints.by['split:test']!.accuracy).toBeGreaterThanOrEqual(FLOORS.test);
    expect(withHints.by['variant:unaccented']!.accuracy).toBeGreaterThanOrEqual(FLOORS.overall);
    expect(withHints.by['kind:feedback']!.accuracy).toBeGreaterThanOrEqual(FLOORS.feedback);
    expect(evaluateRouting(router, items, false).accuracy).toBeGreaterThanOrEqual(FLOORS.overall);
    expect(evaluateRouting(textOnly, items, true).accuracy).toBeGreaterThanOrEqual(FLOORS.overall);
  });

  it('sends unroutable messages to the coordinator, and routable ones rarely there', () => {
    const desk = items.filter((i) => i.expect === COORDINATOR);
    const toDesk = desk.filter((i) => router.route(i.q, { kind: i.kind }).agencyId === COORDINATOR).length;
    expect(toDesk / desk.length).toBeGreaterThanOrEqual(FLOORS.coordinatorRecall);
    const routable = items.filter((i) => i.expect !== COORDINATOR);
    const lost = routable.filter((i) => router.route(i.q, { kind: i.kind }).agencyId === COORDINATOR).length;
    expect(lost / routable.length).toBeLessThanOrEqual(0.05);
  });
});

/** Floors a little under what was measured (see the header), so data edits have some room. */
const FLOORS = { overall: 0.93, test: 0.88, feedback: 0.93, coordinatorRecall: 0.85 };

describe('speed', () => {
  it('routes 1,000 messages in a loop (pure and synchronous; no timing asserted)', () => {
    const qs = ['Đăng ký khai sinh cho con cần gì', 'đường quốc lộ nhiều ổ gà quá', 'hàng xóm hát karaoke đến nửa đêm', 'asdf'];
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const r = router.route(qs[i % qs.length]!, i % 2 ? { kind: 'feedback' } : {});
      counts.set(r.agencyId, (counts.get(r.agencyId) ?? 0) + 1);
    }
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(1000);
  });
});
