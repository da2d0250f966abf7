import type { Procedure } from '../src/domain/procedure.js';
import { seededRandom } from './pipeline/questions.js';

/**
 * A large synthetic catalog grown from the real records, for measuring latency and memory at the scale
 * of a province's full catalog (nlp.md: 2k–6k procedures). Each clone changes the name with a realistic
 * qualifier and mixes in vocabulary from other records, so postings lists grow as they would.
 */

const QUALIFIERS = [
  'đối với tổ chức', 'đối với cá nhân', 'cho người nước ngoài', 'tại khu kinh tế', 'trong khu công nghiệp',
  'đối với hộ gia đình', 'cấp tỉnh', 'cấp xã', 'trường hợp đặc biệt', 'cho doanh nghiệp nhỏ', 'có yếu tố nước ngoài',
  'đối với người cao tuổi', 'cho đơn vị sự nghiệp', 'tại vùng biên giới', 'đối với hợp tác xã', 'cho tàu thuyền',
];
const ACTIONS = ['Cấp', 'Cấp lại', 'Cấp đổi', 'Gia hạn', 'Điều chỉnh', 'Thu hồi', 'Xác nhận', 'Đăng ký', 'Thẩm định', 'Phê duyệt'];

/** Deterministic PRNG (mulberry32) so every run measures the same catalog. */
export const rng = seededRandom;

export function pick<T>(items: T[], r: () => number): T {
  return items[Math.floor(r() * items.length)]!;
}

export function syntheticCatalog(real: Procedure[], size: number, seed = 1022): Procedure[] {
  const r = rng(seed);
  const out: Procedure[] = [...real];
  for (let i = out.length; i < size; i++) {
    const base = pick(real, r);
    const other = pick(real, r);
    const qualifier = pick(QUALIFIERS, r);
    const action = pick(ACTIONS, r);
    const name = `${action} ${base.name.charAt(0).toLowerCase()}${base.name.slice(1)} ${qualifier}`;
    out.push({
      ...base,
      id: `${base.id}-syn-${i}`,
      code: `9.${String(i).padStart(6, '0')}`,
      name,
      aliases: [...base.aliases.slice(0, 6).map((a) => `${a} ${qualifier}`), ...other.aliases.slice(0, 2)],
      keywords: [...base.keywords, ...other.keywords.slice(0, 2)],
      description: `${base.description} ${other.description}`,
    });
  }
  return out;
}
