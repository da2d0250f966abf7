// Demo page script: posts the question to /api/v1/ask and shows the decision as text.
// Uses textContent only (never innerHTML), so nothing from the server is interpreted as HTML.
const ERRORS = {
  'KNOWLEDGE.QUESTION_EMPTY': 'Vui lòng nhập câu hỏi.',
  'KNOWLEDGE.QUESTION_TOO_LONG': 'Câu hỏi quá dài (tối đa 2.000 ký tự).',
};
const GENERIC_ERROR = 'Đã có lỗi, vui lòng thử lại sau hoặc gọi tổng đài 1022.';
const INTENT_REPLIES = {
  greeting: 'Xin chào! Bạn cần hỏi về thủ tục hành chính nào?',
  handoff: 'Trang thử nghiệm chưa chuyển được cho tổng đài viên. Vui lòng gọi tổng đài 1022.',
  news: 'Để nhận tin mới, dùng mục "Nhận thông báo tin mới" trên trang này, hoặc nhắn "đăng ký nhận tin" cho Trợ lý 1022.',
  track: 'Trang thử nghiệm chưa có chức năng tra cứu câu hỏi đã gửi.',
  feedback: 'Cảm ơn góp ý của bạn!',
};

const form = document.getElementById('ask-form');
const input = document.getElementById('question');
const output = document.getElementById('answer');

function show(lines, isError) {
  output.replaceChildren();
  for (const line of lines) {
    const el = document.createElement(Array.isArray(line) ? 'ul' : 'p');
    if (Array.isArray(line)) {
      for (const item of line) {
        const li = document.createElement('li');
        li.textContent = item;
        el.appendChild(li);
      }
    } else {
      el.textContent = line;
    }
    output.appendChild(el);
  }
  output.classList.toggle('error', Boolean(isError));
}

function describe(result) {
  const label = (p) => `${p.name} (mã ${p.code})`;
  if (result.intent !== 'procedure' && INTENT_REPLIES[result.intent]) return [INTENT_REPLIES[result.intent]];
  if (result.decision === 'answer' && result.procedure) {
    return ['Thủ tục phù hợp nhất:', label(result.procedure)];
  }
  const options = [result.procedure, ...result.alternatives].filter(Boolean);
  if (result.decision === 'clarify' && options.length > 0) {
    return ['Bạn muốn hỏi về thủ tục nào dưới đây?', options.map(label)];
  }
  return ['Xin lỗi, trợ lý chưa tìm được thủ tục phù hợp. Bạn có thể hỏi lại bằng cách khác hoặc gọi tổng đài 1022.'];
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const button = form.querySelector('button');
  button.disabled = true;
  try {
    const response = await fetch('/api/v1/ask', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ question: input.value }),
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok) show(describe(body), false);
    else show([ERRORS[body.code] ?? GENERIC_ERROR], true);
  } catch {
    show([GENERIC_ERROR], true);
  } finally {
    button.disabled = false;
  }
});
