import { formatVietnamDate } from '../dates.js';
import type { TicketKind } from '../ticket.js';
import type { Copy } from './types.js';

/** What a ticket is called: a feedback is a "phản ánh", never a "câu hỏi". */
const ticketNoun = (kind: TicketKind | undefined): string => (kind === 'feedback' ? 'phản ánh' : 'câu hỏi');
const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

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
    unverifiedNote:
      '(*) Thông tin này chưa được đối chiếu với Cơ sở dữ liệu quốc gia về thủ tục hành chính. Bạn vui lòng hỏi lại cơ quan giải quyết trước khi nộp hồ sơ.',
    moreDocuments: (n) => `… và ${n} giấy tờ khác (gõ "hồ sơ" để xem đầy đủ).`,
    moreSteps: (n) => `… và ${n} bước khác.`,
    followUpHint: 'Bạn có thể hỏi thêm về: hồ sơ, lệ phí, thời hạn, nơi nộp, nộp trực tuyến, mẫu tờ khai, căn cứ pháp lý, liên hệ.',
    onlineLinkTitle: 'Nộp hồ sơ trực tuyến',
    onlineLinkBelow: 'bạn bấm vào đường dẫn "Nộp hồ sơ trực tuyến" bên dưới',
    sourceLine: ({ name, checked }) => `Nguồn: ${name}, cập nhật ngày ${checked}.`,
    sourceNames: {
      'dichvucong.gov.vn': 'Cổng Dịch vụ công quốc gia',
      'dichvucong.bocongan.gov.vn': 'Cổng Dịch vụ công Bộ Công an',
      'dichvucong.baohiemxahoi.gov.vn': 'Cổng Dịch vụ công Bảo hiểm xã hội Việt Nam',
      'dangkykinhdoanh.gov.vn': 'Cổng thông tin quốc gia về đăng ký doanh nghiệp',
      'vneid.gov.vn': 'Cổng thông tin VNeID',
    },
    defaultSourceName: 'danh mục thủ tục hành chính của tỉnh',
    agencyAt: (agencyText, place) => {
      // "UBND phường Tân An" or "công an xã Bình Minh" as typed: the commune is what follows the body.
      const commune = place.trim().replace(/^(ubnd|ủy ban nhân dân|uỷ ban nhân dân|công an)\s+/iu, '');
      if (!/^(xã|phường|đặc khu|thị trấn)\s+\S/iu.test(commune)) return undefined;
      const name = commune.replace(/^\S+/u, (kind) => kind.toLowerCase());
      if (/^Ủy ban nhân dân cấp xã/u.test(agencyText)) return `UBND ${name}`;
      if (/^Công an cấp xã/u.test(agencyText)) return `Công an ${name}`;
      if (/^Ban Chỉ huy quân sự cấp xã/u.test(agencyText)) return `Ban Chỉ huy quân sự ${name}`;
      return undefined;
    },
    placeRule: 'Theo quy định',
    forms: {
      label: 'Mẫu đơn, tờ khai',
      none: 'Danh mục chưa ghi mẫu đơn hay tờ khai riêng cho thủ tục này. Bạn có thể hỏi cơ quan giải quyết khi nộp hồ sơ.',
      where: (online) =>
        online
          ? 'Mẫu đơn, tờ khai có sẵn tại nơi nộp hồ sơ và trên trang dịch vụ công trực tuyến của thủ tục (đường dẫn bên dưới).'
          : 'Mẫu đơn, tờ khai có sẵn tại nơi nộp hồ sơ.',
    },
    contact: {
      label: 'Liên hệ',
      address: 'Địa chỉ',
      phone: 'Điện thoại',
      email: 'Thư điện tử',
      website: 'Trang thông tin',
      hours: 'Giờ làm việc',
      none: 'Danh bạ chưa có địa chỉ, số điện thoại của cơ quan này. Bạn có thể gọi đường dây nóng 1022 để được hướng dẫn.',
      notListed: (name) => `Danh bạ chưa có địa chỉ, số điện thoại riêng của ${name}. Bạn có thể đến trụ sở ${name}, hoặc gọi đường dây nóng 1022 để được hướng dẫn.`,
      askCommune: 'Bạn cho biết tên xã, phường (hoặc đặc khu) nơi bạn làm thủ tục để tôi chỉ đúng cơ quan.',
    },
    clarifyQuestion: 'Bạn đang hỏi về thủ tục nào dưới đây?',
    confirmQuestion: (name) => `Có phải bạn muốn hỏi về thủ tục "${name}"?`,
    abstain:
      'Xin lỗi, tôi chưa tìm được thủ tục phù hợp với câu hỏi của bạn. Tôi có thể chuyển câu hỏi đến cơ quan có thẩm quyền, hoặc bạn có thể gặp tổng đài viên.',
    noCurrentProcedure: 'Bạn muốn hỏi về thủ tục nào? Bạn hãy cho tôi biết tên thủ tục, ví dụ: "đăng ký khai sinh".',
    intentNames: {
      procedure: 'Ý định: hỏi thủ tục hành chính',
      greeting: 'Ý định: chào hỏi',
      handoff: 'Ý định: muốn gặp tổng đài viên',
      news: 'Ý định: tin tức, đăng ký nhận tin',
      track: 'Ý định: tra cứu câu hỏi, phản ánh hoặc hồ sơ',
      feedback: 'Ý định: phản ánh, kiến nghị',
      other: 'Ý định: ngoài phạm vi hỗ trợ',
    },
  },
  bot: {
    greeting:
      'Xin chào! Tôi là Trợ lý 1022, trợ lý tự động của Cổng Dịch vụ công của tỉnh. Tôi có thể hướng dẫn thủ tục hành chính: hồ sơ, lệ phí, thời hạn, nơi nộp. Bạn cần hỏi gì?',
    menuButtons: { ask: 'Hỏi thủ tục', help: 'Hướng dẫn', agency: 'Gửi câu hỏi cho cơ quan', operator: 'Gặp tổng đài viên' },
    askPrompt: 'Bạn hãy nhập tên thủ tục hoặc mô tả việc cần làm, ví dụ: "làm giấy khai sinh cho con", "đăng ký tạm trú".',
    help:
      'Tôi trả lời về thủ tục hành chính theo danh mục của tỉnh. Bạn có thể gõ có dấu hoặc không dấu, ví dụ: "cấp lại căn cước", "lam so do lan dau". Sau khi tôi trả lời, bạn có thể hỏi tiếp về hồ sơ, lệ phí, thời hạn, nơi nộp, nộp trực tuyến, mẫu tờ khai, căn cứ pháp lý hoặc nơi liên hệ. Khi tôi chưa trả lời được, bạn có thể gửi câu hỏi, phản ánh cho cơ quan có thẩm quyền hoặc gặp tổng đài viên.',
    followUpButtons: {
      documents: 'Hồ sơ',
      fee: 'Lệ phí',
      time: 'Thời hạn',
      place: 'Nơi nộp',
      online: 'Nộp trực tuyến',
      legal: 'Căn cứ pháp lý',
      forms: 'Mẫu tờ khai',
      contact: 'Liên hệ',
    },
    anotherQuestion: 'Bạn cần hỏi thêm gì về thủ tục này, hoặc hỏi thủ tục khác?',
    fallbackOffer:
      'Xin lỗi, tôi chưa tìm được thủ tục phù hợp với câu hỏi của bạn. Bạn muốn gửi câu hỏi này cho cơ quan có thẩm quyền, gặp tổng đài viên, hay hỏi lại theo cách khác?',
    fallbackButtons: { agency: 'Gửi cho cơ quan', operator: 'Gặp tổng đài viên', rephrase: 'Hỏi lại' },
    publishedAnswer: ({ agencyName, question, answer }) => `${agencyName} đã trả lời câu hỏi tương tự: "${question}"\n\n${answer}`,
    publishedAnswerOffer:
      'Nếu câu trả lời trên chưa đúng với trường hợp của bạn, bạn có thể gửi câu hỏi này cho cơ quan có thẩm quyền, gặp tổng đài viên, hoặc hỏi lại theo cách khác.',
    rephrase: 'Bạn hãy mô tả lại việc cần làm, càng cụ thể càng tốt (ví dụ: cấp lại, cấp đổi, đăng ký lần đầu…).',
    emergency:
      'Nếu đang có nguy hiểm, bạn hãy gọi ngay: 113 (Công an), 114 (Cứu hỏa, cứu nạn), 115 (Cấp cứu y tế). Các số này miễn phí, hoạt động 24/7. Trợ lý tự động không điều động được lực lượng cứu hộ.',
    handoff: {
      queued: ({ position, waitMinutes }) =>
        `Tôi đã chuyển cuộc trò chuyện cho tổng đài viên 1022. Bạn đang ở vị trí thứ ${position} trong hàng chờ, thời gian chờ dự kiến khoảng ${waitMinutes} phút. ` +
        'Bạn cứ nhắn tiếp nội dung cần hỏi, tổng đài viên sẽ đọc toàn bộ khi tiếp nhận. Trong lúc chờ, trợ lý tự động sẽ không trả lời.',
      stillQueued: ({ position, waitMinutes }) =>
        `Tôi đã lưu tin nhắn của bạn cho tổng đài viên. Bạn đang ở vị trí thứ ${position}, thời gian chờ dự kiến khoảng ${waitMinutes} phút.`,
      leaveButton: 'Thôi, hỏi trợ lý tự động',
      longWait: 'Thời gian chờ khá lâu: bạn cũng có thể gửi câu hỏi cho cơ quan có thẩm quyền (có mã theo dõi), hoặc để lại số điện thoại để tổng đài viên gọi lại.',
      left: 'Bạn đã rời hàng chờ. Tôi là Trợ lý 1022 (trợ lý tự động), bạn cần hỏi thủ tục gì?',
      assigned: (operatorName) => `Tổng đài viên ${operatorName} đã tiếp nhận và sẽ trả lời bạn ngay tại đây.`,
      outOfHours: ({ hours, opensAt }) =>
        `Hiện ngoài giờ làm việc của tổng đài viên 1022 (${hours})${opensAt ? `; tổng đài viên làm việc trở lại lúc ${opensAt}` : ''}. ` +
        'Bạn có thể gửi câu hỏi cho cơ quan có thẩm quyền (có mã theo dõi), hoặc để lại số điện thoại để tổng đài viên gọi lại trong giờ làm việc.',
      nobodyOnline:
        'Hiện chưa có tổng đài viên trực tuyến. Bạn có thể gửi câu hỏi cho cơ quan có thẩm quyền (có mã theo dõi), hoặc để lại số điện thoại để tổng đài viên gọi lại.',
      unclaimed: (minutes) =>
        `Xin lỗi, sau ${minutes} phút chưa có tổng đài viên nào tiếp nhận được. Bạn có thể gửi câu hỏi cho cơ quan có thẩm quyền (có mã theo dõi), hoặc để lại số điện thoại để tổng đài viên gọi lại. Trợ lý tự động sẽ tiếp tục hỗ trợ bạn.`,
      offerButtons: { agency: 'Gửi câu hỏi cho cơ quan', callback: 'Hẹn gọi lại' },
      backToAssistant: 'Tổng đài viên đã kết thúc cuộc trò chuyện. Từ đây là Trợ lý 1022 (trợ lý tự động) trả lời bạn.',
      csatPrompt: 'Bạn đánh giá cuộc trò chuyện với tổng đài viên thế nào? (1 = rất không hài lòng, 5 = rất hài lòng)',
      csatButton: (rating) => `${rating} ★`,
      csatThanks: 'Cảm ơn bạn đã đánh giá. Ý kiến của bạn giúp tổng đài 1022 phục vụ tốt hơn.',
    },
    news: {
      unavailable:
        'Tính năng nhận tin tức từ cổng thông tin của tỉnh đang được hoàn thiện, chưa hoạt động trên kênh này. Bạn có thể xem tin mới trên Cổng thông tin điện tử của tỉnh.',
      menu: (subscribed) =>
        subscribed.length > 0
          ? `Bạn đang nhận tin về: ${subscribed.join(', ')}. Chọn thêm chủ đề bên dưới nếu muốn. Gõ HỦY NHẬN TIN để ngừng nhận.`
          : 'Bạn muốn nhận tin về chủ đề nào? Chọn một chủ đề bên dưới, hoặc gõ, ví dụ: "đăng ký nhận tin tuyển dụng". ' +
            'Khi Cổng thông tin điện tử tỉnh có tin mới về chủ đề đó, Trợ lý 1022 sẽ gửi cho bạn qua kênh này. Bạn có thể ngừng nhận bất cứ lúc nào bằng cách gõ HỦY NHẬN TIN.',
      menuAll: (subscribed) => `Bạn đang nhận tin về tất cả các chủ đề: ${subscribed.join(', ')}. Gõ "tin mới" để xem tin gần đây. Gõ HỦY NHẬN TIN để ngừng nhận.`,
      subscribed: ({ topic, topics, already }) =>
        (already ? `Bạn đã đăng ký nhận tin về "${topic}" từ trước. ` : `Bạn đã đăng ký nhận tin về "${topic}". `) +
        (topics.length > 1 ? `Hiện bạn nhận tin về: ${topics.join(', ')}. ` : '') +
        'Tin mới sẽ được gửi cho bạn qua kênh này; tin chưa gửi được (ví dụ khi đã lâu bạn không nhắn tin) vẫn xem được khi bạn gõ "tin mới". ' +
        'Gõ HỦY NHẬN TIN để ngừng nhận.',
      unsubscribedTopic: ({ topic, remaining }) =>
        `Bạn đã ngừng nhận tin về "${topic}". ` +
        (remaining.length > 0
          ? `Bạn vẫn nhận tin về: ${remaining.join(', ')}. Gõ HỦY NHẬN TIN để ngừng nhận tất cả.`
          : 'Từ nay Trợ lý 1022 không gửi tin tức cho bạn nữa. Gõ "đăng ký nhận tin" nếu muốn nhận lại.'),
      unsubscribedAll: 'Bạn đã ngừng nhận tất cả tin tức. Từ nay Trợ lý 1022 không gửi tin tức cho bạn nữa. Gõ "đăng ký nhận tin" nếu muốn nhận lại.',
      notSubscribed: 'Bạn chưa đăng ký nhận tin nào, nên Trợ lý 1022 không gửi tin tức cho bạn. Gõ "đăng ký nhận tin" nếu muốn nhận tin của tỉnh.',
      notSubscribedTopic: ({ topic, subscribed }) =>
        `Bạn chưa đăng ký nhận tin về "${topic}". ` +
        (subscribed.length > 0 ? `Bạn đang nhận tin về: ${subscribed.join(', ')}. Gõ HỦY NHẬN TIN để ngừng nhận tất cả.` : 'Hiện bạn không nhận tin nào.'),
      latest: ({ scope, topic, items }) => {
        const heading =
          scope === 'topic' ? `Tin mới về "${topic}":` : scope === 'subscribed' ? 'Tin mới về các chủ đề bạn đăng ký:' : 'Tin mới của Cổng thông tin điện tử tỉnh:';
        const lines = items.map((i) => `• ${i.title} (${i.date})${i.link ? `\n${i.link}` : ''}`);
        const offer = scope === 'all' ? ['Gõ "đăng ký nhận tin" để nhận tin về chủ đề bạn quan tâm.'] : [];
        return [heading, ...lines, ...offer].join('\n');
      },
      noLatest: ({ scope, topic }) =>
        scope === 'topic'
          ? `Chưa có tin mới về "${topic}".`
          : scope === 'subscribed'
            ? 'Chưa có tin mới về các chủ đề bạn đăng ký. Khi có tin, Trợ lý 1022 sẽ gửi cho bạn.'
            : 'Chưa có tin mới. Gõ "đăng ký nhận tin" để nhận tin khi có.',
      pushFooter: 'Bạn nhận tin này vì đã đăng ký nhận tin. Gõ HỦY NHẬN TIN để ngừng nhận.',
      digest: ({ count, items }) =>
        [
          `Tin tổng hợp: ${count} tin về các chủ đề bạn đăng ký chưa được gửi riêng cho bạn:`,
          ...items.map((i) => `• ${i.title}${i.link ? `\n${i.link}` : ''}`),
          ...(count > items.length ? [`và ${count - items.length} tin khác. Gõ "tin mới" để xem.`] : []),
        ].join('\n'),
      buttons: { unsubscribeAll: 'Hủy nhận tin', unsubscribeTopic: (topic) => `Hủy: ${topic}`, latest: 'Xem tin mới', topics: 'Chọn chủ đề' },
    },
    tickets: {
      questionPrompt: 'Bạn hãy nhập câu hỏi muốn gửi đến cơ quan có thẩm quyền, càng cụ thể càng tốt: việc gì, ở đâu, đã làm đến bước nào.',
      questionPromptAbout: (procedureName) =>
        `Bạn hãy nhập câu hỏi về thủ tục "${procedureName}" muốn gửi đến cơ quan giải quyết thủ tục này, càng cụ thể càng tốt: trường hợp của bạn, đã làm đến bước nào.`,
      consentPrompt: (question, kind) =>
        `Tôi sẽ gửi ${kind === 'feedback' ? 'phản ánh' : 'câu hỏi'} sau đến cơ quan có thẩm quyền:\n"${question}"\n` +
        'Bạn có đồng ý chuyển nội dung này (cùng họ tên và số điện thoại, nếu bạn cung cấp) cho cơ quan giải quyết không?',
      consentButtons: { yes: 'Đồng ý gửi', no: 'Không gửi' },
      consentDeclined: 'Vâng, tôi sẽ không gửi nội dung này. Bạn có thể hỏi thủ tục khác, hoặc gọi đường dây nóng 1022 trong giờ hành chính.',
      placePrompt:
        'Bạn cho biết nơi xảy ra sự việc để cơ quan tiện kiểm tra: tên đường, thôn/tổ dân phố, xã/phường, hoặc một địa điểm dễ nhận biết gần đó (ví dụ: "đường Lê Lợi, phường 2, gần chợ").',
      placeInvalid: 'Bạn hãy mô tả địa điểm bằng chữ, ví dụ: "thôn 3, xã Hòa Bình, gần trường tiểu học".',
      publishPrompt:
        'Nội dung bạn gửi và câu trả lời của cơ quan có thể được đăng công khai trên cổng thông tin của tỉnh để giúp người có cùng thắc mắc, không kèm họ tên, số điện thoại hay thông tin cá nhân của bạn. Bạn có đồng ý không?',
      publishButtons: { yes: 'Đồng ý đăng', no: 'Không đăng' },
      namePrompt: 'Bạn cho biết họ tên để cơ quan tiện xưng hô (không bắt buộc). Nếu không muốn cho biết, bạn chọn "Bỏ qua".',
      nameInvalid: 'Họ tên chỉ gồm chữ, ví dụ: Nguyễn Văn An. Bạn hãy nhập lại hoặc chọn "Bỏ qua". Số điện thoại (nếu bạn muốn được gọi lại) sẽ được hỏi ở bước sau.',
      phonePrompt:
        'Nếu muốn cán bộ gọi lại, bạn hãy nhập số điện thoại. Số này chỉ dùng để liên hệ về nội dung bạn gửi. Nếu không, bạn chọn "Bỏ qua".',
      skipButton: 'Bỏ qua',
      phoneInvalid: 'Số điện thoại chưa đúng. Bạn hãy nhập lại (ví dụ: 0912 345 678) hoặc chọn "Bỏ qua".',
      opened: ({ code, agencyName, dueDate, callback, place, kind }) =>
        `${capitalized(ticketNoun(kind ?? (place !== undefined ? 'feedback' : 'question')))} của bạn` +
        (place !== undefined ? ` tại "${place}"` : '') +
        ` đã được ghi nhận với mã tra cứu ${code}. Cơ quan phụ trách: ${agencyName}. ` +
        `Hạn trả lời theo quy định: ngày ${dueDate}. ` +
        (callback ? 'Cán bộ có thể gọi lại cho bạn theo số điện thoại bạn đã cho. ' : '') +
        'Khi cơ quan trả lời, câu trả lời sẽ được gửi cho bạn tại đây. Bạn cũng có thể gõ mã tra cứu để xem tình trạng. ' +
        'Nếu cần gấp, bạn vui lòng gọi đường dây nóng 1022 và đọc mã tra cứu.',
      statuses: {
        received: 'Đã tiếp nhận',
        assigned: 'Đã chuyển đến cơ quan phụ trách, đang chờ trả lời',
        returned: 'Đang chuyển đến cơ quan phù hợp',
        answered: 'Đã có trả lời',
        delivered: 'Đã trả lời',
        closed: 'Đã đóng',
        overdue: 'Quá hạn, đang đôn đốc cơ quan trả lời',
        reopened: 'Đang xem xét lại',
      },
      list: (tickets) =>
        [
          'Các câu hỏi, phản ánh bạn đã gửi đến cơ quan:',
          ...tickets.map((t, i) => `${i + 1}. ${capitalized(ticketNoun(t.kind))} mã ${t.code}: ${t.status}; hạn trả lời ngày ${t.dueDate}.`),
        ].join('\n'),
      none:
        'Bạn chưa gửi câu hỏi hay phản ánh nào đến cơ quan qua kênh này. Để tra cứu hồ sơ thủ tục hành chính, bạn có thể dùng mã hồ sơ trên Cổng Dịch vụ công quốc gia (dichvucong.gov.vn) hoặc gọi đường dây nóng 1022.',
      detail: ({ code, status, agencyName, dueDate, answer, kind }) =>
        [
          `${capitalized(ticketNoun(kind))} mã tra cứu ${code}:`,
          `- Tình trạng: ${status}`,
          `- Cơ quan phụ trách: ${agencyName}`,
          `- Hạn trả lời theo quy định: ngày ${dueDate}`,
          ...(answer !== undefined ? [`Trả lời của ${agencyName}:`, answer] : []),
        ].join('\n'),
      notFound: (code) =>
        `Không tìm thấy câu hỏi hay phản ánh nào có mã tra cứu ${code} được gửi từ tài khoản này. ` +
        'Bạn kiểm tra lại mã, gõ "tra cứu câu hỏi" để xem những gì đã gửi từ tài khoản này, hoặc gọi đường dây nóng 1022 và đọc mã tra cứu.',
      phoneProofOffer:
        'Nếu nội dung này được gửi từ kênh khác (ví dụ trên cổng thông tin của tỉnh) và khi gửi bạn có để lại số điện thoại, bạn hãy nhập 4 số cuối của số điện thoại đó để tra cứu. Nếu không, bạn chọn "Bỏ qua".',
      phoneNotFound: (code) =>
        `Không tìm thấy câu hỏi hay phản ánh nào với mã tra cứu ${code} và 4 số cuối điện thoại bạn nhập. ` +
        'Bạn kiểm tra lại mã tra cứu và số điện thoại rồi gõ lại mã để thử lại, hoặc gọi đường dây nóng 1022 và đọc mã tra cứu.',
      phoneLookupLimited:
        'Đã có quá nhiều lần tra cứu không thành công. Để bảo vệ thông tin của người gửi, bạn vui lòng thử lại sau ít phút, hoặc gọi đường dây nóng 1022 và đọc mã tra cứu.',
      phoneProofSkipped: 'Vâng. Nếu cần hỗ trợ thêm, bạn có thể gọi đường dây nóng 1022 trong giờ hành chính và đọc mã tra cứu.',
      codeInvalid: (code) =>
        `Mã tra cứu ${code} có vẻ bị gõ nhầm một ký tự. Bạn kiểm tra lại mã trong tin nhắn xác nhận (dạng K7QX-3M2PC), hoặc gõ "tra cứu câu hỏi" để xem những gì đã gửi.`,
      answerNotice: ({ code, agencyName, answer, reopenWindowDays, kind }) =>
        `${agencyName} đã trả lời ${ticketNoun(kind)} của bạn (mã tra cứu ${code}):\n${answer}\n\n` +
        `Nếu câu trả lời đã rõ, bạn chọn "Đã rõ, cảm ơn". Nếu còn điều chưa rõ, trong vòng ${reopenWindowDays} ngày bạn chọn "Chưa rõ, hỏi thêm" để cơ quan xem xét lại.`,
      answerButtons: { close: 'Đã rõ, cảm ơn', reopen: 'Chưa rõ, hỏi thêm' },
      closed: (code) => `Cảm ơn bạn đã phản hồi. Mã tra cứu ${code} đã được đóng. Nếu cần hỏi việc khác, bạn cứ nhắn cho tôi.`,
      reopenPrompt: (code) =>
        `Bạn cho biết điều gì trong câu trả lời (mã tra cứu ${code}) còn chưa rõ, càng cụ thể càng tốt. Tôi sẽ chuyển lại cho cơ quan đã trả lời.`,
      reopened: ({ code, agencyName, dueDate }) =>
        `Tôi đã chuyển nội dung bạn hỏi thêm (mã tra cứu ${code}) lại cho ${agencyName}. Hạn trả lời mới theo quy định: ngày ${dueDate}. ` +
        'Khi cơ quan trả lời, câu trả lời sẽ được gửi cho bạn tại đây.',
      reopenWindowPassed: ({ code, windowDays }) =>
        `Rất tiếc, câu trả lời cho mã tra cứu ${code} đã quá ${windowDays} ngày nên không thể mở lại được nữa. ` +
        `Nếu vẫn còn điều chưa rõ, bạn có thể gửi câu hỏi mới cho cơ quan (nên ghi kèm mã ${code} để cơ quan tiện đối chiếu), hoặc gọi đường dây nóng 1022 trong giờ hành chính.`,
      newQuestionButton: 'Gửi câu hỏi mới',
      changeUnavailable: ({ code, status }) =>
        `Mã tra cứu ${code} hiện ở tình trạng "${status}" nên lựa chọn này không còn áp dụng. Bạn có thể gõ mã tra cứu để xem chi tiết.`,
      formatDate: (date) => formatVietnamDate(date),
      yesWords: ['co', 'dung vay', 'dung roi', 'dung the', 'chinh xac', 'dong y', 'dong y gui', 'dong y dang', 'ok', 'oke', 'yes', 'vang', 'da', 'duoc', 'gui', 'u', 'uh'],
      noWords: ['khong', 'ko', 'k', 'no', 'thoi', 'khong gui', 'khong dang', 'khong dong y'],
      skipWords: ['bo qua', 'khong', 'ko', 'k', 'thoi', 'khong can'],
    },
    feedbackOffer: 'Cảm ơn bạn đã phản ánh. Bạn có muốn tôi ghi nhận nội dung này để chuyển đến cơ quan có trách nhiệm không?',
    complaintOffer: (procedureName) =>
      `Bạn đang phản ánh về hồ sơ thủ tục "${procedureName}". ` +
      'Trợ lý 1022 không trực tiếp xử lý phản ánh, kiến nghị, nhưng có thể chuyển nguyên văn nội dung bạn vừa gửi đến cơ quan có trách nhiệm xem xét, trả lời. Bạn có muốn gửi không?',
    outOfScope:
      'Xin lỗi, câu hỏi này nằm ngoài phạm vi hỗ trợ của Trợ lý 1022. Tôi hướng dẫn thủ tục hành chính và chuyển câu hỏi, phản ánh của bạn đến cơ quan của tỉnh.',
    apology:
      'Xin lỗi, hệ thống vừa gặp sự cố khi xử lý tin nhắn của bạn. Tin nhắn đã được lưu lại; bạn vui lòng gửi lại sau ít phút hoặc gọi đường dây nóng 1022.',
    chooseByNumber: 'Bạn hãy trả lời bằng số thứ tự (ví dụ: 1) hoặc gõ nội dung lựa chọn.',
    languageNotice:
      'Trợ lý 1022 hiện chỉ trả lời đầy đủ bằng tiếng Việt. Tôi hướng dẫn thủ tục hành chính và chuyển câu hỏi, phản ánh của bạn đến cơ quan của tỉnh. Bạn muốn tiếp tục bằng tiếng Việt, hay gặp tổng đài viên?',
    languageButtons: { vietnamese: 'Tiếng Việt', operator: 'Gặp tổng đài viên' },
    talk: {
      thanks: 'Không có gì ạ. Bạn cần hỏi thêm thủ tục nào cứ nhắn cho tôi.',
      ok: 'Vâng ạ. Bạn cần hỏi thêm gì cứ nhắn cho tôi.',
      goodbye: 'Chào bạn. Khi cần hỏi thủ tục hành chính, bạn cứ nhắn cho tôi.',
      laugh: 'Vâng ạ. Bạn cần hỏi thủ tục nào cứ nhắn cho tôi.',
      insult:
        'Xin lỗi nếu tôi chưa giúp được bạn. Bạn có thể gõ tên thủ tục hoặc việc cần làm (ví dụ "cấp lại căn cước"), hoặc chọn gặp tổng đài viên.',
      gibberish: 'Xin lỗi, tôi chưa hiểu tin nhắn này. Bạn hãy gõ tên thủ tục hoặc việc cần làm, ví dụ "đăng ký khai sinh", "cấp lại căn cước".',
      repair:
        'Xin lỗi, có thể tôi đã hiểu chưa đúng ý bạn. Bạn có thể nói lại cụ thể hơn (việc gì, cấp mới hay cấp lại, ở đâu), hoặc gửi câu hỏi cho cơ quan có thẩm quyền, hoặc gặp tổng đài viên.',
      repairButtons: { rephrase: 'Nói lại', agency: 'Gửi cho cơ quan', operator: 'Gặp tổng đài viên' },
      noneButton: 'Không phải các thủ tục trên',
      confirmButtons: { yes: 'Đúng vậy', no: 'Không phải' },
      both: (first, second) => `Bạn hỏi về hai thủ tục: "${first}" và "${second}". Tôi trả lời lần lượt từng thủ tục.`,
      outside: ({ name, body, guidance, source }) =>
        `Việc "${name}" không phải thủ tục hành chính do Trợ lý 1022 hướng dẫn; cơ quan có thẩm quyền: ${body}.\n${guidance}` +
        (source ? `\nNguồn: ${source.title}.` : '') +
        '\nNếu cần, tôi có thể chuyển câu hỏi của bạn đến cơ quan nhà nước để được hướng dẫn thêm.',
      outsideButtons: { agency: 'Gửi câu hỏi cho cơ quan', other: 'Hỏi việc khác' },
      concern: ({ kind, procedure }) =>
        ({
          dispute:
            'Đây là tranh chấp giữa các bên, nên Trợ lý 1022 không thể xác định ai đúng, ai sai. Thông thường, các bên thương lượng với nhau trước; nếu không được, có thể đề nghị hòa giải ở thôn, tổ dân phố hoặc tại UBND cấp xã; tranh chấp không hòa giải được có thể do Tòa án giải quyết. Trình tự cụ thể tùy loại tranh chấp (đất đai, thừa kế, tài sản chung…); bạn có thể hỏi cơ quan có thẩm quyền, luật sư hoặc trợ giúp pháp lý.',
          entitlement:
            'Mức được hưởng, số tiền cụ thể của từng trường hợp do cơ quan giải quyết tính theo hồ sơ thực tế và quy định hiện hành, nên Trợ lý 1022 không thể tính hay hứa trước thay cơ quan.',
          legal:
            'Việc có vi phạm hay không, có bắt buộc hay không, hoặc mức xử phạt trong một trường hợp cụ thể do cơ quan có thẩm quyền xem xét, kết luận, nên Trợ lý 1022 không thể kết luận thay. Bạn có thể hỏi cơ quan có thẩm quyền, luật sư, hoặc Trung tâm trợ giúp pháp lý nhà nước của tỉnh (miễn phí cho người thuộc diện được trợ giúp pháp lý).',
        }[kind] +
        (procedure ? `\nThủ tục liên quan: "${procedure}".` : '') +
        '\nNếu cần, tôi có thể chuyển câu hỏi của bạn đến cơ quan giải quyết để được trả lời cho trường hợp cụ thể.'),
      concernButtons: { agency: 'Gửi câu hỏi cho cơ quan', procedure: 'Xem thủ tục liên quan' },
      contactWhich: 'Bạn muốn liên hệ cơ quan nào, hoặc về thủ tục nào? Ví dụ: "số điện thoại UBND phường Tân An", "đăng ký khai sinh liên hệ ở đâu".',
    },
  },
  widget: {
    title: 'Trợ lý 1022',
    subtitle: 'Hỏi đáp thủ tục hành chính',
    launcherLabel: 'Hỏi Trợ lý 1022',
    unreadLabel: '{n} tin nhắn mới',
    closeLabel: 'Đóng khung hỏi đáp',
    logLabel: 'Tin nhắn',
    citizenName: 'Bạn',
    assistantName: 'Trợ lý 1022',
    inputLabel: 'Câu hỏi của bạn',
    inputPlaceholder: 'Nhập câu hỏi của bạn…',
    sendLabel: 'Gửi',
    welcome:
      'Xin chào! Tôi là Trợ lý 1022. Tôi hướng dẫn thủ tục hành chính của tỉnh: hồ sơ cần chuẩn bị, lệ phí, thời hạn, nơi nộp. Bạn cần hỏi gì? Ví dụ: "đăng ký khai sinh cần gì?"',
    privacyNote: 'Xin đừng nhập số điện thoại, số CCCD hay thông tin cá nhân khác.',
    sending: 'Đang gửi…',
    failed: 'Chưa gửi được.',
    retry: 'Gửi lại',
    typing: 'Trợ lý đang trả lời…',
    connecting: 'Đang kết nối…',
    reconnecting: 'Mất kết nối, đang thử kết nối lại…',
    choicesLabel: 'Các lựa chọn',
    choiceFallback: '(Đã chọn một lựa chọn)',
    opensInNewTab: '(mở trong thẻ mới)',
    tooLong: 'Câu hỏi quá dài (tối đa 2.000 ký tự).',
    rateLimited: 'Bạn gửi tin nhắn hơi nhanh. Bạn vui lòng đợi khoảng {n} giây rồi gửi lại; nội dung bạn vừa nhập vẫn được giữ trong ô soạn tin.',
    genericError: 'Đã có lỗi xảy ra. Bạn vui lòng thử lại sau hoặc gọi tổng đài 1022.',
    hotline: 'Cần hỗ trợ trực tiếp? Gọi tổng đài 1022.',
    lookup: {
      openButton: 'Tra cứu',
      openLabel: 'Tra cứu câu hỏi, phản ánh đã gửi',
      backLabel: 'Quay lại trò chuyện',
      newReplies: 'Có {n} tin nhắn mới trong khung trò chuyện.',
      title: 'Tra cứu câu hỏi, phản ánh',
      intro: 'Nhập mã tra cứu bạn nhận được khi gửi câu hỏi hoặc phản ánh đến cơ quan (dạng K7QX-3M2PC).',
      codeLabel: 'Mã tra cứu',
      codePlaceholder: 'Ví dụ: K7QX-3M2PC',
      phoneLabel: '4 số cuối điện thoại',
      phoneHint:
        'Là 4 số cuối của số điện thoại bạn đã cho khi gửi câu hỏi, phản ánh. Không cần nhập nếu bạn đã gửi ngay trong khung trò chuyện này, trên trình duyệt này.',
      submit: 'Tra cứu',
      searching: 'Đang tra cứu…',
      dossierNote: 'Để tra cứu hồ sơ thủ tục hành chính, bạn dùng mã hồ sơ trên Cổng Dịch vụ công quốc gia (dichvucong.gov.vn).',
      codeRequired: 'Bạn hãy nhập mã tra cứu.',
      codeInvalid: 'Mã tra cứu có vẻ bị gõ nhầm một ký tự. Bạn kiểm tra lại mã trong tin nhắn xác nhận (dạng K7QX-3M2PC).',
      phoneInvalid: 'Bạn hãy nhập đúng 4 chữ số cuối của số điện thoại.',
      proofRequired:
        'Bạn hãy nhập 4 số cuối của số điện thoại đã cho khi gửi. Nếu khi gửi bạn không cho số điện thoại, bạn hãy tra cứu trên trình duyệt đã dùng để gửi, hoặc gọi tổng đài 1022 và đọc mã tra cứu.',
      notFound:
        'Không tìm thấy câu hỏi hay phản ánh nào với mã tra cứu và thông tin bạn nhập. Bạn kiểm tra lại mã tra cứu và 4 số cuối điện thoại, hoặc gọi tổng đài 1022 và đọc mã tra cứu.',
      rateLimited: 'Bạn đã tra cứu không thành công quá nhiều lần. Bạn vui lòng thử lại sau ít phút, hoặc gọi tổng đài 1022.',
      kinds: { question: 'Câu hỏi', feedback: 'Phản ánh' },
      statusLabel: 'Tình trạng',
      agencyLabel: 'Cơ quan phụ trách',
      receivedLabel: 'Ngày tiếp nhận',
      dueLabel: 'Hạn trả lời theo quy định',
      placeLabel: 'Địa điểm',
      answerLabel: 'Trả lời của cơ quan',
      answeredLabel: 'Ngày trả lời',
      historyLabel: 'Quá trình xử lý',
      events: {
        received: 'Tiếp nhận qua Trợ lý 1022',
        forwarded: 'Chuyển đến {agency}',
        returned: 'Chuyển về bộ phận điều phối 1022 để xác định cơ quan phù hợp',
        answered: '{agency} đã trả lời',
        delivered: 'Đã gửi câu trả lời đến bạn',
        closed: 'Đã đóng',
        overdue: 'Quá hạn trả lời, đã đôn đốc cơ quan',
        reopened: 'Mở lại để cơ quan xem xét thêm',
      },
    },
  },
  stats: {
    month: 'Tháng',
    agency: 'Cơ quan',
    channel: 'Kênh',
    questions: 'Câu hỏi tiếp nhận',
    answeredByAssistant: 'Trợ lý trả lời',
    routed: 'Chuyển cơ quan',
    answeredOnTime: 'Trả lời đúng hạn',
    answeredLate: 'Trả lời trễ hạn',
    open: 'Chưa trả lời',
    handledByOperators: 'Tổng đài viên xử lý',
    calls: 'Cuộc gọi',
    queued: 'Vào hàng chờ',
    abandoned: 'Bỏ dở hoặc không ai nhận',
    closed: 'Ngoài giờ hoặc không có tổng đài viên',
    waitSecondsAvg: 'Thời gian chờ trung bình (giây)',
    firstResponseSecondsAvg: 'Thời gian phản hồi đầu tiên trung bình (giây)',
    handlingSecondsAvg: 'Thời gian xử lý trung bình (giây)',
    csatAvg: 'Điểm hài lòng trung bình (1–5)',
    csatCount: 'Số lượt đánh giá',
  },
  console: {
    pageTitle: 'Bàn làm việc – Trợ lý 1022',
    dateLocale: 'vi-VN',
    timeZone: 'Asia/Ho_Chi_Minh',
    brand: 'Trợ lý 1022',
    brandTagline: '· Bàn làm việc',
    logout: 'Đăng xuất',
    signedOut: 'Bạn đã đăng xuất.',
    login: {
      title: 'Đăng nhập',
      username: 'Tên đăng nhập',
      password: 'Mật khẩu',
      submit: 'Đăng nhập',
      missing: 'Vui lòng nhập tên đăng nhập và mật khẩu.',
    },
    list: {
      title: 'Phiếu cần xử lý',
      titleStaff: 'Phiếu của cơ quan',
      titleAll: 'Tất cả phiếu',
      filterLabel: 'Trạng thái',
      filters: {
        all: 'Tất cả',
        waiting: 'Đang chờ trả lời',
        assigned: 'Đã giao',
        overdue: 'Quá hạn',
        reopened: 'Mở lại',
        returned: 'Trả lại điều phối',
        answered: 'Đã trả lời',
        delivered: 'Đã gửi tới người dân',
        closed: 'Đã đóng',
      },
      empty: 'Không có phiếu nào.',
      due: 'Hạn: {date}',
      place: 'Địa điểm: {place}',
      reopenReason: 'Hỏi thêm: {reason}',
    },
    overdueMark: ' — QUÁ HẠN',
    detail: {
      back: '← Danh sách phiếu',
      title: 'Phiếu {code}',
      status: 'Trạng thái',
      agency: 'Cơ quan',
      due: 'Hạn trả lời',
      reminded: ' (đã nhắc hạn {date})',
      created: 'Ngày nhận',
      place: 'Địa điểm',
      reopenReason: 'Người dân hỏi thêm',
      contact: 'Liên hệ',
      callback: 'Gọi lại',
      callbackRequested: 'Người dân đề nghị được gọi lại',
      callbackPhone: 'Người dân đề nghị được gọi lại theo số {phone}',
      callbackHidden: 'Người dân đề nghị được gọi lại (số điện thoại chỉ hiện với cán bộ cơ quan phụ trách)',
      question: 'Nội dung người dân gửi',
      answer: 'Câu trả lời',
      delivery: 'Gửi tới người dân',
    },
    systemNotes: {
      routedBy: {
        procedure: 'Giao tự động theo thủ tục hành chính liên quan',
        classifier: 'Giao tự động theo lĩnh vực của nội dung',
        coordinator: 'Chưa xác định được cơ quan: chuyển bộ phận điều phối 1022',
      },
      remind: 'Nhắc hạn trả lời: {date}',
    },
    delivery: {
      statuses: {
        pending: 'Đang gửi (từ {date})',
        held:
          'Đang chờ người dân nhắn lại (kênh nhắn tin đã quá thời hạn được gửi tin: Zalo 7 ngày, Messenger 24 giờ), từ {date}; câu trả lời sẽ được gửi ngay khi người dân nhắn tin',
        sent: 'Đã gửi lúc {date}',
        failed: 'Không gửi được lúc {date}',
      },
      notice: {
        pending: 'đang gửi thông báo mẫu qua Zalo (từ {date})',
        sent: 'đã gửi thông báo mẫu qua Zalo lúc {date}',
        failed: 'gửi thông báo mẫu qua Zalo không thành công lúc {date}',
      },
      errors: {
        'CHANNEL.SEND_REJECTED': 'nền tảng từ chối tin nhắn (ví dụ người dân đã chặn hoặc bỏ quan tâm tài khoản, hoặc kênh chưa được bật)',
        'CHANNEL.PERMANENT': 'nền tảng từ chối tin nhắn, không thể gửi lại (ví dụ người dân đã chặn hoặc bỏ quan tâm tài khoản)',
        'CHANNEL.RETRYABLE': 'nền tảng tạm thời không nhận tin nhắn; đã thử lại nhiều lần không thành công',
        'CHANNEL.NETWORK': 'không kết nối được tới nền tảng; đã thử lại nhiều lần không thành công',
        'CHANNEL.WINDOW': 'kênh nhắn tin đã quá thời hạn được gửi tin',
        'CHANNEL.SEND_FAILED': 'gửi không thành công',
      },
      errorUnknown: 'lỗi không xác định (mã {code})',
    },
    answerForm: {
      label: 'Trả lời người dân',
      submit: 'Gửi câu trả lời',
      empty: 'Vui lòng nhập nội dung trả lời.',
      done: 'Đã gửi câu trả lời.',
    },
    returnForm: {
      label: 'Trả lại điều phối',
      hint: 'Dùng khi câu hỏi, phản ánh không thuộc thẩm quyền của cơ quan bạn.',
      submit: 'Trả lại điều phối',
      empty: 'Vui lòng nhập lý do trả lại.',
      done: 'Đã trả lại phiếu cho điều phối.',
    },
    rerouteForm: {
      title: 'Chuyển cơ quan',
      agency: 'Cơ quan nhận',
      choose: '— Chọn cơ quan —',
      note: 'Ghi chú (không bắt buộc)',
      notePlaceholder: 'ví dụ: lý do chuyển cơ quan',
      submit: 'Chuyển cơ quan',
      empty: 'Vui lòng chọn cơ quan nhận.',
      done: 'Đã chuyển phiếu sang {agency}.',
    },
    timelineTitle: 'Lịch sử xử lý',
    publishForm: {
      title: 'Công khai trên trang Hỏi đáp',
      noConsent: 'Người dân không đồng ý công khai câu hỏi này.',
      notAnswered: 'Chỉ công khai được sau khi phiếu đã có câu trả lời.',
      hint: 'Họ tên, số điện thoại, số giấy tờ, email và địa chỉ nhà đã được tự động lược bỏ. Hãy đọc lại, sửa nếu cần rồi bấm "Công khai".',
      removed: 'Đã tự động lược bỏ {count} thông tin cá nhân.',
      question: 'Câu hỏi (bản công khai)',
      answer: 'Câu trả lời (bản công khai)',
      field: 'Lĩnh vực',
      submit: 'Công khai',
      update: 'Cập nhật bản công khai',
      unpublish: 'Gỡ khỏi trang Hỏi đáp',
      published: 'Đang công khai từ {date}.',
      notPublished: 'Chưa công khai.',
      publishedDone: 'Đã công khai trên trang Hỏi đáp.',
      unpublishedDone: 'Đã gỡ khỏi trang Hỏi đáp.',
      view: 'Xem trang Hỏi đáp',
      empty: 'Câu hỏi và câu trả lời không được để trống.',
    },
    nav: { label: 'Các mục', tickets: 'Phiếu', hotline: 'Tổng đài', calls: 'Cuộc gọi', canned: 'Câu trả lời mẫu', stats: 'Thống kê', accounts: 'Tài khoản' },
    accounts: {
      title: 'Tài khoản',
      empty: 'Chưa có tài khoản nào.',
      you: '(bạn)',
      role: 'Vai trò',
      agency: 'Cơ quan',
      status: 'Trạng thái',
      createdAt: 'Ngày tạo',
      statuses: { active: 'Đang hoạt động', disabled: 'Đã khóa' },
      disable: 'Khóa',
      enable: 'Mở khóa',
      resetPassword: 'Đặt lại mật khẩu',
      createTitle: 'Tạo tài khoản',
      username: 'Tên đăng nhập',
      usernameHint: '3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới hoặc gạch ngang.',
      displayName: 'Họ tên hiển thị',
      roleLabel: 'Vai trò',
      agencyLabel: 'Cơ quan',
      chooseAgency: '— Chọn cơ quan —',
      agencyHint: 'Chỉ tài khoản cán bộ thuộc một cơ quan; điều phối và quản trị không chọn cơ quan.',
      password: 'Mật khẩu',
      passwordHint: 'Từ 10 đến 128 ký tự. Hãy báo mật khẩu cho người dùng qua kênh riêng.',
      submit: 'Tạo tài khoản',
      missing: 'Vui lòng nhập tên đăng nhập, họ tên và mật khẩu.',
      agencyMissing: 'Vui lòng chọn cơ quan cho tài khoản cán bộ.',
      createdDone: 'Đã tạo tài khoản {username}.',
      disabledDone: 'Đã khóa tài khoản {username}; các phiên đăng nhập của tài khoản này đã kết thúc.',
      enabledDone: 'Đã mở khóa tài khoản {username}.',
      passwordTitle: 'Đặt lại mật khẩu cho {username}',
      newPassword: 'Mật khẩu mới',
      passwordSubmit: 'Lưu mật khẩu mới',
      passwordCancel: 'Hủy',
      passwordMissing: 'Vui lòng nhập mật khẩu mới.',
      passwordDone: 'Đã đặt lại mật khẩu cho {username}; các phiên đăng nhập của tài khoản này đã kết thúc.',
    },
    operator: {
      title: 'Tổng đài: trò chuyện trực tiếp',
      presence: {
        label: 'Trạng thái của bạn',
        online: 'Trực tuyến',
        away: 'Tạm vắng',
        offline: 'Ngoại tuyến',
        changed: 'Trạng thái của bạn: {status}.',
      },
      queue: {
        title: 'Hàng chờ',
        empty: 'Không có người dân nào đang chờ.',
        arrived: 'Có {count} người dân mới trong hàng chờ.',
      },
      mine: { title: 'Của tôi', empty: 'Bạn chưa tiếp nhận hội thoại nào.' },
      others: { title: 'Tổng đài viên khác đang trả lời', empty: 'Không có hội thoại nào.' },
      item: {
        waiting: 'Đã chờ {time}',
        position: 'Thứ {position} trong hàng chờ',
        assignee: 'Đang trả lời: {name}',
        noMessage: '(chưa có tin nhắn)',
        claim: 'Tiếp nhận',
        claimLabel: 'Tiếp nhận hội thoại qua {channel}: {text}',
      },
      channels: { zalo: 'Zalo', messenger: 'Messenger', webchat: 'Khung hỏi đáp trên cổng thông tin', phone: 'Điện thoại' },
      reasons: {
        requested: 'Người dân yêu cầu gặp tổng đài viên',
        fallbacks: 'Trợ lý hai lần liền không trả lời được',
        sensitive: 'Nội dung cần người xử lý (khiếu nại, tố cáo, khẩn cấp)',
        takeover: 'Tổng đài viên chủ động tiếp quản',
        external: 'Cán bộ trả lời từ ứng dụng của nền tảng',
      },
      statuses: {
        bot: 'Trợ lý tự động đang trả lời',
        queued: 'Đang chờ tổng đài viên',
        assigned: 'Tổng đài viên đang trả lời',
        snoozed: 'Tạm hoãn',
      },
      outcomes: {
        resolved: 'tổng đài viên đã trả lời xong',
        abandoned: 'người dân rời hàng chờ',
        unclaimed: 'không có tổng đài viên tiếp nhận kịp',
        closed: 'ngoài giờ hoặc không có tổng đài viên trực',
        'external-ended': 'cán bộ đã trả lời từ ứng dụng của nền tảng',
      },
      events: {
        request: 'Người dân yêu cầu gặp tổng đài viên',
        claim: 'Tổng đài viên tiếp nhận',
        route: 'Hệ thống giao cho tổng đài viên',
        takeover: 'Tổng đài viên tiếp quản',
        external: 'Cán bộ trả lời từ ứng dụng của nền tảng',
        reoffer: 'Chuyển lại hàng chờ (chưa trả lời kịp hoặc tổng đài viên ngoại tuyến)',
        transfer: 'Chuyển lại hàng chờ',
        snooze: 'Tạm hoãn',
        wake: 'Tiếp tục sau khi tạm hoãn',
        resolve: 'Trả lại cho trợ lý tự động',
        leave: 'Người dân rời hàng chờ',
        unclaimed: 'Không có tổng đài viên tiếp nhận kịp',
        'external-ended': 'Hết thời gian tạm dừng trợ lý sau khi cán bộ trả lời',
      },
      conversation: {
        none: 'Chọn một hội thoại trong danh sách để xem nội dung.',
        title: 'Hội thoại qua {channel}',
        status: 'Trạng thái',
        reason: 'Lý do',
        assignee: 'Tổng đài viên',
        you: 'Bạn',
        queuedAt: 'Vào hàng chờ',
        claim: 'Tiếp nhận',
        takeover: 'Tiếp quản',
        transfer: 'Chuyển lại hàng chờ',
        toAgency: 'Chuyển cơ quan',
        claimed: 'Bạn đã tiếp nhận hội thoại.',
        transferred: 'Đã chuyển hội thoại về hàng chờ.',
        resolved: 'Đã trả hội thoại cho trợ lý tự động.',
      },
      earlier: {
        title: 'Người dân đã hỏi trước đây',
        tickets: 'Phiếu đã gửi cơ quan',
        conversations: 'Lần trò chuyện với tổng đài viên',
        empty: 'Chưa có phiếu hay lần trò chuyện nào trước đây.',
        ticket: '{code} · {agency} · {status} · hạn {date}',
        conversation: '{date}: {outcome}',
        summary: 'Tóm tắt: {summary}',
        csat: 'Người dân đánh giá {csat}/5',
      },
      transcript: {
        title: 'Nội dung hội thoại',
        empty: 'Chưa có tin nhắn.',
        authors: {
          citizen: 'Người dân',
          bot: 'Trợ lý tự động',
          operator: 'Tổng đài viên',
          staff: 'Cán bộ (trên ứng dụng của nền tảng)',
          notice: 'Thông báo của hệ thống',
          note: 'Ghi chú nội bộ – không gửi cho người dân',
          event: 'Hoạt động',
        },
        procedure: 'Thủ tục trợ lý dẫn: {name}',
        delivery: { pending: 'đang gửi', sent: 'đã gửi', held: 'chờ người dân nhắn lại', failed: 'không gửi được' },
        newCitizen: 'Tin nhắn mới của người dân: {text}',
        newOther: 'Có {count} dòng mới trong hội thoại.',
      },
      composer: {
        label: 'Nội dung gửi người dân',
        hint: 'Enter để gửi, Shift+Enter để xuống dòng. Gõ / và mã để chèn câu trả lời mẫu.',
        private: 'Ghi chú nội bộ (không gửi cho người dân)',
        send: 'Gửi',
        saveNote: 'Lưu ghi chú',
        convert: 'Chuyển thành phiếu cho cơ quan',
        empty: 'Vui lòng nhập nội dung.',
        sent: 'Đã gửi.',
        noted: 'Đã lưu ghi chú nội bộ.',
        cannedLabel: 'Câu trả lời mẫu phù hợp',
        cannedCount: '{count} câu trả lời mẫu phù hợp; dùng phím mũi tên để chọn, Enter hoặc Tab để chèn, Esc để đóng.',
        cannedInserted: 'Đã chèn câu trả lời mẫu.',
      },
      window: {
        open: 'Có thể trả lời qua kênh này.',
        until: 'Có thể trả lời đến {date} (còn {left}).',
        closed: 'Đã hết thời hạn trả lời qua kênh này: hãy chuyển thành phiếu cho cơ quan.',
        billable: 'Tính phí sau 48 giờ',
        billableHint: 'Zalo: đã quá 48 giờ kể từ tin nhắn cuối của người dân, tin trả lời bị tính phí.',
        humanAgent: 'HUMAN_AGENT',
        humanAgentHint: 'Messenger: đã quá 24 giờ, tin trả lời được gửi với thẻ HUMAN_AGENT (tối đa 7 ngày).',
      },
      suggestions: {
        title: 'Gợi ý từ trợ lý',
        empty: 'Chưa có gợi ý cho tin nhắn cuối của người dân.',
        insert: 'Chèn',
        insertLabel: 'Chèn câu trả lời về {name}',
        inserted: 'Đã chèn câu trả lời vào ô soạn thảo.',
      },
      resolve: {
        title: 'Trả lại cho trợ lý tự động',
        summary: 'Tóm tắt cuộc trò chuyện (không bắt buộc)',
        hint: 'Tóm tắt được lưu trong lịch sử. Người dân được báo rằng từ giờ trợ lý tự động trả lời.',
        submit: 'Trả lại cho trợ lý',
      },
      toAgency: {
        title: 'Chuyển thành phiếu cho cơ quan',
        hint: 'Tạo phiếu gửi cơ quan có thẩm quyền, kèm toàn bộ nội dung hội thoại; cuộc trò chuyện với tổng đài viên kết thúc.',
        question: 'Nội dung cần cơ quan trả lời (để trống: lấy từ hội thoại)',
        kind: 'Loại phiếu',
        submit: 'Tạo phiếu gửi cơ quan',
        cancel: 'Hủy',
        done: 'Đã tạo phiếu, mã tra cứu',
        doneAgency: 'Gửi {agency}, hạn trả lời {date}.',
      },
      durations: { seconds: '{s} giây', minutes: '{m} phút {s} giây', hours: '{h} giờ {m} phút', days: '{d} ngày {h} giờ' },
    },
    calls: {
      title: 'Ghi nhận cuộc gọi',
      formTitle: 'Cuộc gọi mới',
      question: 'Câu hỏi của người gọi',
      phone: 'Số điện thoại gọi lại (không bắt buộc)',
      phoneHint: 'Chỉ ghi khi người gọi muốn được gọi lại.',
      answer: 'Câu trả lời đã đưa ra',
      toAgency: 'Chuyển cơ quan: tạo phiếu có mã tra cứu để đọc cho người gọi',
      hint: 'Ghi câu trả lời đã đưa ra, hoặc đánh dấu chuyển cơ quan.',
      submit: 'Lưu cuộc gọi',
      missing: 'Vui lòng nhập câu hỏi của người gọi.',
      answerOrAgency: 'Vui lòng ghi câu trả lời đã đưa ra, hoặc đánh dấu chuyển cơ quan.',
      done: 'Đã ghi nhận cuộc gọi.',
      codeTitle: 'Mã tra cứu đọc cho người gọi',
      codeAgency: 'Gửi {agency}, hạn trả lời {date}.',
      recent: 'Cuộc gọi gần đây',
      empty: 'Chưa có cuộc gọi nào.',
      columns: { at: 'Thời gian', question: 'Câu hỏi', answer: 'Trả lời hoặc mã phiếu', phone: 'Số gọi lại' },
      ticket: 'Phiếu {code}',
    },
    canned: {
      title: 'Câu trả lời mẫu',
      hint: 'Trong ô soạn tin, gõ / và mã (ví dụ /khai-sinh) để chèn câu trả lời mẫu.',
      empty: 'Chưa có câu trả lời mẫu nào.',
      code: 'Mã',
      codeHint: 'Chữ thường không dấu, số và dấu gạch ngang, ví dụ khai-sinh.',
      text: 'Nội dung mẫu',
      formTitle: 'Thêm câu trả lời mẫu',
      editTitle: 'Sửa câu trả lời mẫu /{code}',
      submit: 'Lưu mẫu',
      cancel: 'Hủy',
      edit: 'Sửa',
      delete: 'Xóa',
      editLabel: 'Sửa mẫu /{code}',
      deleteLabel: 'Xóa mẫu /{code}',
      missing: 'Vui lòng nhập mã và nội dung mẫu.',
      saved: 'Đã lưu câu trả lời mẫu /{code}.',
      deleted: 'Đã xóa câu trả lời mẫu /{code}.',
    },
    dashboard: {
      title: 'Thống kê',
      from: 'Từ tháng',
      to: 'Đến tháng',
      submit: 'Xem thống kê',
      csv: 'Tải tệp CSV',
      empty: 'Không có số liệu trong khoảng thời gian này.',
      invalid: 'Vui lòng chọn tháng bắt đầu trước hoặc bằng tháng kết thúc.',
      shown: 'Đã cập nhật thống kê từ {from} đến {to}.',
      channelTitle: 'Kênh: {channel}',
      chartCaption: 'Tổng từ {from} đến {to} (số liệu chi tiết ở bảng dưới)',
      chartLabel: 'Biểu đồ cột, {channel}, tổng từ {from} đến {to}: {values}.',
      tableCaption: '{channel}: số liệu theo tháng',
      month: 'Tháng',
      figure: 'Số liệu',
      total: 'Cộng',
      figures: {
        questions: 'Câu hỏi tiếp nhận',
        answeredByAssistant: 'Trợ lý trả lời',
        handledByOperators: 'Tổng đài viên xử lý',
        routed: 'Chuyển cơ quan',
        answeredOnTime: 'Cơ quan trả lời đúng hạn',
        answeredLate: 'Cơ quan trả lời trễ hạn',
        open: 'Chưa trả lời',
        calls: 'Cuộc gọi',
        queued: 'Vào hàng chờ',
        abandoned: 'Rời hàng chờ',
        closed: 'Ngoài giờ hoặc không ai trực',
        waitSecondsAvg: 'Thời gian chờ trung bình',
        firstResponseSecondsAvg: 'Phản hồi đầu tiên trung bình',
        handlingSecondsAvg: 'Thời gian xử lý trung bình',
        csatAvg: 'Mức hài lòng trung bình (1–5)',
        csatCount: 'Lượt đánh giá',
      },
      none: '—',
      unknownChannel: 'Không rõ kênh',
    },
    live: {
      listCount: '{filter}: {count} phiếu.',
    },
    statuses: {
      received: 'Mới nhận',
      assigned: 'Đã giao',
      returned: 'Trả lại điều phối',
      answered: 'Đã trả lời',
      delivered: 'Đã gửi tới người dân',
      closed: 'Đã đóng',
      overdue: 'Quá hạn',
      reopened: 'Mở lại',
    },
    actions: {
      create: 'Tiếp nhận',
      assign: 'Giao cơ quan',
      reroute: 'Chuyển cơ quan',
      return: 'Trả lại điều phối',
      answer: 'Trả lời',
      deliver: 'Đã gửi tới người dân',
      failDelivery: 'Gửi không thành công',
      close: 'Đóng phiếu',
      markOverdue: 'Quá hạn',
      reopen: 'Mở lại',
      remind: 'Nhắc hạn',
    },
    actors: { system: 'Hệ thống', staff: 'Cán bộ', coordinator: 'Điều phối', citizen: 'Người dân' },
    kinds: { question: 'Câu hỏi', feedback: 'Phản ánh' },
    roles: { staff: 'Cán bộ', operator: 'Tổng đài viên', coordinator: 'Điều phối', admin: 'Quản trị' },
    errors: {
      'AUTH.INVALID_CREDENTIALS': 'Sai tên đăng nhập hoặc mật khẩu.',
      'AUTH.ACCOUNT_DISABLED': 'Tài khoản đã bị khóa. Vui lòng liên hệ quản trị viên.',
      'AUTH.RATE_LIMITED': 'Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.',
      'AUTH.REQUIRED': 'Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.',
      'AUTH.CSRF': 'Phiên làm việc không hợp lệ. Vui lòng tải lại trang.',
      'AUTH.FORBIDDEN': 'Bạn không có quyền thực hiện thao tác này.',
      'TICKET.NOT_FOUND': 'Không tìm thấy phiếu.',
      'TICKET.INVALID_TRANSITION': 'Phiếu đã thay đổi trạng thái, không thể thực hiện thao tác này.',
      'TICKET.INPUT_INVALID': 'Thông tin chưa hợp lệ. Vui lòng kiểm tra lại.',
      'HTTP.BAD_REQUEST': 'Thông tin chưa hợp lệ. Vui lòng kiểm tra lại.',
      'HTTP.PAYLOAD_TOO_LARGE': 'Nội dung quá dài.',
      'AUTH.ACCOUNT_INVALID': 'Thông tin tài khoản chưa hợp lệ: kiểm tra tên đăng nhập, họ tên, vai trò và cơ quan.',
      'AUTH.USERNAME_TAKEN': 'Tên đăng nhập này đã có người dùng.',
      'AUTH.PASSWORD_POLICY': 'Mật khẩu phải có từ 10 đến 128 ký tự.',
      'AUTH.ACCOUNT_NOT_FOUND': 'Không tìm thấy tài khoản.',
      'PUBLISH.NOT_ALLOWED': 'Phiếu này chưa thể công khai: người dân không đồng ý hoặc phiếu chưa có câu trả lời.',
      'PUBLISH.NOT_FOUND': 'Phiếu này không có trên trang Hỏi đáp.',
      'HANDOFF.ILLEGAL_TRANSITION': 'Hội thoại đã chuyển sang trạng thái khác, không thể thực hiện thao tác này.',
      'HANDOFF.CONFLICT': 'Tổng đài viên khác hoặc hệ thống vừa thay đổi hội thoại này. Vui lòng thử lại.',
      'HANDOFF.NOT_FOUND': 'Không tìm thấy hội thoại.',
      'HANDOFF.NOT_ASSIGNEE': 'Chỉ tổng đài viên đang giữ hội thoại mới trả lời được. Hãy tiếp nhận hoặc tiếp quản trước.',
      'HANDOFF.WINDOW_CLOSED': 'Đã hết thời hạn trả lời qua kênh này: hãy chuyển thành phiếu cho cơ quan.',
      'HANDOFF.INPUT_INVALID': 'Thông tin chưa hợp lệ. Vui lòng kiểm tra lại.',
    },
    network: 'Không kết nối được máy chủ. Vui lòng thử lại.',
    httpError: 'Có lỗi xảy ra (mã {status}). Vui lòng thử lại.',
    genericError: 'Có lỗi xảy ra. Vui lòng thử lại.',
  },
  qa: {
    title: 'Hỏi đáp với cơ quan nhà nước',
    titleField: (field) => `Hỏi đáp: ${field}`,
    intro: 'Câu hỏi của người dân đã được cơ quan có thẩm quyền trả lời và công khai với sự đồng ý của người hỏi.',
    privacyNote: 'Thông tin cá nhân (họ tên, số điện thoại, số giấy tờ, email, địa chỉ nhà) đã được lược bỏ và thay bằng chữ trong ngoặc vuông, ví dụ [họ tên].',
    skipLink: 'Bỏ qua, đến nội dung chính',
    demoBanner: 'Đây là trang minh họa: Tỉnh Minh Họa không có thật. Khung hỏi đáp Trợ lý 1022 ở góc dưới bên phải là thật.',
    siteKicker: 'Ủy ban nhân dân Tỉnh Minh Họa',
    siteTitle: 'Cổng thông tin điện tử Tỉnh Minh Họa',
    siteTitleNote: '(bản minh họa)',
    hotline: 'Đường dây nóng',
    nav: { label: 'Chuyên mục chính', home: 'Trang chủ', qa: 'Hỏi đáp', lookup: 'Tra cứu câu hỏi đã gửi' },
    search: { label: 'Tìm trong hỏi đáp', placeholder: 'Ví dụ: khai sinh, căn cước, giấy phép lái xe', submit: 'Tìm', hint: 'Gõ có dấu hoặc không dấu đều được.' },
    topics: { title: 'Lĩnh vực', all: 'Tất cả lĩnh vực', count: (n) => `${n} câu hỏi` },
    otherField: 'Lĩnh vực khác',
    summary: ({ count, query, field }) =>
      query !== undefined
        ? `Tìm thấy ${count} câu hỏi cho "${query}"${field !== undefined ? ` trong lĩnh vực ${field}` : ''}.`
        : field !== undefined
          ? `Lĩnh vực ${field}: ${count} câu hỏi.`
          : `Có ${count} câu hỏi đã được trả lời và công khai.`,
    clearSearch: 'Xem tất cả câu hỏi',
    empty: 'Chưa có câu hỏi nào được công khai.',
    noResults: 'Không tìm thấy câu hỏi phù hợp. Hãy thử từ khóa khác, hoặc hỏi Trợ lý 1022.',
    question: 'Hỏi',
    answerBy: (agencyName) => `Trả lời của ${agencyName}`,
    publishedOn: (date) => `Công khai ngày ${date}`,
    askTitle: 'Chưa thấy câu trả lời bạn cần?',
    askText: 'Hỏi Trợ lý 1022 về thủ tục hành chính, hoặc gửi câu hỏi đến cơ quan có thẩm quyền.',
    askButton: 'Hỏi Trợ lý 1022',
    lookupButton: 'Xem tình trạng câu hỏi, phản ánh đã gửi',
    footerTitle: 'Cổng thông tin điện tử Tỉnh Minh Họa (bản minh họa)',
    footerText: 'Cơ quan chủ quản: Ủy ban nhân dân Tỉnh Minh Họa. Đây là trang trình diễn của Trợ lý 1022, không phải cổng thông tin chính thức của cơ quan nhà nước nào.',
    footerHotline: 'Cần hỗ trợ trực tiếp? Gọi tổng đài 1022.',
    redacted: { name: '[họ tên]', phone: '[số điện thoại]', id: '[số giấy tờ]', email: '[email]', address: '[địa chỉ]' },
  },
};
