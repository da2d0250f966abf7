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
    onlineLinkTitle: 'Nộp hồ sơ trực tuyến',
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
  bot: {
    greeting:
      'Xin chào! Tôi là Trợ lý 1022, trợ lý tự động của cổng dịch vụ công tỉnh. Tôi có thể hướng dẫn thủ tục hành chính: hồ sơ, lệ phí, thời hạn, nơi nộp. Bạn cần hỏi gì?',
    menuButtons: { ask: 'Hỏi thủ tục', help: 'Hướng dẫn', agency: 'Gửi câu hỏi cho cơ quan', operator: 'Gặp tổng đài viên' },
    askPrompt: 'Bạn hãy nhập tên thủ tục hoặc mô tả việc cần làm, ví dụ: "làm giấy khai sinh cho con", "đăng ký tạm trú".',
    help:
      'Tôi trả lời về thủ tục hành chính theo danh mục của tỉnh. Bạn có thể gõ có dấu hoặc không dấu, ví dụ "cấp lại căn cước", "lam so do lan dau". Sau khi tôi trả lời, bạn có thể hỏi tiếp: hồ sơ, lệ phí, thời hạn, nơi nộp, nộp trực tuyến, căn cứ pháp lý. Khi tôi không trả lời được, bạn có thể gửi câu hỏi cho cơ quan hoặc gặp tổng đài viên.',
    followUpButtons: { documents: 'Hồ sơ', fee: 'Lệ phí', time: 'Thời hạn', place: 'Nơi nộp', online: 'Nộp trực tuyến', legal: 'Căn cứ pháp lý' },
    anotherQuestion: 'Bạn cần hỏi thêm gì về thủ tục này, hoặc hỏi thủ tục khác?',
    fallbackOffer:
      'Xin lỗi, tôi chưa tìm được thủ tục phù hợp với câu hỏi của bạn. Bạn muốn gửi câu hỏi này cho cơ quan có thẩm quyền, gặp tổng đài viên, hay hỏi lại theo cách khác?',
    fallbackButtons: { agency: 'Gửi cho cơ quan', operator: 'Gặp tổng đài viên', rephrase: 'Hỏi lại' },
    publishedAnswer: ({ agencyName, question, answer }) => `${agencyName} đã trả lời câu hỏi tương tự: "${question}"\n\n${answer}`,
    publishedAnswerOffer:
      'Nếu câu trả lời trên chưa đúng với trường hợp của bạn, bạn có thể gửi câu hỏi này cho cơ quan có thẩm quyền, gặp tổng đài viên, hoặc hỏi lại theo cách khác.',
    rephrase: 'Bạn hãy mô tả lại việc cần làm, càng cụ thể càng tốt (ví dụ: cấp lại, cấp đổi, đăng ký lần đầu…).',
    operatorRequested: (reference) =>
      `Hệ thống đã ghi nhận yêu cầu gặp tổng đài viên của bạn (mã ghi nhận ${reference}). ` +
      'Lưu ý: kênh này hiện chưa kết nối trực tiếp với tổng đài viên, nên chưa thể trả lời bạn ngay tại đây. Để được hỗ trợ ngay, bạn vui lòng gọi đường dây nóng 1022 trong giờ hành chính.',
    handoffOffer: 'Bạn muốn gặp tổng đài viên. Bạn hãy nhập nội dung cần hỗ trợ, hoặc chọn nút bên dưới để tôi ghi nhận yêu cầu.',
    news: 'Tính năng nhận tin tức từ cổng thông tin của tỉnh đang được hoàn thiện và chưa hoạt động trên kênh này. Bạn có thể xem tin tức mới trên cổng thông tin điện tử của tỉnh.',
    tickets: {
      questionPrompt: 'Bạn hãy nhập câu hỏi muốn gửi đến cơ quan có thẩm quyền, càng cụ thể càng tốt (việc gì, ở đâu, đã làm đến bước nào).',
      questionPromptAbout: (procedureName) =>
        `Bạn hãy nhập câu hỏi về thủ tục "${procedureName}" muốn gửi đến cơ quan giải quyết thủ tục này, càng cụ thể càng tốt (trường hợp của bạn, đã làm đến bước nào).`,
      consentPrompt: (question) =>
        `Tôi sẽ gửi câu hỏi sau đến cơ quan có thẩm quyền:\n"${question}"\n` +
        'Bạn có đồng ý để chuyển câu hỏi này (cùng họ tên và số điện thoại, nếu bạn cung cấp) cho cơ quan giải quyết không?',
      consentButtons: { yes: 'Đồng ý gửi', no: 'Không gửi' },
      consentDeclined: 'Tôi sẽ không gửi câu hỏi này. Bạn có thể hỏi thủ tục khác, hoặc gọi đường dây nóng 1022 trong giờ hành chính.',
      placePrompt:
        'Bạn cho biết nơi xảy ra sự việc để cơ quan đến kiểm tra: tên đường, thôn/tổ dân phố, xã/phường, hoặc một địa điểm dễ nhận biết gần đó (ví dụ: "đường Lê Lợi, phường 2, gần chợ").',
      placeInvalid: 'Bạn hãy mô tả địa điểm bằng chữ, ví dụ: "thôn 3, xã Hòa Bình, gần trường tiểu học".',
      publishPrompt:
        'Câu hỏi và câu trả lời có thể được đăng công khai trên cổng thông tin của tỉnh để giúp người có cùng thắc mắc, không kèm tên, số điện thoại hay thông tin cá nhân của bạn. Bạn có đồng ý không?',
      publishButtons: { yes: 'Đồng ý đăng', no: 'Không đăng' },
      namePrompt: 'Bạn cho biết họ tên để cơ quan tiện xưng hô (không bắt buộc). Nếu không, bạn chọn "Bỏ qua".',
      nameInvalid: 'Họ tên chỉ gồm chữ, ví dụ: Nguyễn Văn An. Bạn hãy nhập lại hoặc chọn "Bỏ qua"; số điện thoại (nếu muốn được gọi lại) sẽ hỏi ở bước sau.',
      phonePrompt:
        'Nếu muốn cán bộ gọi lại, bạn hãy nhập số điện thoại; số này chỉ dùng để liên hệ về câu hỏi này. Nếu không, bạn chọn "Bỏ qua".',
      skipButton: 'Bỏ qua',
      phoneInvalid: 'Số điện thoại chưa đúng. Bạn hãy nhập lại (ví dụ: 0912 345 678) hoặc chọn "Bỏ qua".',
      opened: ({ code, agencyName, dueDate, callback, place }) =>
        (place !== undefined ? `Phản ánh của bạn tại địa điểm "${place}" đã được ghi nhận` : 'Câu hỏi của bạn đã được ghi nhận') +
        ` với mã tra cứu ${code}; cơ quan phụ trách: ${agencyName}; ` +
        `hạn trả lời theo quy định: ngày ${dueDate}. ` +
        (callback ? 'Cán bộ có thể gọi lại cho bạn theo số điện thoại bạn đã cho. ' : '') +
        'Khi cơ quan trả lời, câu trả lời sẽ được gửi cho bạn tại đây; bạn cũng có thể gõ mã tra cứu hoặc "tra cứu câu hỏi" để xem tình trạng. ' +
        'Nếu cần gấp, bạn vui lòng gọi đường dây nóng 1022 và đọc mã tra cứu.',
      statuses: {
        received: 'Đã tiếp nhận',
        assigned: 'Đã ghi nhận cho cơ quan phụ trách, đang chờ trả lời',
        returned: 'Đang chuyển đến cơ quan phù hợp',
        answered: 'Đã có trả lời',
        delivered: 'Đã trả lời',
        closed: 'Đã đóng',
        overdue: 'Quá hạn, đang đôn đốc cơ quan trả lời',
        reopened: 'Đang xem xét lại',
      },
      list: (tickets) =>
        ['Các câu hỏi bạn đã gửi đến cơ quan:', ...tickets.map((t, i) => `${i + 1}. Mã ${t.code}: ${t.status} (hạn trả lời ${t.dueDate}).`)].join('\n'),
      none:
        'Bạn chưa gửi câu hỏi nào đến cơ quan qua kênh này. Để tra cứu hồ sơ thủ tục hành chính, bạn có thể dùng mã hồ sơ trên Cổng Dịch vụ công quốc gia (dichvucong.gov.vn) hoặc gọi đường dây nóng 1022.',
      detail: ({ code, status, agencyName, dueDate, answer }) =>
        [
          `Câu hỏi mã tra cứu ${code}:`,
          `- Tình trạng: ${status}`,
          `- Cơ quan phụ trách: ${agencyName}`,
          `- Hạn trả lời theo quy định: ngày ${dueDate}`,
          ...(answer !== undefined ? [`Trả lời của ${agencyName}:`, answer] : []),
        ].join('\n'),
      notFound: (code) =>
        `Không tìm thấy câu hỏi có mã tra cứu ${code} đã gửi từ tài khoản này. ` +
        'Bạn chỉ tra cứu được câu hỏi đã gửi từ chính tài khoản và kênh này; bạn kiểm tra lại mã, gõ "tra cứu câu hỏi" để xem các câu hỏi đã gửi, hoặc gọi đường dây nóng 1022 và đọc mã tra cứu.',
      codeInvalid: (code) =>
        `Mã tra cứu ${code} có vẻ bị gõ nhầm một ký tự. Bạn kiểm tra lại mã trong tin nhắn xác nhận (dạng K7QX-3M2PC), hoặc gõ "tra cứu câu hỏi" để xem các câu hỏi đã gửi.`,
      answerNotice: ({ code, agencyName, answer, reopenWindowDays }) =>
        `${agencyName} đã trả lời câu hỏi của bạn (mã tra cứu ${code}):\n${answer}\n\n` +
        `Nếu câu trả lời đã rõ, bạn chọn "Đã rõ, cảm ơn". Nếu còn điều chưa rõ, trong vòng ${reopenWindowDays} ngày bạn chọn "Chưa rõ, hỏi thêm" để cơ quan xem xét lại.`,
      answerButtons: { close: 'Đã rõ, cảm ơn', reopen: 'Chưa rõ, hỏi thêm' },
      closed: (code) => `Cảm ơn bạn đã phản hồi. Câu hỏi mã tra cứu ${code} đã được đóng. Nếu cần hỏi thêm việc khác, bạn cứ nhắn cho tôi.`,
      reopenPrompt: (code) =>
        `Bạn cho biết điều gì trong câu trả lời (mã tra cứu ${code}) còn chưa rõ, càng cụ thể càng tốt; tôi sẽ chuyển lại cho cơ quan đã trả lời.`,
      reopened: ({ code, agencyName, dueDate }) =>
        `Tôi đã chuyển nội dung bạn hỏi thêm (mã tra cứu ${code}) lại cho ${agencyName}; hạn trả lời mới theo quy định: ngày ${dueDate}. ` +
        'Khi cơ quan trả lời, câu trả lời sẽ được gửi cho bạn tại đây.',
      reopenWindowPassed: ({ code, windowDays }) =>
        `Rất tiếc, câu hỏi mã tra cứu ${code} đã được trả lời quá ${windowDays} ngày nên không thể mở lại được nữa. ` +
        `Nếu vẫn còn điều chưa rõ, bạn có thể gửi câu hỏi mới cho cơ quan (nên ghi kèm mã ${code} để cơ quan tiện đối chiếu), hoặc gọi đường dây nóng 1022 trong giờ hành chính.`,
      newQuestionButton: 'Gửi câu hỏi mới',
      changeUnavailable: ({ code, status }) =>
        `Câu hỏi mã tra cứu ${code} hiện ở tình trạng "${status}", nên lựa chọn này không còn áp dụng. Bạn có thể gõ mã tra cứu để xem chi tiết.`,
      formatDate: (date) => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`,
      yesWords: ['co', 'dong y', 'dong y gui', 'dong y dang', 'ok', 'oke', 'yes', 'vang', 'da', 'duoc', 'gui', 'u', 'uh'],
      noWords: ['khong', 'ko', 'k', 'no', 'thoi', 'khong gui', 'khong dang', 'khong dong y'],
      skipWords: ['bo qua', 'khong', 'ko', 'k', 'thoi', 'khong can'],
    },
    feedbackOffer: 'Cảm ơn bạn đã phản ánh. Bạn có muốn tôi ghi nhận nội dung này để chuyển đến cơ quan có trách nhiệm không?',
    outOfScope: 'Xin lỗi, câu hỏi này nằm ngoài phạm vi hỗ trợ của Trợ lý 1022. Tôi hỗ trợ các thủ tục hành chính của tỉnh.',
    apology: 'Xin lỗi, hệ thống vừa gặp sự cố khi xử lý tin nhắn của bạn. Tin nhắn của bạn đã được lưu lại; bạn vui lòng gửi lại sau ít phút hoặc gọi đường dây nóng 1022.',
    chooseByNumber: 'Bạn trả lời bằng số thứ tự (ví dụ: 1) hoặc gõ nội dung.',
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
    genericError: 'Đã có lỗi, vui lòng thử lại sau hoặc gọi tổng đài 1022.',
    hotline: 'Cần hỗ trợ trực tiếp? Gọi tổng đài 1022.',
    lookup: {
      openButton: 'Tra cứu',
      openLabel: 'Tra cứu câu hỏi, phản ánh đã gửi',
      backLabel: 'Quay lại trò chuyện',
      title: 'Tra cứu câu hỏi, phản ánh',
      intro: 'Nhập mã tra cứu bạn nhận được khi gửi câu hỏi hoặc phản ánh đến cơ quan (dạng K7QX-3M2PC).',
      codeLabel: 'Mã tra cứu',
      codePlaceholder: 'Ví dụ: K7QX-3M2PC',
      phoneLabel: '4 số cuối điện thoại',
      phoneHint:
        'Là 4 số cuối của số điện thoại bạn đã cho khi gửi câu hỏi. Không cần nhập nếu bạn đã gửi câu hỏi ngay trong khung trò chuyện này, trên trình duyệt này.',
      submit: 'Tra cứu',
      searching: 'Đang tra cứu…',
      dossierNote: 'Để tra cứu hồ sơ thủ tục hành chính, bạn dùng mã hồ sơ trên Cổng Dịch vụ công quốc gia (dichvucong.gov.vn).',
      codeRequired: 'Bạn hãy nhập mã tra cứu.',
      codeInvalid: 'Mã tra cứu có vẻ bị gõ nhầm một ký tự. Bạn kiểm tra lại mã trong tin nhắn xác nhận (dạng K7QX-3M2PC).',
      phoneInvalid: 'Bạn hãy nhập đúng 4 chữ số cuối của số điện thoại.',
      proofRequired:
        'Bạn hãy nhập 4 số cuối của số điện thoại đã cho khi gửi câu hỏi. Nếu khi gửi bạn không cho số điện thoại, hãy tra cứu trên trình duyệt đã dùng để hỏi, hoặc gọi tổng đài 1022 và đọc mã tra cứu.',
      notFound:
        'Không tìm thấy câu hỏi với mã tra cứu và thông tin bạn nhập. Bạn kiểm tra lại mã tra cứu và 4 số cuối điện thoại, hoặc gọi tổng đài 1022 và đọc mã tra cứu.',
      rateLimited: 'Bạn đã tra cứu không thành công quá nhiều lần. Vui lòng thử lại sau ít phút, hoặc gọi tổng đài 1022.',
      kinds: { question: 'Câu hỏi', feedback: 'Phản ánh' },
      statusLabel: 'Tình trạng',
      agencyLabel: 'Cơ quan phụ trách',
      receivedLabel: 'Ngày tiếp nhận',
      dueLabel: 'Hạn trả lời theo quy định',
      placeLabel: 'Địa điểm',
      answerLabel: 'Trả lời của cơ quan',
      answeredLabel: 'Ngày trả lời',
      historyLabel: 'Quá trình xử lý',
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
      events: {
        received: 'Tiếp nhận qua Trợ lý 1022',
        forwarded: 'Chuyển đến {agency}',
        returned: 'Chuyển về bộ phận điều phối 1022 để xác định cơ quan phù hợp',
        answered: '{agency} đã trả lời',
        delivered: 'Đã gửi câu trả lời đến bạn',
        closed: 'Đã đóng',
        overdue: 'Quá hạn trả lời, đã đôn đốc cơ quan',
        reopened: 'Mở lại để cơ quan xem xét lại',
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
  },
};
