// 1022 staff console. Plain JS, no framework, no build step.
// Every text that comes from the API (citizen questions above all) is written with textContent, never innerHTML.
// The page's own wording is not here nor in index.html: it is copy.console of the copy module
// (src/domain/copy), loaded from /console/copy.json before anything is shown. Elements of index.html
// name their text with data-copy="key.path" and their attributes with data-copy-attr="name:key.path".
// Agencies are shown by their directory name (the API's agencyName, GET /inbox/agencies), never by id.
// Admins also get the accounts view (#accounts: GET/POST /admin/accounts): list, create, disable/enable,
// reset a password.
'use strict';

(function () {
  var API = '/api/v1';
  var COPY_URL = '/console/copy.json';
  /** copy.console, once loaded. */
  var C = null;

  /** agencies: the agency directory [{id, name}] sorted by name, loaded once (loadAgencies). */
  var state = { account: null, csrf: '', tickets: [], agencies: null, agenciesLoading: null, current: null, accounts: [], resetTarget: null };
  var $ = function (id) { return document.getElementById(id); };

  // ---- copy: the page's wording, by key ("login.submit"); `{name}` placeholders filled from `vars`
  function own(obj, key) {
    return obj !== null && typeof obj === 'object' && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
  }
  function fill(text, vars) {
    if (!vars) return text;
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      var v = own(vars, name);
      return v === undefined || v === null ? whole : String(v);
    });
  }
  /** The text at a key path of the copy; the key itself if there is none (visible, never blank). */
  function t(key, vars) {
    var value = key.split('.').reduce(own, C);
    return typeof value === 'string' ? fill(value, vars) : key;
  }
  /** The text for `key` in one of the copy's maps (statuses, actions, error codes…); the key itself if unknown. */
  function pick(map, key, vars) {
    var value = own(map, key);
    return typeof value === 'string' ? fill(value, vars) : String(key);
  }
  /** Fills `root` (the document, or a fragment cloned from a template) from the copy. */
  function applyCopy(locale, root) {
    if (locale) document.documentElement.lang = locale;
    root = root || document;
    root.querySelectorAll('[data-copy]').forEach(function (el) { el.textContent = t(el.getAttribute('data-copy')); });
    root.querySelectorAll('[data-copy-attr]').forEach(function (el) {
      el.getAttribute('data-copy-attr').split(/\s+/).forEach(function (pair) {
        var i = pair.indexOf(':');
        if (i > 0) el.setAttribute(pair.slice(0, i), t(pair.slice(i + 1)));
      });
    });
  }
  async function loadCopy() {
    var res = await fetch(COPY_URL, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    if (!res.ok) throw new Error(COPY_URL + ': HTTP ' + res.status);
    var data = await res.json();
    C = data.copy;
    applyCopy(data.locale);
  }

  function fmtDate(iso) {
    if (!iso) return '';
    var d = new Date(iso);
    // Vietnam time whatever the browser's zone: a deadline reads the same for every official.
    return d.toLocaleString(C.dateLocale, { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: C.timeZone });
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
      throw { code: 'NETWORK', message: C.network };
    }
    if (res.status === 204) return null;
    var data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      var code = data && data.code;
      var known = typeof code === 'string' ? own(C.errors, code) : undefined;
      var err = { code: code || 'HTTP', status: res.status, message: typeof known === 'string' ? known : t('httpError', { status: res.status }) };
      if (res.status === 401 && path !== '/auth/login' && path !== '/auth/me') { signedOut(); }
      throw err;
    }
    return data;
  }

  function show(view) {
    ['login-view', 'list-view', 'detail-view', 'accounts-view'].forEach(function (id) { $(id).hidden = id !== view; });
    if (view === 'accounts-view') $('nav-accounts').setAttribute('aria-current', 'page'); else $('nav-accounts').removeAttribute('aria-current');
    if (view === 'list-view') $('nav-tickets').setAttribute('aria-current', 'page'); else $('nav-tickets').removeAttribute('aria-current');
  }

  function isAdmin() {
    return Boolean(state.account && state.account.role === 'admin');
  }

  function signedOut() {
    state.account = null; state.csrf = ''; state.current = null; state.accounts = []; state.resetTarget = null;
    $('who').hidden = true;
    $('nav').hidden = true;
    unmountAccounts();
    show('login-view');
    $('login-username').focus();
  }

  function signedIn(data) {
    state.account = data.account; state.csrf = data.csrfToken;
    renderWho();
    $('who').hidden = false;
    $('nav').hidden = !isAdmin();
    $('list-title').textContent = t(data.account.role === 'staff' ? 'list.titleStaff' : 'list.titleAll');
  }

  function renderWho() {
    var account = state.account;
    if (!account) return;
    $('who-name').textContent = account.displayName + ' · ' + pick(C.roles, account.role) +
      (account.agencyId ? ' · ' + agencyName(account.agencyId) : '');
  }

  // ---- the agency directory: loaded once (the first time a signed-in page needs it), then reused
  function loadAgencies() {
    if (state.agencies) return Promise.resolve(state.agencies);
    if (!state.agenciesLoading) {
      state.agenciesLoading = api('GET', '/inbox/agencies').then(function (data) {
        state.agencies = data.agencies;
        renderWho();
        return state.agencies;
      }).finally(function () { state.agenciesLoading = null; });
    }
    return state.agenciesLoading;
  }

  /** An agency's name from the directory; the id itself for one it does not list (or before it is loaded). */
  function agencyName(id) {
    var found = (state.agencies || []).filter(function (a) { return a.id === id; })[0];
    return found ? found.name : id;
  }

  function dueText(t_) {
    return fmtDate(t_.dueAt) + (isOverdue(t_) ? C.overdueMark : '');
  }

  // ---- list
  async function loadList() {
    var status = $('status-filter').value;
    var data = await api('GET', '/inbox/tickets' + (status ? '?status=' + encodeURIComponent(status) : ''));
    state.tickets = data.tickets;
    renderList();
  }

  function line(className, text) {
    var el = document.createElement('span'); el.className = className; el.textContent = text;
    return el;
  }

  function renderList() {
    var ul = $('ticket-list');
    ul.replaceChildren();
    $('list-empty').hidden = state.tickets.length > 0;
    state.tickets.forEach(function (tk) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = '#ticket/' + encodeURIComponent(tk.id);
      a.className = 'ticket' + (isOverdue(tk) ? ' overdue' : '');
      a.dataset.id = tk.id;
      var top = document.createElement('span'); top.className = 'ticket-top';
      var code = document.createElement('strong'); code.textContent = tk.code;
      var badge = document.createElement('span'); badge.className = 'badge status-' + tk.status; badge.textContent = pick(C.statuses, tk.status);
      top.append(code, ' · ', pick(C.kinds, tk.kind), ' · ', tk.agencyName || tk.agencyId, ' ', badge);
      a.append(top, line('ticket-q', tk.question));
      if (tk.place) a.append(line('ticket-q', t('list.place', { place: tk.place })));
      if (tk.reopenReason) a.append(line('ticket-q', t('list.reopenReason', { reason: tk.reopenReason })));
      a.append(line('ticket-due', t('list.due', { date: dueText(tk) })));
      li.append(a);
      ul.append(li);
    });
  }

  // ---- detail
  async function openTicket(id) {
    var data = await api('GET', '/inbox/tickets/' + encodeURIComponent(id));
    state.current = data.ticket;
    renderDetail();
    await loadPublication();
    show('detail-view');
    $('detail-title').focus();
  }

  /** A row of the facts list: its value as text, row hidden when there is none. */
  function fact(id, text) {
    $(id).textContent = text || '';
    $(id).hidden = $(id + '-label').hidden = !text;
  }

  function explain(code) {
    var known = own(C.delivery.errors, code);
    return typeof known === 'string' ? known : t('delivery.errorUnknown', { code: code });
  }

  /** The answer's way to the citizen: pending, held (window closed), sent or failed, and the Zalo notice sent while held. */
  function deliveryText(d) {
    if (!d) return '';
    var text = pick(C.delivery.statuses, d.status, { date: fmtDate(d.at) });
    if (d.error) text += ': ' + explain(d.error);
    if (d.notice) {
      var n = pick(C.delivery.notice, d.notice.status, { date: fmtDate(d.notice.at) });
      if (d.notice.error) n += ': ' + explain(d.notice.error);
      text += ' — ' + n;
    }
    return text;
  }

  /** The call-back request; the number only reaches staff of the responsible agency. */
  function callbackText(tk) {
    if (!tk.callbackRequested) return '';
    var phone = tk.contact && tk.contact.callbackPhone;
    return phone ? t('detail.callbackPhone', { phone: phone }) : t('detail.callbackHidden');
  }

  function renderDetail() {
    var tk = state.current;
    $('detail-title').textContent = t('detail.title', { code: tk.code });
    $('detail-title').tabIndex = -1;
    var st = $('d-status'); st.replaceChildren();
    var badge = document.createElement('span'); badge.className = 'badge status-' + tk.status; badge.textContent = pick(C.statuses, tk.status);
    st.append(badge);
    $('d-agency').textContent = tk.agencyName || tk.agencyId;
    $('d-due').textContent = dueText(tk) + (tk.remindedAt ? t('detail.reminded', { date: fmtDate(tk.remindedAt) }) : '');
    $('d-due').className = isOverdue(tk) ? 'overdue-text' : '';
    $('d-created').textContent = fmtDate(tk.createdAt);
    fact('d-place', tk.place);
    fact('d-reopen', tk.reopenReason);
    fact('d-contact', tk.contact && tk.contact.name);
    fact('d-callback', callbackText(tk));
    fact('d-delivery', deliveryText(tk.delivery));
    $('d-delivery').dataset.status = tk.delivery ? tk.delivery.status : '';
    $('d-question').textContent = tk.question;
    $('d-answer-box').hidden = !tk.answer;
    $('d-answer').textContent = tk.answer ? tk.answer.text : '';

    var actions = tk.actions || [];
    $('answer-form').hidden = actions.indexOf('answer') < 0;
    $('return-form').hidden = actions.indexOf('return') < 0;
    $('reroute-form').hidden = actions.indexOf('reroute') < 0;
    if (actions.indexOf('reroute') >= 0) fillAgencies(tk.agencyId);

    var ol = $('d-timeline'); ol.replaceChildren();
    (tk.timeline || []).forEach(function (e) {
      var li = document.createElement('li');
      var when = document.createElement('time'); when.dateTime = e.at; when.textContent = fmtDate(e.at);
      var what = document.createElement('strong'); what.textContent = pick(C.actions, e.action);
      var actor = e.actor && e.actor.kind ? pick(C.actors, e.actor.kind) : '';
      li.append(when, ' · ', what, ' · ', actor);
      if (e.to) li.append(' → ' + pick(C.statuses, e.to));
      if (e.agencyId) li.append(' (' + (e.agencyName || e.agencyId) + ')');
      if (e.note) { var n = document.createElement('div'); n.className = 'note'; n.textContent = noteText(e); li.append(n); }
      ol.append(li);
    });
  }

  /**
   * A timeline note as staff read it: the system's own notes (routing reason, reminder, delivery error
   * code) in the copy's words; people's notes (return reasons, reroute notes, the citizen's reopen
   * reason) exactly as typed.
   */
  function noteText(e) {
    if (!e.actor || e.actor.kind !== 'system') return e.note;
    var routed = /^routed by ([\w-]+)$/.exec(e.note);
    if (routed) return pick(C.systemNotes.routedBy, routed[1]);
    var due = /^due (\S+)$/.exec(e.note);
    if (e.action === 'remind' && due) return t('systemNotes.remind', { date: fmtDate(due[1]) });
    if (e.action === 'failDelivery') return own(C.delivery.errors, e.note) || t('delivery.errorUnknown', { code: e.note });
    return e.note;
  }

  /** The reroute choices: every agency of the directory but the ticket's own, by name (value: the id). */
  function fillAgencies(current) {
    var sel = $('reroute-agency'); sel.replaceChildren();
    var first = document.createElement('option'); first.value = ''; first.textContent = t('rerouteForm.choose'); sel.append(first);
    (state.agencies || []).filter(function (a) { return a.id !== current; }).forEach(function (a) {
      var o = document.createElement('option'); o.value = a.id; o.textContent = a.name; sel.append(o);
    });
  }

  async function act(path, body, okText) {
    var data = await api('POST', '/inbox/tickets/' + encodeURIComponent(state.current.id) + path, body);
    var fresh = await api('GET', '/inbox/tickets/' + encodeURIComponent(data.ticket.id));
    state.current = fresh.ticket;
    renderDetail();
    await loadPublication();
    notice(okText, 'ok');
  }

  // ---- publishing on /hoi-dap (coordinators): the server's redacted draft, edited here, then published
  function isCoordinator() {
    return Boolean(state.account && state.account.role === 'coordinator');
  }

  async function loadPublication() {
    state.publication = null;
    if (isCoordinator() && state.current) {
      var data = await api('GET', '/inbox/tickets/' + encodeURIComponent(state.current.id) + '/publication');
      state.publication = data.publication;
    }
    renderPublication();
  }

  function renderPublication() {
    var p = state.publication;
    $('publish-box').hidden = !p;
    if (!p) return;
    $('publish-status').textContent = p.blocker === 'no-consent' ? t('publishForm.noConsent')
      : p.blocker === 'not-answered' ? t('publishForm.notAnswered')
      : p.published ? t('publishForm.published', { date: fmtDate(p.published.publishedAt) }) : t('publishForm.notPublished');
    $('unpublish').hidden = !p.published;
    $('publish-form').hidden = !p.draft;
    if (!p.draft) return;
    $('publish-question').value = p.draft.question;
    $('publish-answer').value = p.draft.answer;
    $('publish-field').value = p.draft.field || '';
    $('publish-removed').textContent = p.draft.removed ? t('publishForm.removed', { count: p.draft.removed }) : '';
    $('publish-removed').hidden = !p.draft.removed;
    $('publish-submit').textContent = t(p.published ? 'publishForm.update' : 'publishForm.submit');
  }

  function guard(fn) {
    return async function (ev) {
      if (ev) ev.preventDefault();
      var btn = ev && ev.target && ev.target.querySelector ? ev.target.querySelector('button[type=submit]') : null;
      if (btn) btn.disabled = true;
      notice('');
      try { await fn(ev); } catch (e) { notice(e && e.message ? e.message : t('genericError')); } finally { if (btn) btn.disabled = false; }
    };
  }

  // ---- accounts (admins)
  async function loadAccounts() {
    var data = await api('GET', '/admin/accounts');
    state.accounts = data.accounts;
    renderAccounts();
  }

  function renderAccounts() {
    var ul = $('account-list');
    ul.replaceChildren();
    $('accounts-empty').hidden = state.accounts.length > 0;
    state.accounts.forEach(function (ac) {
      var li = document.createElement('li');
      li.className = 'account' + (ac.disabled ? ' disabled' : '');
      li.dataset.username = ac.username;
      var who = document.createElement('span'); who.className = 'who-line';
      var name = document.createElement('strong'); name.textContent = ac.username;
      who.append(name, ' · ', ac.displayName);
      if (state.account && ac.id === state.account.id) who.append(' ', t('accounts.you'));
      var facts = document.createElement('span'); facts.className = 'facts-line';
      var parts = [t('accounts.role') + ': ' + pick(C.roles, ac.role)];
      if (ac.agencyId) parts.push(t('accounts.agency') + ': ' + (ac.agencyName || agencyName(ac.agencyId)));
      parts.push(t('accounts.status') + ': ' + pick(C.accounts.statuses, ac.disabled ? 'disabled' : 'active'));
      parts.push(t('accounts.createdAt') + ': ' + fmtDate(ac.createdAt));
      facts.textContent = parts.join(' · ');
      var actions = document.createElement('span'); actions.className = 'actions';
      if (ac.disabled) actions.append(accountButton('enable', ac, t('accounts.enable')));
      else if (!state.account || ac.id !== state.account.id) actions.append(accountButton('disable', ac, t('accounts.disable')));
      actions.append(accountButton('password', ac, t('accounts.resetPassword')));
      li.append(who, facts, actions);
      ul.append(li);
    });
  }

  function accountButton(action, ac, label) {
    var b = document.createElement('button');
    b.type = 'button'; b.dataset.action = action; b.dataset.id = ac.id; b.textContent = label;
    b.setAttribute('aria-label', label + ' ' + ac.username);
    return b;
  }

  /** The create form's agency choices: every agency of the directory, by name; only for staff accounts. */
  function fillAccountAgencies() {
    var sel = $('account-agency');
    var chosen = sel.value;
    sel.replaceChildren();
    var first = document.createElement('option'); first.value = ''; first.textContent = t('accounts.chooseAgency'); sel.append(first);
    (state.agencies || []).forEach(function (a) {
      var o = document.createElement('option'); o.value = a.id; o.textContent = a.name; sel.append(o);
    });
    sel.value = chosen;
    syncAgencyChoice();
  }

  function syncAgencyChoice() {
    var staff = $('account-role').value === 'staff';
    $('account-agency').disabled = !staff;
    if (!staff) $('account-agency').value = '';
  }

  function accountById(id) {
    return state.accounts.filter(function (a) { return a.id === id; })[0];
  }

  function closePasswordForm() {
    state.resetTarget = null;
    if (!$('password-form')) return;
    $('password-form').hidden = true;
    $('password-new').value = '';
  }

  async function showAccounts() {
    mountAccounts();
    show('accounts-view');
    fillAccountAgencies();
    await loadAccounts();
  }

  /**
   * The accounts view is built from #accounts-template the first time an admin opens it (and removed on
   * sign-out), so no one else's page holds its form, whose labels repeat the sign-in form's words.
   */
  function mountAccounts() {
    var view = $('accounts-view');
    if (view.firstElementChild) return;
    var content = $('accounts-template').content.cloneNode(true);
    applyCopy(null, content);
    view.append(content);
    $('account-role').addEventListener('change', syncAgencyChoice);
    $('account-form').addEventListener('submit', guard(createAccount));
    $('account-list').addEventListener('click', guard(accountAction));
    $('password-form').addEventListener('submit', guard(resetPassword));
    $('password-cancel').addEventListener('click', function () { closePasswordForm(); });
  }

  function unmountAccounts() {
    $('accounts-view').replaceChildren();
  }

  async function createAccount() {
    var body = {
      username: $('account-username').value.trim(),
      displayName: $('account-display-name').value.trim(),
      role: $('account-role').value,
      password: $('account-password').value
    };
    if (!body.username || !body.displayName || !body.password) throw { message: t('accounts.missing') };
    if (body.role === 'staff') {
      if (!$('account-agency').value) throw { message: t('accounts.agencyMissing') };
      body.agencyId = $('account-agency').value;
    }
    var data = await api('POST', '/admin/accounts', body);
    $('account-form').reset();
    syncAgencyChoice();
    await loadAccounts();
    notice(t('accounts.createdDone', { username: data.account.username }), 'ok');
  }

  /** A click in the list: disable, enable, or open the password form for that account. */
  async function accountAction(ev) {
    var btn = ev.target && ev.target.closest ? ev.target.closest('button[data-action]') : null;
    if (!btn) return;
    var ac = accountById(btn.dataset.id);
    if (!ac) return;
    if (btn.dataset.action === 'password') {
      state.resetTarget = ac;
      $('password-title').textContent = t('accounts.passwordTitle', { username: ac.username });
      $('password-form').hidden = false;
      $('password-new').focus();
      return;
    }
    btn.disabled = true;
    try {
      if (btn.dataset.action === 'disable') {
        await api('POST', '/admin/accounts/' + encodeURIComponent(ac.id) + '/disable');
        await loadAccounts();
        notice(t('accounts.disabledDone', { username: ac.username }), 'ok');
      } else {
        await api('POST', '/admin/accounts/' + encodeURIComponent(ac.id) + '/enable');
        await loadAccounts();
        notice(t('accounts.enabledDone', { username: ac.username }), 'ok');
      }
    } finally { btn.disabled = false; }
  }

  async function resetPassword() {
    var target = state.resetTarget;
    if (!target) return;
    var password = $('password-new').value;
    if (!password) throw { message: t('accounts.passwordMissing') };
    await api('POST', '/admin/accounts/' + encodeURIComponent(target.id) + '/password', { password: password });
    closePasswordForm();
    notice(t('accounts.passwordDone', { username: target.username }), 'ok');
    await loadAccounts();
  }

  // ---- routing
  async function route() {
    if (!state.account) return;
    await loadAgencies();
    if (location.hash === '#accounts' && isAdmin()) { await showAccounts(); return; }
    closePasswordForm();
    var m = /^#ticket\/(.+)$/.exec(location.hash);
    if (m) { await openTicket(decodeURIComponent(m[1])); return; }
    show('list-view');
    await loadList();
  }

  // ---- events
  $('login-form').addEventListener('submit', guard(async function () {
    var username = $('login-username').value.trim();
    var password = $('login-password').value;
    if (!username || !password) throw { message: t('login.missing') };
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
      notice(t('signedOut'), 'ok');
    }
  }));
  $('status-filter').addEventListener('change', guard(loadList));
  $('back').addEventListener('click', function () { location.hash = ''; });
  window.addEventListener('hashchange', guard(route));
  $('answer-form').addEventListener('submit', guard(async function () {
    var text = $('answer-text').value.trim();
    if (!text) throw { message: t('answerForm.empty') };
    await act('/answer', { text: text }, t('answerForm.done'));
    $('answer-text').value = '';
  }));
  $('return-form').addEventListener('submit', guard(async function () {
    var reason = $('return-reason').value.trim();
    if (!reason) throw { message: t('returnForm.empty') };
    await act('/return', { reason: reason }, t('returnForm.done'));
    $('return-reason').value = '';
  }));
  $('publish-form').addEventListener('submit', guard(async function () {
    var question = $('publish-question').value.trim();
    var answer = $('publish-answer').value.trim();
    if (!question || !answer) throw { message: t('publishForm.empty') };
    var field = $('publish-field').value.trim();
    var body = { question: question, answer: answer };
    if (field) body.field = field;
    await api('POST', '/inbox/tickets/' + encodeURIComponent(state.current.id) + '/publish', body);
    await loadPublication();
    notice(t('publishForm.publishedDone'), 'ok');
  }));
  $('unpublish').addEventListener('click', guard(async function () {
    await api('DELETE', '/inbox/tickets/' + encodeURIComponent(state.current.id) + '/publish');
    await loadPublication();
    notice(t('publishForm.unpublishedDone'), 'ok');
  }));
  $('reroute-form').addEventListener('submit', guard(async function () {
    var agencyId = $('reroute-agency').value;
    if (!agencyId) throw { message: t('rerouteForm.empty') };
    var note = $('reroute-note').value.trim();
    await act('/reroute', note ? { agencyId: agencyId, note: note } : { agencyId: agencyId }, t('rerouteForm.done', { agency: agencyName(agencyId) }));
    $('reroute-note').value = '';
  }));


  // ---- start: the wording first (nothing is shown without it), then an existing session (reloaded
  // page) gets its CSRF token from /auth/me
  (async function start() {
    try {
      await loadCopy();
    } catch (e) {
      // No wording to say it with: the bare error, for whoever looks into it.
      notice(String(e && e.message ? e.message : e));
      return;
    }
    try {
      signedIn(await api('GET', '/auth/me'));
      await route();
    } catch (e) {
      signedOut();
    }
  })();
})();
