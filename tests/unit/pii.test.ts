import { describe, expect, it } from 'vitest';
import { maskPii } from '../../src/domain/pii.js';

describe('maskPii: phone numbers', () => {
  it.each([
    ['0912345678'],
    ['0912 345 678'],
    ['0912.345.678'],
    ['0912-345-678'],
    ['091 234 5678'],
    ['0345678901'],
    ['0567890123'],
    ['0789012345'],
    ['0868123456'],
    ['+84912345678'],
    ['+84 912 345 678'],
    ['+84-912-345-678'],
    ['+84.912.345.678'],
    ['(+84) 912 345 678'],
    ['(84) 912345678'],
    ['84912345678'],
    ['84 912 345 678'],
    ['+84 0912 345 678'],
    ['02438251234'],
    ['024 3825 1234'],
    ['(024) 3825 1234'],
    ['0236 382 1234'],
    ['+84 24 3825 1234'],
  ])('When the text is the phone number %s, then it becomes [phone]', (phone) => {
    expect(maskPii(phone)).toBe('[phone]');
  });

  it('When phones sit inside a Vietnamese sentence, then only the numbers are replaced', () => {
    // Arrange
    const text = 'Em tên Lan, sđt 0912 345 678, gọi lại giúp em nhé. Số bàn: (024) 3825 1234.';

    // Act
    const masked = maskPii(text);

    // Assert
    expect(masked).toBe('Em tên Lan, sđt [phone], gọi lại giúp em nhé. Số bàn: [phone].');
  });

  it('When a phone is glued to a label without a space, then it is still masked', () => {
    expect(maskPii('sdt0912345678')).toBe('sdt[phone]');
    expect(maskPii('ĐT:0987654321')).toBe('ĐT:[phone]');
  });

  it('When two phones are separated by a slash or comma, then both are masked', () => {
    expect(maskPii('0912345678/0987654321')).toBe('[phone]/[phone]');
    expect(maskPii('0912345678,0987654321')).toBe('[phone],[phone]');
  });

  it('When a number has too many or too few digits for a phone, then it is not masked as a phone', () => {
    expect(maskPii('091234567')).not.toContain('[phone]');
    expect(maskPii('09123456789')).toBe('09123456789');
  });
});

describe('maskPii: identifiers the system generates', () => {
  it('When a log line carries a ticket or message UUID whose digits read like a phone or ID number, then the UUID stays whole', () => {
    for (const id of ['0a63db23-0364-4446-84ab-8028918ed6d4', 'd623466c-50a3-4d54-a00e-ab0812446676', 'd6789e29-d8a3-4cc8-b073-6614323d8c07', '12345678-0912-4345-8678-012345678901']) {
      expect(maskPii(`ticket ${id} published`)).toBe(`ticket ${id} published`);
    }
    expect(maskPii('ticket 0a63db23-0364-4446-84ab-8028918ed6d4, gọi 0912 345 678')).toBe('ticket 0a63db23-0364-4446-84ab-8028918ed6d4, gọi [phone]');
  });
});

describe('maskPii: ID numbers (CCCD, CMND)', () => {
  it.each([['001203001234'], ['079203001234'], ['031203001234'], ['0012 0300 1234'], ['123456789']])(
    'When the text is the ID number %s, then it becomes [id]',
    (id) => {
      expect(maskPii(id)).toBe('[id]');
    },
  );

  it('When an ID follows a CCCD or CMND label, then it is masked with or without a separator', () => {
    expect(maskPii('CCCD 001203001234 đã hết hạn')).toBe('CCCD [id] đã hết hạn');
    expect(maskPii('CCCD001203001234')).toBe('CCCD[id]');
    expect(maskPii('cmnd:123456789')).toBe('cmnd:[id]');
    expect(maskPii('số CMND: 123456789.')).toBe('số CMND: [id].');
  });

  it('When a CCCD starts like a mobile prefix (031…, 079…), then the whole 12 digits are masked as an ID', () => {
    expect(maskPii('căn cước 031203001234')).toBe('căn cước [id]');
  });
});

describe('maskPii: e-mail addresses', () => {
  it.each([['nguyen.van.a@gmail.com'], ['a.b+c@example.com.vn'], ['lan_2001@yahoo.com'], ['hotro@sotp.tinh.gov.vn']])(
    'When the text is the address %s, then it becomes [email]',
    (email) => {
      expect(maskPii(email)).toBe('[email]');
    },
  );

  it('When an address containing digits is in a sentence, then the digits do not leak as a phone', () => {
    expect(maskPii('gửi vào lan0912345678@gmail.com giúp em')).toBe('gửi vào [email] giúp em');
  });
});

describe('maskPii: things that must stay', () => {
  it.each([
    ['procedure code', 'thủ tục 1.001193 và 2.000986'],
    ['full procedure code', '1.001193.000.00.00.H12'],
    ['dossier code', '000.00.12.H12-250312-0001'],
    ['date with slashes', 'hẹn ngày 05/03/2025'],
    ['date with dots and an hour', 'ngày 05.03.2025 10 giờ'],
    ['ISO date', '2025-03-05'],
    ['money with dots', 'lệ phí 100.000 đồng'],
    ['money without separators (đồng)', '150000000 đồng'],
    ['money without separators (đ)', '100000000đ'],
    ['money in NFD (đồng decomposed)', '123456789 đồng'.normalize('NFD')],
    ['money with commas', '2,000,000 VND'],
    ['money that starts with 84', '84.900.000.000 đồng'],
    ['hotline 1022', 'gọi tổng đài 1022'],
    ['hotline 1900', 'tổng đài 1900 1234'],
    ['tracking code', 'mã tra cứu STP-2026-000123'],
    ['tracking code with a long sequence', 'HS-001203001234'],
    ['decimal', '3.141592653'],
    ['epoch milliseconds', '1700000000000'],
    ['short numbers', 'có 3 bản sao, nộp trong 15 ngày'],
    ['placeholders', '[phone] [id] [email]'],
  ])('When the text holds a %s, then it is unchanged', (_label, text) => {
    expect(maskPii(text)).toBe(text);
  });

  it('When PII and non-PII numbers are mixed, then only PII is replaced', () => {
    // Arrange
    const text =
      'Tôi nộp hồ sơ thủ tục 1.001193 ngày 05/03/2025, lệ phí 100.000 đồng, mã STP-2026-000123. ' +
      'Liên hệ 0912.345.678 hoặc lan@gmail.com, CCCD 001203001234.';

    // Act
    const masked = maskPii(text);

    // Assert
    expect(masked).toBe(
      'Tôi nộp hồ sơ thủ tục 1.001193 ngày 05/03/2025, lệ phí 100.000 đồng, mã STP-2026-000123. ' +
        'Liên hệ [phone] hoặc [email], CCCD [id].',
    );
  });

  it('When text is masked twice, then the result does not change (idempotent)', () => {
    const once = maskPii('0912345678 a@b.vn 001203001234');
    expect(maskPii(once)).toBe(once);
  });

  it('When the text is empty or has no digits, then it is returned as is', () => {
    expect(maskPii('')).toBe('');
    expect(maskPii('Làm giấy khai sinh cần gì?')).toBe('Làm giấy khai sinh cần gì?');
  });
});
