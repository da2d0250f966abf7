import type { Copy } from './types.js';

/** Vietnamese copy: the one place where the assistant's Vietnamese wording lives. */
export const vi: Copy = {
  locale: 'vi',
  answers: {
    methods: { truc_tiep: 'Trực tiếp', truc_tuyen: 'Trực tuyến', buu_chinh: 'Qua bưu chính' },
    onlineLevels: {
      toan_trinh: 'dịch vụ công trực tuyến toàn trình',
      mot_phan: 'dịch vụ công trực tuyến một phần',
      khong: 'chưa có dịch vụ công trực tuyến',
    },
    codeLabel: (code) => `mã thủ tục ${code}`,
    labels: {
      place: 'Nơi giải quyết',
      methods: 'Cách nộp',
      time: 'Thời hạn giải quyết',
      fee: 'Phí, lệ phí',
      online: 'Nộp trực tuyến',
      documents: 'Hồ sơ cần chuẩn bị',
      steps: 'Các bước thực hiện',
      result: 'Kết quả',
      legal: 'Căn cứ pháp lý',
      conditions: 'Điều kiện',
      audience: 'Đối tượng',
    },
    unverified: ' (*)',
    unverifiedNote: '(*) Thông tin chưa được đối chiếu với Cơ sở dữ liệu quốc gia về thủ tục hành chính; vui lòng xác nhận với cơ quan giải quyết trước khi nộp.',
    moreDocuments: (n) => `… và ${n} giấy tờ khác (hỏi "hồ sơ" để xem đủ).`,
    moreSteps: (n) => `… và ${n} bước nữa.`,
    followUpHint: 'Bạn có thể hỏi thêm: hồ sơ, lệ phí, thời hạn, nơi nộp, nộp trực tuyến, căn cứ pháp lý.',
    sourceLine: (asOf) => `Nguồn: danh mục thủ tục hành chính, cập nhật ngày ${asOf}.`,
    clarifyQuestion: 'Bạn đang hỏi về thủ tục nào dưới đây?',
    confirmQuestion: (name) => `Có phải bạn muốn hỏi về thủ tục "${name}"?`,
    abstain: 'Xin lỗi, tôi chưa tìm được thủ tục phù hợp với câu hỏi của bạn. Tôi có thể chuyển câu hỏi đến cơ quan có thẩm quyền hoặc kết nối bạn với tổng đài viên.',
    noCurrentProcedure: 'Bạn muốn hỏi về thủ tục nào? Hãy cho tôi biết tên thủ tục, ví dụ "đăng ký khai sinh".',
    intentNames: {
      procedure: 'Ý định: hỏi thủ tục hành chính',
      greeting: 'Ý định: chào hỏi',
      handoff: 'Ý định: muốn gặp tổng đài viên',
      news: 'Ý định: tin tức, đăng ký nhận tin',
      track: 'Ý định: tra cứu câu hỏi hoặc hồ sơ',
      feedback: 'Ý định: phản ánh, kiến nghị',
      other: 'Ý định: ngoài phạm vi hỗ trợ',
    },
  },
};
