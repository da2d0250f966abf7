import { describe, expect, it } from 'vitest';
import { loadBrain } from '../../knowledge/brain/index.js';
import { PUBLISHED_ANSWER_THRESHOLD, PublishedIndex } from '../../knowledge/published/index.js';
import type { PublishedAnswer } from '../../src/domain/publication.js';

/** Labelled examples the threshold was picked on: paraphrases (match) and other topics (no match). */
const mk = (i: number, question: string, answer: string, agencyId: string): PublishedAnswer => ({
  id: `qa:${i}`,
  ticketId: String(i),
  agencyId,
  question,
  answer,
  publishedAt: new Date(0),
  approvedBy: 'editor',
});

const ENTRIES = [
  mk(1, 'Trường mầm non công lập có nhận trẻ dưới 18 tháng tuổi không?', 'Các trường mầm non công lập nhận trẻ từ 18 tháng tuổi trở lên.', 'so-gd'),
  mk(2, 'Xe buýt tuyến số 5 có chạy vào ngày Tết không?', 'Tuyến số 5 nghỉ chạy từ 30 Tết đến mùng 2.', 'so-gtvt'),
  mk(3, 'Người nước ngoài muốn kết hôn với công dân Việt Nam ở tỉnh thì cần phỏng vấn không?', 'Không bắt buộc phỏng vấn, trừ khi cần xác minh.', 'so-tu-phap'),
];

const PARAPHRASES: Array<[string, string]> = [
  ['1', 'con tôi 15 tháng có được nhận vào trường mầm non công lập không'],
  ['1', 'truong mam non cong lap nhan tre may thang tuoi'],
  ['2', 'tết xe buýt số 5 có chạy không ạ'],
  ['2', 'ngày tết tuyến xe buýt 5 còn hoạt động không'],
  ['3', 'chồng tôi là người nước ngoài, kết hôn có phải phỏng vấn không'],
];

const UNRELATED = [
  'đường trước nhà tôi bị ngập nước mấy ngày nay',
  'làm sao để xin trợ cấp thất nghiệp',
  'tiền điện tháng này tăng bất thường',
  'trường đại học nào ở tỉnh có ngành y',
  'cấp lại giấy phép lái xe bị mất',
  'tôi muốn hỏi về chế độ nghỉ thai sản',
];

describe('published answers index', () => {
  const index = new PublishedIndex(loadBrain());
  index.load(ENTRIES);

  it.each(PARAPHRASES)('finds entry %s for a paraphrase: %s', (ticketId, question) => {
    const match = index.find(question);
    expect(match?.entry.ticketId).toBe(ticketId);
    expect(match!.score).toBeGreaterThanOrEqual(PUBLISHED_ANSWER_THRESHOLD);
    expect(match!.score).toBeLessThanOrEqual(1);
  });

  it.each(UNRELATED)('finds nothing for another topic: %s', (question) => {
    expect(index.find(question)).toBeUndefined();
  });

  it('is empty before loading and follows reloads', () => {
    const fresh = new PublishedIndex(loadBrain());
    expect(fresh.find(PARAPHRASES[0]![1])).toBeUndefined();
    fresh.load(ENTRIES);
    expect(fresh.find(PARAPHRASES[0]![1])?.entry.ticketId).toBe('1');
    fresh.load(ENTRIES.slice(1));
    expect(fresh.find(PARAPHRASES[0]![1])).toBeUndefined();
  });
});
