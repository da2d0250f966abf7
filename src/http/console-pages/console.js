// Trợ lý 1022 · staff console. Plain JS, no framework, no build step.
// Every text that comes from the API (citizen questions above all) is written with textContent, never innerHTML.
'use strict';

(function () {
  var API = '/api/v1';
  var STATUS = {
    received: 'Mới nhận', assigned: 'Đã giao', returned: 'Trả lại điều phối', answered: 'Đã trả lời',
    delivered: 'Đã gửi tới người dân', closed: 'Đã đóng', overdue: 'Quá hạn', reopened: 'Mở lại',
  };
  var ACTION = {
    create: 'Tiếp nhận', assign: 'Giao cơ quan', reroute: 'Chuyển cơ quan', return: 'Trả lại điều phối',
    answer: 'Trả lời', deliver: 'Đã gửi tới người dân', failDelivery: 'Gửi không thành công', close: 'Đóng phiếu',
    markOverdue: 'Quá hạn', reopen: 'Mở lại', remind: 'Nhắc hạn',
  };
  var ACTOR = { system: 'Hệ thống', staff: 'Cán bộ', coordinator: 'Điều phối', citizen: 'Người dân', admin: 'Quản trị' };
  var KIND = { question: 'Câu hỏi', feedback: 'Phản ánh' };
  var ROLE = { staff: 'Cán bộ', coordinator: 'Điều phối', admin: 'Quản trị' };
  var ERRORS = {
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
  };

  var state = { account: null, csrf: '', tickets: [], agencies: [], current: null };
  var $ = function (id) { return document.getElementById(id); };

  function fmtDate(iso) {
    if (!iso) return '';
    var d = new Date(iso);
    return d.toLocaleString('vi-VN', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  }
  function isOverdue(t) {
    return t.status === 'overdue' || (['assigned', 'reopened', 'received', 'returned'].indexOf(t.status) >= 0 && new Date(t.dueAt).getTime() < Date.now());
  }
  function notice(text, kind) {
    var el = $('notice');
    el.textContent = text || '';
    el.className = 'notice' + (kind === 'ok' ? ' ok' : '');
    el.setAttribute('role', kind === 'ok' ? 'status' : 'alert');
    el.hidden = !text;
  }

  async function api(method, path, body) {
    var headers = { Accept: 'application/json' };
    if (method !== 'GET') headers['X-CSRF-Token'] = state.csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    var res;
    try {
      res = await fetch(API + path, { method: method, headers: headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw { code: 'NETWORK', message: 'Không kết nối được máy chủ. Vui lòng thử lại.' };
    }
    if (res.status === 204) return null;
    var data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      var code = data && data.code;
      var err = { code: code || 'HTTP', status: res.status, message: ERRORS[code] || 'Có lỗi xảy ra (mã ' + res.status + '). Vui lòng thử lại.' };
      if (res.status === 401 && path !== '/auth/login' && path !== '/auth/me') { signedOut(); }
      throw err;
    }
    return data;
  }

  function show(view) {
    ['login-view', 'list-view', 'detail-view'].forEach(function (id) { $(id).hidden = id !== view; });
  }

  function signedOut() {
    state.account = null; state.csrf = ''; state.current = null;
    $('who').hidden = true;
    show('login-view');
    $('login-username').focus();
  }

  function signedIn(data) {
    state.account = data.account; state.csrf = data.csrfToken;
    $('who-name').textContent = data.account.displayName + ' · ' + (ROLE[data.account.role] || data.account.role) +
      (data.account.agencyId ? ' · ' + data.account.agencyId : '');
    $('who').hidden = false;
    $('list-title').textContent = data.account.role === 'staff' ? 'Phiếu của cơ quan' : 'Tất cả phiếu';
  }

  // ---- list
  async function loadList() {
    var status = $('status-filter').value;
    var data = await api('GET', '/inbox/tickets' + (status ? '?status=' + encodeURIComponent(status) : ''));
    state.tickets = data.tickets;
    state.tickets.forEach(function (t) { if (state.agencies.indexOf(t.agencyId) < 0) state.agencies.push(t.agencyId); });
    state.agencies.sort();
    renderList();
  }

  function renderList() {
    var ul = $('ticket-list');
    ul.replaceChildren();
    $('list-empty').hidden = state.tickets.length > 0;
    state.tickets.forEach(function (t) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = '#ticket/' + encodeURIComponent(t.id);
      a.className = 'ticket' + (isOverdue(t) ? ' overdue' : '');
      a.dataset.id = t.id;
      var top = document.createElement('span'); top.className = 'ticket-top';
      var code = document.createElement('strong'); code.textContent = t.code;
      var badge = document.createElement('span'); badge.className = 'badge status-' + t.status; badge.textContent = STATUS[t.status] || t.status;
      top.append(code, ' · ', KIND[t.kind] || t.kind, ' · ', t.agencyId, ' ', badge);
      var q = document.createElement('span'); q.className = 'ticket-q'; q.textContent = t.question;
      var due = document.createElement('span'); due.className = 'ticket-due';
      due.textContent = 'Hạn: ' + fmtDate(t.dueAt) + (isOverdue(t) ? ' — QUÁ HẠN' : '');
      a.append(top, q);
      if (t.place) { var p = document.createElement('span'); p.className = 'ticket-q'; p.textContent = 'Địa điểm: ' + t.place; a.append(p); }
      if (t.reopenReason) { var r = document.createElement('span'); r.className = 'ticket-q'; r.textContent = 'Hỏi thêm: ' + t.reopenReason; a.append(r); }
      a.append(due);
      li.append(a);
      ul.append(li);
    });
  }

  // ---- detail
  async function openTicket(id) {
    var data = await api('GET', '/inbox/tickets/' + encodeURIComponent(id));
    state.current = data.ticket;
    renderDetail();
    show('detail-view');
    $('detail-title').focus();
  }

  function renderDetail() {
    var t = state.current;
    $('detail-title').textContent = 'Phiếu ' + t.code;
    $('detail-title').tabIndex = -1;
    var st = $('d-status'); st.replaceChildren();
    var badge = document.createElement('span'); badge.className = 'badge status-' + t.status; badge.textContent = STATUS[t.status] || t.status;
    st.append(badge);
    $('d-agency').textContent = t.agencyId;
    $('d-due').textContent = fmtDate(t.dueAt) + (isOverdue(t) ? ' — QUÁ HẠN' : '') + (t.remindedAt ? ' (đã nhắc hạn ' + fmtDate(t.remindedAt) + ')' : '');
    $('d-due').className = isOverdue(t) ? 'overdue-text' : '';
    $('d-created').textContent = fmtDate(t.createdAt);
    $('d-place').textContent = t.place || '';
    $('d-place').hidden = $('d-place-label').hidden = !t.place;
    $('d-reopen').textContent = t.reopenReason || '';
    $('d-reopen').hidden = $('d-reopen-label').hidden = !t.reopenReason;
    var contact = t.contact ? [t.contact.name, t.contact.callbackPhone ? 'gọi lại: ' + t.contact.callbackPhone : ''].filter(Boolean).join(' · ') : '';
    $('d-contact').textContent = contact;
    $('d-contact').hidden = $('d-contact-label').hidden = !contact;
    $('d-question').textContent = t.question;
    $('d-answer-box').hidden = !t.answer;
    $('d-answer').textContent = t.answer ? t.answer.text : '';

    var actions = t.actions || [];
    $('answer-form').hidden = actions.indexOf('answer') < 0;
    $('return-form').hidden = actions.indexOf('return') < 0;
    $('reroute-form').hidden = actions.indexOf('reroute') < 0;
    if (actions.indexOf('reroute') >= 0) fillAgencies(t.agencyId);

    var ol = $('d-timeline'); ol.replaceChildren();
    (t.timeline || []).forEach(function (e) {
      var li = document.createElement('li');
      var when = document.createElement('time'); when.dateTime = e.at; when.textContent = fmtDate(e.at);
      var what = document.createElement('strong'); what.textContent = ACTION[e.action] || e.action;
      li.append(when, ' · ', what, ' · ', ACTOR[e.actor && e.actor.kind] || (e.actor && e.actor.kind) || '');
      if (e.to) li.append(' → ' + (STATUS[e.to] || e.to));
      if (e.agencyId) li.append(' (' + e.agencyId + ')');
      if (e.note) { var n = document.createElement('div'); n.className = 'note'; n.textContent = e.note; li.append(n); }
      ol.append(li);
    });
  }

  function fillAgencies(current) {
    var sel = $('reroute-agency'); sel.replaceChildren();
    var first = document.createElement('option'); first.value = ''; first.textContent = '— Chọn cơ quan —'; sel.append(first);
    state.agencies.filter(function (a) { return a !== current; }).forEach(function (a) {
      var o = document.createElement('option'); o.value = a; o.textContent = a; sel.append(o);
    });
    var other = document.createElement('option'); other.value = '__other'; other.textContent = 'Cơ quan khác (nhập mã)…'; sel.append(other);
    $('reroute-other-box').hidden = true;
  }

  async function act(path, body, okText) {
    var data = await api('POST', '/inbox/tickets/' + encodeURIComponent(state.current.id) + path, body);
    var fresh = await api('GET', '/inbox/tickets/' + encodeURIComponent(data.ticket.id));
    state.current = fresh.ticket;
    renderDetail();
    notice(okText, 'ok');
  }

  function guard(fn) {
    return async function (ev) {
      if (ev) ev.preventDefault();
      var btn = ev && ev.target && ev.target.querySelector ? ev.target.querySelector('button[type=submit]') : null;
      if (btn) btn.disabled = true;
      notice('');
      try { await fn(ev); } catch (e) { notice(e && e.message ? e.message : 'Có lỗi xảy ra. Vui lòng thử lại.'); } finally { if (btn) btn.disabled = false; }
    };
  }

  // ---- routing
  async function route() {
    if (!state.account) return;
    var m = /^#ticket\/(.+)$/.exec(location.hash);
    if (m) { await openTicket(decodeURIComponent(m[1])); return; }
    show('list-view');
    await loadList();
  }

  // ---- events
  $('login-form').addEventListener('submit', guard(async function () {
    var username = $('login-username').value.trim();
    var password = $('login-password').value;
    if (!username || !password) throw { message: 'Vui lòng nhập tên đăng nhập và mật khẩu.' };
    var data = await api('POST', '/auth/login', { username: username, password: password });
    $('login-password').value = '';
    signedIn(data);
    if (location.hash) history.replaceState(null, '', location.pathname);
    await route();
  }));
  $('logout').addEventListener('click', guard(async function () {
    try { await api('POST', '/auth/logout'); } finally {
      history.replaceState(null, '', location.pathname);
      signedOut();
      notice('Bạn đã đăng xuất.', 'ok');
    }
  }));
  $('status-filter').addEventListener('change', guard(loadList));
  $('back').addEventListener('click', function () { location.hash = ''; });
  window.addEventListener('hashchange', guard(route));
  $('answer-form').addEventListener('submit', guard(async function () {
    var text = $('answer-text').value.trim();
    if (!text) throw { message: 'Vui lòng nhập nội dung trả lời.' };
    await act('/answer', { text: text }, 'Đã gửi câu trả lời.');
    $('answer-text').value = '';
  }));
  $('return-form').addEventListener('submit', guard(async function () {
    var reason = $('return-reason').value.trim();
    if (!reason) throw { message: 'Vui lòng nhập lý do trả lại.' };
    await act('/return', { reason: reason }, 'Đã trả lại phiếu cho điều phối.');
    $('return-reason').value = '';
  }));
  $('reroute-agency').addEventListener('change', function () {
    $('reroute-other-box').hidden = $('reroute-agency').value !== '__other';
  });
  $('reroute-form').addEventListener('submit', guard(async function () {
    var agencyId = $('reroute-agency').value;
    if (agencyId === '__other') agencyId = $('reroute-other').value.trim();
    if (!agencyId) throw { message: 'Vui lòng chọn cơ quan nhận.' };
    var note = $('reroute-note').value.trim();
    await act('/reroute', note ? { agencyId: agencyId, note: note } : { agencyId: agencyId }, 'Đã chuyển phiếu sang cơ quan ' + agencyId + '.');
    $('reroute-note').value = '';
  }));

  // ---- start: an existing session (reloaded page) gets its CSRF token from /auth/me
  (async function start() {
    try {
      signedIn(await api('GET', '/auth/me'));
      await route();
    } catch (e) {
      signedOut();
    }
  })();
})();
