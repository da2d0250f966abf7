// 1022 staff console. Plain JS, no framework, no build step.
// Every text that comes from the API (citizen questions above all) is written with textContent, never innerHTML.
// The page's own wording is not here nor in index.html: it is copy.console of the copy module
// (src/domain/copy), loaded from /console/copy.json before anything is shown. Elements of index.html
// name their text with data-copy="key.path" and their attributes with data-copy-attr="name:key.path".
// Agencies are shown by their directory name (the API's agencyName, GET /inbox/agencies), never by id.
// Admins also get the accounts view (#accounts: GET/POST /admin/accounts): list, create, disable/enable,
// reset a password.
// Hotline operators (role operator; coordinators and admins too) get the operator views (issue 11):
// #hotline[/id] the live handoff (presence, queue, conversations, transcript, composer; /api/v1/operator/*,
// live through the EventSource GET /operator/events), #calls phone intake, #canned canned replies and
// #stats the dashboard (GET /stats). Operators have no ticket inbox; staff have only theirs.
// Everyone signed in reads the portal news (issue 12 item 7: #news, #news/<id>; /api/v1/news/*): the list
// (published and scheduled tabs), an item's delivery report and its Zalo Article broadcast; coordinators
// and admins also write items (with a live per-channel preview), cancel scheduled ones and broadcast.
// Staff reach it from a link beside their ticket list (they have no navigation bar).
// Accessibility: every view change moves focus to the new view's heading (tabindex=-1); #live (polite)
// announces queue arrivals, new messages in the open conversation and filter results.
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

  /** `meta`, if given, receives the response's HTTP status (`meta.status`). */
  async function api(method, path, body, meta) {
    var headers = { Accept: 'application/json' };
    if (method !== 'GET') headers['X-CSRF-Token'] = state.csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    var res;
    try {
      res = await fetch(API + path, { method: method, headers: headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw { code: 'NETWORK', message: C.network };
    }
    if (meta) meta.status = res.status;
    if (res.status === 204) return null;
    var data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      // Errors are {code, message}; {error: {code, message}} is read too.
      var code = data && (data.code || (data.error && data.error.code));
      var known = typeof code === 'string' ? own(C.errors, code) : undefined;
      var err = { code: code || 'HTTP', status: res.status, message: typeof known === 'string' ? known : t('httpError', { status: res.status }), details: errorDetails(data) };
      if (res.status === 401 && path !== '/auth/login' && path !== '/auth/me') { signedOut(); }
      throw err;
    }
    return data;
  }

  /**
   * What an error body says about the input at fault: the API answers `{code, message, field?}` (the
   * field a form shows the message beside); `{error: {code, message, details: {field}}}` is read too.
   */
  function errorDetails(data) {
    if (!data || typeof data !== 'object') return null;
    if (typeof data.field === 'string') return { field: data.field };
    return (data.error && data.error.details) || data.details || null;
  }

  /** Each view and the navigation link that leads to it. */
  var VIEWS = { 'login-view': null, 'list-view': 'nav-tickets', 'detail-view': null, 'accounts-view': 'nav-accounts', 'hotline-view': 'nav-hotline', 'calls-view': 'nav-calls', 'canned-view': 'nav-canned', 'stats-view': 'nav-stats', 'news-view': 'nav-news', 'news-item-view': 'nav-news' };

  function show(view) {
    Object.keys(VIEWS).forEach(function (id) {
      $(id).hidden = id !== view;
      // Several views may share a link (the news list and an item): it is current for any of them.
      var link = VIEWS[id] && $(VIEWS[id]);
      if (link) { if (VIEWS[id] === VIEWS[view]) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current'); }
    });
    $('main').className = view === 'hotline-view' || view === 'stats-view' || view === 'news-view' ? 'wide' : '';
    if (view !== 'hotline-view') closePop();
    if (view !== 'news-item-view') stopNews();
  }

  /** Moves focus to a view's (or a part's) heading, which is focusable by script only (tabindex=-1). */
  function focusHeading(id) {
    var el = $(id);
    if (!el) return;
    el.tabIndex = -1;
    el.focus();
  }

  /** Says `text` in the polite live region (cleared first, so the same words are said again). */
  var announceTimer = null;
  function announce(text) {
    var live = $('live');
    live.textContent = '';
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () { live.textContent = text; }, 60);
  }

  function isAdmin() {
    return Boolean(state.account && state.account.role === 'admin');
  }
  /** Operators, coordinators and admins work the hotline (queue, calls, canned replies, statistics). */
  function canHotline() {
    return Boolean(state.account && ['operator', 'coordinator', 'admin'].indexOf(state.account.role) >= 0);
  }
  /** Everyone but operators has the ticket inbox (staff: only their agency's). */
  function canInbox() {
    return Boolean(state.account && state.account.role !== 'operator');
  }

  function signedOut() {
    state.account = null; state.csrf = ''; state.current = null; state.accounts = []; state.resetTarget = null;
    stopHotline();
    stopNews();
    news = freshNews();
    if ($('news-form')) { $('news-form').reset(); clearFieldErrors(); $('news-topic-boxes').replaceChildren(); $('news-list').replaceChildren(); }
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
    $('nav').hidden = !canHotline();
    $('nav-tickets').hidden = !canInbox();
    $('nav-accounts').hidden = !isAdmin();
    // Staff have no navigation bar: their way to the news is a link beside their ticket list's heading.
    $('staff-news-link').hidden = canHotline();
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

  /** After the filter changed: the new list, and how many tickets it shows, said to screen readers. */
  async function filterList() {
    await loadList();
    var sel = $('status-filter');
    announce(t('live.listCount', { filter: sel.options[sel.selectedIndex].textContent, count: state.tickets.length }));
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

  // ---- the hotline (operators, coordinators, admins): /api/v1/operator/*
  /**
   * hot.items: the last GET /operator/conversations; hot.open: the open conversation (GET …/:id) and
   * hot.messages its transcript; hot.queueIds / hot.msgIds: what was there at the last look, to say
   * only what is new; hot.sigs: each list's last rendering, redrawn only when it changed.
   */
  var OP = '/operator';
  var PRESENCE_KEY = 'troly1022.console.presence';
  var HEARTBEAT_MS = 30000;
  var TYPING_MS = 3000;
  var hot = null;
  function freshHot() {
    return {
      started: false, items: [], queueIds: null, openId: null, open: null, messages: [], msgIds: null,
      canned: null, presence: 'offline', es: null, esRetry: null, heartbeat: null, ticker: null, refreshTimer: null,
      lastTyping: 0, sigs: {}, fetchedAt: 0, pop: { items: [], index: 0, start: 0, end: 0 }, busy: false, again: false,
      sentIds: [], suggestions: [], suggestFor: null, focusComposer: false
    };
  }
  hot = freshHot();

  function enc(id) { return encodeURIComponent(id); }
  function channelName(ch) { return pick(C.operator.channels, ch); }

  /** 75 → "1:15"; 3725 → "1:02:05". */
  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var two = function (n) { return (n < 10 ? '0' : '') + n; };
    return h ? h + ':' + two(m) + ':' + two(s) : m + ':' + two(s);
  }
  /** A length of time in words (copy: operator.durations): seconds, minutes and seconds, or hours and minutes. */
  function duration(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    if (h >= 48) return fill(C.operator.durations.days, { d: Math.floor(h / 24), h: h % 24 });
    if (h) return fill(C.operator.durations.hours, { h: h, m: m });
    if (m) return fill(C.operator.durations.minutes, { m: m, s: s });
    return fill(C.operator.durations.seconds, { s: s });
  }
  /** A transcript time in Vietnam time: "14:05" today, "14:05 06/12" before. */
  function fmtTime(iso) {
    if (!iso) return '';
    var parts = function (d) {
      var out = {};
      new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: C.timeZone })
        .formatToParts(d).forEach(function (p) { out[p.type] = p.value; });
      return out;
    };
    var p = parts(new Date(iso));
    var today = parts(new Date());
    var time = p.hour + ':' + p.minute;
    return p.day === today.day && p.month === today.month ? time : time + ' ' + p.day + '/' + p.month;
  }
  /** When the item joined the queue, in ms (queuedAt, or the server's waitingSeconds at fetch time). */
  function queuedSince(item) {
    if (item.queuedAt) return new Date(item.queuedAt).getTime();
    if (typeof item.waitingSeconds === 'number') return hot.fetchedAt - item.waitingSeconds * 1000;
    return null;
  }
  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  // presence: chosen by the operator, kept for the browser tab (sessionStorage), sent every 30 s
  function presenceKey() { return PRESENCE_KEY + '.' + (state.account ? state.account.id : ''); }
  async function setPresence(status, quiet) {
    hot.presence = status;
    $('presence').value = status;
    try { sessionStorage.setItem(presenceKey(), status); } catch (e) { /* storage off: the choice lasts for this page */ }
    await api('POST', OP + '/presence', { status: status });
    if (!quiet) announce(t('operator.presence.changed', { status: pick(C.operator.presence, status) }));
  }
  function heartbeat() {
    if (!hot.started || !state.account) return;
    if (hot.presence !== 'offline') api('POST', OP + '/presence', { status: hot.presence }).catch(function () { /* next beat */ });
    scheduleRefresh(0);
  }

  function startHotline() {
    if (hot.started) return;
    hot.started = true;
    var kept = null;
    try { kept = sessionStorage.getItem(presenceKey()); } catch (e) { kept = null; }
    hot.presence = kept === 'online' || kept === 'away' ? kept : 'offline';
    $('presence').value = hot.presence;
    if (hot.presence !== 'offline') api('POST', OP + '/presence', { status: hot.presence }).catch(function () { /* heartbeat retries */ });
    hot.heartbeat = setInterval(heartbeat, HEARTBEAT_MS);
    hot.ticker = setInterval(tick, 1000);
    connectEvents();
  }

  function stopHotline() {
    if (hot.es) hot.es.close();
    clearTimeout(hot.esRetry);
    clearInterval(hot.heartbeat);
    clearInterval(hot.ticker);
    clearTimeout(hot.refreshTimer);
    hot = freshHot();
    ['queue-list', 'mine-list', 'others-list', 'transcript', 'suggest-list', 'earlier-tickets', 'earlier-convs', 'canned-list', 'calls-body', 'stats-out'].forEach(function (id) { $(id).replaceChildren(); });
    $('conv-body').hidden = true;
    $('conv-none').hidden = false;
    $('composer-text').value = '';
    $('ticket-result').hidden = true;
    $('call-result').hidden = true;
  }

  /** Live updates: every event refreshes the lists (debounced) and the open conversation if it is the one. */
  function connectEvents() {
    if (!hot.started || hot.es || typeof EventSource !== 'function') return;
    var es = new EventSource('/api/v1' + OP + '/events');
    hot.es = es;
    es.onmessage = function (ev) {
      var data = null;
      try { data = JSON.parse(ev.data); } catch (e) { data = null; }
      scheduleRefresh(data && data.conversationId ? data.conversationId : true);
    };
    es.onerror = function () {
      // EventSource reconnects by itself; when it gave up (a refused request), try again later.
      if (es.readyState === 2) {
        if (hot.es === es) hot.es = null;
        clearTimeout(hot.esRetry);
        hot.esRetry = setTimeout(function () { if (state.account) connectEvents(); }, 5000);
      }
    };
  }

  var pendingOpen = false;
  /** Refreshes soon, once for a burst of events; `about`: a conversation id (its transcript too) or true. */
  function scheduleRefresh(about) {
    if (about === true || (about && about === hot.openId)) pendingOpen = true;
    clearTimeout(hot.refreshTimer);
    hot.refreshTimer = setTimeout(function () {
      var withOpen = pendingOpen;
      pendingOpen = false;
      refreshAll(withOpen).catch(function (e) { notice(e && e.message ? e.message : t('genericError')); });
    }, typeof about === 'number' ? about : 250);
  }

  /** One refresh at a time; one more after it if asked meanwhile. */
  async function refreshAll(withOpen) {
    if (!hot.started || !state.account) return;
    if (hot.busy) { hot.again = true; if (withOpen) pendingOpen = true; return; }
    hot.busy = true;
    try {
      // The queue is watched (and arrivals announced) on the hotline and phone intake views.
      if (!$('hotline-view').hidden || !$('calls-view').hidden) await refreshLists();
      if (!$('hotline-view').hidden && withOpen && hot.openId) await loadConversation(hot.openId, false);
    } finally {
      hot.busy = false;
      if (hot.again) { hot.again = false; scheduleRefresh(pendingOpen ? true : 0); }
    }
  }

  /** Every second: the waiting times in the queue, and the time left in the open conversation's window. */
  function tick() {
    var now = Date.now();
    document.querySelectorAll('#queue-list [data-since]').forEach(function (e) {
      e.textContent = t('operator.item.waiting', { time: clock((now - Number(e.getAttribute('data-since'))) / 1000) });
    });
  }

  // ---- lists
  async function refreshLists() {
    var data = await api('GET', OP + '/conversations?status=queued,assigned,snoozed');
    hot.fetchedAt = Date.now();
    hot.items = data.items || [];
    var queue = hot.items.filter(function (i) { return i.status === 'queued'; }).sort(function (a, b) {
      return (a.position || 0) - (b.position || 0) || (queuedSince(a) || 0) - (queuedSince(b) || 0);
    });
    var held = hot.items.filter(function (i) { return i.status !== 'queued'; });
    renderConvList('queue', queue);
    renderConvList('mine', held.filter(function (i) { return i.mine; }));
    renderConvList('others', held.filter(function (i) { return !i.mine; }));
    var ids = queue.map(function (i) { return i.id; });
    if (hot.queueIds) {
      var known = hot.queueIds;
      var arrived = ids.filter(function (id) { return known.indexOf(id) < 0; }).length;
      if (arrived) announce(t('operator.queue.arrived', { count: arrived }));
    }
    hot.queueIds = ids;
    tick();
  }

  function renderConvList(name, items) {
    var ul = $(name + '-list');
    $(name + '-empty').hidden = items.length > 0;
    $(name + '-count').textContent = items.length ? '(' + items.length + ')' : '';
    var sig = JSON.stringify([hot.openId, items.map(function (i) { return [i.id, i.rev, i.status, i.assigneeName, i.position, i.lastMessage && i.lastMessage.at, i.window && i.window.canReply]; })]);
    if (hot.sigs[name] === sig) return;
    hot.sigs[name] = sig;
    // Keep the keyboard where it was: the same control of the same conversation, or the list's heading.
    var active = document.activeElement;
    var had = active && ul.contains(active) ? { id: active.getAttribute('data-id'), role: active.getAttribute('data-role') } : null;
    ul.replaceChildren();
    items.forEach(function (item) { ul.append(convItem(item, name)); });
    if (had) {
      var again = ul.querySelector('[data-id="' + CSS.escape(had.id || '') + '"][data-role="' + had.role + '"]');
      if (again) again.focus(); else focusHeading(name + '-title');
    }
  }

  function convItem(item, list) {
    var li = el('li', 'conv-item' + (item.status === 'queued' ? ' queued' : '') + (item.id === hot.openId ? ' current' : ''));
    li.dataset.id = item.id;
    var a = el('a', 'conv-link');
    a.href = '#hotline/' + enc(item.id);
    a.dataset.id = item.id; a.dataset.role = 'open';
    if (item.id === hot.openId) a.setAttribute('aria-current', 'true');
    var top = el('span', 'conv-top');
    top.append(el('strong', null, channelName(item.channel)));
    if (item.reason) top.append(el('span', 'badge', pick(C.operator.reasons, item.reason)));
    if (item.status === 'snoozed') top.append(el('span', 'badge warn', pick(C.operator.statuses, 'snoozed')));
    a.append(top);
    var meta = el('span', 'conv-meta');
    if (list === 'queue') {
      var since = queuedSince(item);
      if (since !== null) { var w = el('span', 'conv-wait'); w.setAttribute('data-since', String(since)); meta.append(w); }
      if (item.position) meta.append(since !== null ? ' · ' : '', t('operator.item.position', { position: item.position }));
    } else if (list === 'others' && item.assigneeName) {
      meta.append(t('operator.item.assignee', { name: item.assigneeName }));
    } else if (item.lastMessage) {
      meta.append(fmtTime(item.lastMessage.at));
    }
    if (meta.childNodes.length) a.append(meta);
    var last = item.lastMessage && item.lastMessage.text ? item.lastMessage.text : t('operator.item.noMessage');
    a.append(el('span', 'conv-last', last));
    li.append(a);
    if (list === 'queue') {
      var b = el('button', null, t('operator.item.claim'));
      b.type = 'button';
      b.dataset.id = item.id; b.dataset.role = 'claim';
      b.setAttribute('aria-label', t('operator.item.claimLabel', { channel: channelName(item.channel), text: last.slice(0, 80) }));
      li.append(b);
    }
    return li;
  }

  // ---- the open conversation
  async function showHotline(id) {
    show('hotline-view');
    startHotline();
    if (hot.canned === null) loadCanned().catch(function () { /* the composer works without canned replies */ });
    await refreshLists();
    if (!id) {
      closeConversation();
      focusHeading('hotline-title');
      return;
    }
    var switching = hot.openId !== id;
    if (switching) resetComposer();
    await loadConversation(id, switching, hot.focusComposer);
    if (hot.focusComposer && !$('compose-area').hidden) $('composer-text').focus(); else focusHeading('conv-title');
    hot.focusComposer = false;
  }

  function closeConversation() {
    hot.openId = null; hot.open = null; hot.messages = []; hot.msgIds = null; hot.suggestFor = null;
    $('conv-body').hidden = true;
    $('conv-none').hidden = false;
    hot.sigs = {};
    refreshListMarks();
  }

  function resetComposer() {
    $('composer-text').value = '';
    $('composer-private').checked = false;
    $('resolve-summary').value = '';
    $('ticket-result').hidden = true;
    hideTicketForm();
    closePop();
  }

  /** Marks the open conversation in the lists (aria-current) without redrawing them. */
  function refreshListMarks() {
    document.querySelectorAll('#hotline-view .conv-item').forEach(function (li) {
      var current = li.dataset.id === hot.openId;
      li.classList.toggle('current', current);
      var a = li.querySelector('a');
      if (current) a.setAttribute('aria-current', 'true'); else a.removeAttribute('aria-current');
    });
  }

  /** `own`: reloaded after this operator's own action, whose lines (event, notice) are not announced as new. */
  async function loadConversation(id, switching, own) {
    var both = await Promise.all([
      api('GET', OP + '/conversations/' + enc(id)),
      api('GET', OP + '/conversations/' + enc(id) + '/messages')
    ]);
    if (switching) { hot.msgIds = null; hot.suggestFor = null; }
    hot.openId = id;
    hot.open = both[0].conversation;
    renderConversation();
    renderTranscript(both[1].items || [], switching, own);
    refreshListMarks();
    if (isMine()) loadSuggestions().catch(function () { /* suggestions are a help, not needed */ });
  }

  function isMine() {
    return Boolean(hot.open && hot.open.mine && (hot.open.status === 'assigned' || hot.open.status === 'snoozed'));
  }

  function fact2(id, text) {
    $(id).textContent = text || '';
    $(id).hidden = $(id + '-label').hidden = !text;
  }

  function renderConversation() {
    var c = hot.open;
    $('conv-none').hidden = true;
    $('conv-body').hidden = false;
    $('conv-title').textContent = t('operator.conversation.title', { channel: channelName(c.channel) });
    var st = $('c-status'); st.replaceChildren(el('span', 'badge', pick(C.operator.statuses, c.status)));
    fact2('c-reason', c.reason ? pick(C.operator.reasons, c.reason) : '');
    fact2('c-assignee', c.status === 'assigned' || c.status === 'snoozed' ? (c.mine ? t('operator.conversation.you') : c.assigneeName || '') : '');
    fact2('c-queued', c.status === 'queued' && c.queuedAt ? fmtDate(c.queuedAt) : '');
    var mine = isMine();
    var claim = $('conv-claim');
    claim.hidden = mine;
    claim.textContent = t(c.status === 'queued' ? 'operator.conversation.claim' : 'operator.conversation.takeover');
    $('conv-transfer').hidden = !mine;
    $('conv-to-agency').hidden = !mine;
    if (!mine) hideTicketForm();
    // Another operator took it over (or it went back to the queue) while the keyboard was in the composer:
    // focus goes to the conversation's heading, not to the page body.
    var lost = !mine && !$('compose-area').hidden && $('compose-area').contains(document.activeElement);
    $('compose-area').hidden = !mine;
    if (lost) focusHeading('conv-title');
    renderWindow();
    renderEarlier();
  }

  /** The channel's reply window above the composer; the send button or, window closed, "convert to ticket". */
  function renderWindow() {
    var c = hot.open;
    var w = c.window || { canReply: true };
    var info = $('window-info');
    info.className = 'window-info' + (w.canReply ? '' : ' closed');
    if (!w.canReply) info.textContent = t('operator.window.closed');
    else if (w.closesAt) info.textContent = t('operator.window.until', { date: fmtDate(w.closesAt), left: duration((new Date(w.closesAt).getTime() - Date.now()) / 1000) });
    else info.textContent = t('operator.window.open');
    var badges = $('window-badges'); badges.replaceChildren();
    if (c.channel === 'zalo' && w.billableAfter && new Date(w.billableAfter).getTime() <= Date.now()) {
      var b = el('span', 'badge warn', t('operator.window.billable')); b.title = t('operator.window.billableHint');
      badges.append(b, el('span', 'muted', t('operator.window.billableHint')));
    }
    if (w.tag === 'HUMAN_AGENT') {
      badges.append(el('span', 'badge warn', t('operator.window.humanAgent')), el('span', 'muted', t('operator.window.humanAgentHint')));
    }
    syncComposer();
  }

  function syncComposer() {
    if (!hot.open) return;
    var w = hot.open.window || { canReply: true };
    var note = $('composer-private').checked;
    var canSend = note || w.canReply;
    $('composer-send').hidden = !canSend;
    $('composer-send').textContent = t(note ? 'operator.composer.saveNote' : 'operator.composer.send');
    $('composer-convert').hidden = canSend;
    $('composer').classList.toggle('note-mode', note);
  }

  function renderEarlier() {
    var c = hot.open;
    var tickets = c.tickets || [];
    // Ended stretches only: the one under way is the conversation on screen.
    var earlier = (c.earlier || []).filter(function (e) { return Boolean(e.outcome); });
    $('earlier-empty').hidden = tickets.length + earlier.length > 0;
    $('earlier-tickets-title').hidden = $('earlier-tickets').hidden = !tickets.length;
    $('earlier-convs-title').hidden = $('earlier-convs').hidden = !earlier.length;
    $('earlier-tickets').replaceChildren.apply($('earlier-tickets'), tickets.map(function (tk) {
      return el('li', null, t('operator.earlier.ticket', { code: tk.code, agency: tk.agencyName || '', status: pick(C.statuses, tk.status), date: fmtDate(tk.dueDate) }));
    }));
    $('earlier-convs').replaceChildren.apply($('earlier-convs'), earlier.map(function (e) {
      var li = el('li', null, t('operator.earlier.conversation', { date: fmtDate(e.requestedAt), outcome: e.outcome ? pick(C.operator.outcomes, e.outcome) : pick(C.operator.statuses, 'assigned') }));
      if (e.summary) li.append(el('div', 'muted', t('operator.earlier.summary', { summary: e.summary })));
      if (typeof e.csat === 'number') li.append(el('div', 'muted', t('operator.earlier.csat', { csat: e.csat })));
      return li;
    }));
  }

  function transcriptLine(m) {
    var kind = m.kind;
    if (kind === 'event') {
      var known = typeof own(C.operator.events, m.event) === 'string';
      var text = known ? pick(C.operator.events, m.event) : '';
      if (m.author) text += (text ? ' · ' : '') + m.author;
      // A move the copy does not name: its statuses say what happened.
      if (!known && m.from && m.to) text += (text ? ' ' : '') + pick(C.operator.statuses, m.from) + ' → ' + pick(C.operator.statuses, m.to);
      if (m.text) text += ': ' + m.text;
      var ev = el('li', 'msg msg-event');
      ev.dataset.id = m.id;
      var when = el('time', null, fmtTime(m.at)); when.dateTime = m.at;
      ev.append(when, ' · ', text);
      return ev;
    }
    var li = el('li', 'msg msg-' + kind);
    li.dataset.id = m.id;
    var head = el('div', 'msg-head');
    var who = pick(C.operator.transcript.authors, kind);
    head.append(el('span', 'msg-who', m.author && kind !== 'citizen' && kind !== 'bot' && kind !== 'notice' ? who + ' · ' + m.author : who));
    var time = el('time', null, fmtTime(m.at)); time.dateTime = m.at || '';
    head.append(time);
    // The platform's message tag (Messenger HUMAN_AGENT), not the system's own reply tags.
    if (m.tag === 'HUMAN_AGENT') head.append(el('span', 'badge warn', t('operator.window.humanAgent')));
    if (m.delivery) head.append(el('span', 'msg-delivery-' + m.delivery, pick(C.operator.transcript.delivery, m.delivery)));
    li.append(head, el('p', null, m.text || ''));
    if (m.procedureName || m.procedureId) li.append(el('p', 'msg-proc', t('operator.transcript.procedure', { name: m.procedureName || m.procedureId })));
    return li;
  }

  function renderTranscript(items, switching, own) {
    var box = $('transcript-box');
    var atEnd = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    var ol = $('transcript');
    ol.replaceChildren.apply(ol, items.map(transcriptLine));
    $('transcript-empty').hidden = items.length > 0;
    var before = hot.msgIds;
    hot.messages = items;
    hot.msgIds = items.map(function (m) { return m.id; });
    if (switching || atEnd) box.scrollTop = box.scrollHeight;
    if (!before || switching) return;
    var fresh = items.filter(function (m) { return before.indexOf(m.id) < 0; });
    var citizen = fresh.filter(function (m) { return m.kind === 'citizen'; });
    var others = fresh.filter(function (m) { return m.kind !== 'citizen' && hot.sentIds.indexOf(m.id) < 0; });
    if (citizen.length) {
      announce(t('operator.transcript.newCitizen', { text: citizen.map(function (m) { return m.text || ''; }).join(' / ') }));
      if (isMine()) loadSuggestions().catch(function () { /* a help only */ });
    } else if (others.length && !own) {
      announce(t('operator.transcript.newOther', { count: others.length }));
    }
  }

  async function loadSuggestions() {
    var last = hot.messages.filter(function (m) { return m.kind === 'citizen'; }).pop();
    var key = hot.openId + ':' + (last ? last.id : '');
    if (hot.suggestFor === key) return;
    hot.suggestFor = key;
    var data = await api('GET', OP + '/conversations/' + enc(hot.openId) + '/suggestions');
    var items = data.items || [];
    $('suggest-empty').hidden = items.length > 0;
    var ul = $('suggest-list');
    var wasHere = ul.contains(document.activeElement);
    ul.replaceChildren.apply(ul, items.map(function (s, i) {
      var li = el('li');
      li.append(el('strong', null, s.name || s.procedureId));
      li.append(el('p', null, s.text));
      var b = el('button', null, t('operator.suggestions.insert'));
      b.type = 'button';
      b.dataset.index = String(i);
      b.setAttribute('aria-label', t('operator.suggestions.insertLabel', { name: s.name || s.procedureId }));
      li.append(b);
      return li;
    }));
    hot.suggestions = items;
    if (wasHere) focusHeading('suggest-title');
  }

  /** Puts `text` in the composer (after what is there), the caret at its end. */
  function insertIntoComposer(text) {
    var ta = $('composer-text');
    ta.value = ta.value.trim() ? ta.value.replace(/\s+$/, '') + '\n\n' + text : text;
    ta.focus();
    ta.setSelectionRange(ta.value.length, ta.value.length);
  }

  // ---- actions on the open conversation
  /** Claims (queued) or takes over (held by the bot, staff or another operator); focus goes to the composer. */
  async function claim(id) {
    await api('POST', OP + '/conversations/' + enc(id) + '/assign', {});
    notice(t('operator.conversation.claimed'), 'ok');
    hot.focusComposer = true;
    if (location.hash !== '#hotline/' + enc(id)) { location.hash = '#hotline/' + enc(id); return; }
    await showHotline(id);
  }

  async function sendComposer() {
    var ta = $('composer-text');
    var text = ta.value.trim();
    var note = $('composer-private').checked;
    if (!text) { ta.focus(); throw { message: t('operator.composer.empty') }; }
    var w = hot.open.window || { canReply: true };
    if (!note && !w.canReply) { showTicketForm(); return; }
    var data;
    try {
      data = await api('POST', OP + '/conversations/' + enc(hot.openId) + '/messages', note ? { text: text, private: true } : { text: text });
    } catch (e) {
      if (e && (e.code === 'HANDOFF.WINDOW_CLOSED' || e.code === 'HANDOFF.NOT_ASSIGNEE')) await loadConversation(hot.openId, false);
      throw e;
    }
    ta.value = '';
    closePop();
    if (data && data.message && data.message.id) hot.sentIds.push(data.message.id);
    announce(t(note ? 'operator.composer.noted' : 'operator.composer.sent'));
    await loadConversation(hot.openId, false, true);
    ta.focus();
  }

  function showTicketForm() {
    $('ticket-form').hidden = false;
    $('conv-to-agency').setAttribute('aria-expanded', 'true');
    focusHeading('ticket-form-title');
  }
  function hideTicketForm() {
    $('ticket-form').hidden = true;
    $('conv-to-agency').setAttribute('aria-expanded', 'false');
  }

  async function createTicketFromConversation() {
    var question = $('ticket-question').value.trim();
    var body = { kind: $('ticket-kind').value };
    if (question) body.question = question;
    var id = hot.openId;
    var data = await api('POST', OP + '/conversations/' + enc(id) + '/ticket', body);
    var tk = data.ticket;
    hideTicketForm();
    $('ticket-question').value = '';
    $('ticket-result-code').textContent = tk.code;
    $('ticket-result-agency').textContent = t('operator.toAgency.doneAgency', { agency: tk.agencyName || '', date: fmtDate(tk.dueDate) });
    $('ticket-result').hidden = false;
    await refreshLists();
    await loadConversation(id, false, true);
    $('ticket-result').focus();
  }

  async function transfer() {
    await api('POST', OP + '/conversations/' + enc(hot.openId) + '/transfer', {});
    notice(t('operator.conversation.transferred'), 'ok');
    await refreshLists();
    await loadConversation(hot.openId, false, true);
    focusHeading('conv-title');
  }

  async function resolve() {
    var summary = $('resolve-summary').value.trim();
    await api('POST', OP + '/conversations/' + enc(hot.openId) + '/resolve', summary ? { summary: summary } : {});
    $('resolve-summary').value = '';
    notice(t('operator.conversation.resolved'), 'ok');
    await refreshLists();
    await loadConversation(hot.openId, false, true);
    focusHeading('conv-title');
  }

  function typing() {
    if (!isMine() || $('composer-private').checked) return;
    var now = Date.now();
    if (now - hot.lastTyping < TYPING_MS) return;
    hot.lastTyping = now;
    api('POST', OP + '/conversations/' + enc(hot.openId) + '/typing', {}).catch(function () { /* an indicator only */ });
  }

  // ---- canned replies in the composer: "/code" offers the matching replies (prefix first, then substring)
  async function loadCanned() {
    var data = await api('GET', OP + '/canned');
    hot.canned = (data.items || []).slice().sort(function (a, b) { return a.code < b.code ? -1 : a.code > b.code ? 1 : 0; });
    return hot.canned;
  }

  function cannedToken() {
    var ta = $('composer-text');
    var pos = ta.selectionStart;
    if (pos !== ta.selectionEnd) return null;
    var m = /(^|\s)\/([^\s\/]*)$/.exec(ta.value.slice(0, pos));
    if (!m) return null;
    return { q: m[2].toLowerCase(), start: pos - m[2].length - 1, end: pos };
  }

  function cannedMatches(q) {
    var all = hot.canned || [];
    var prefix = all.filter(function (c) { return c.code.toLowerCase().indexOf(q) === 0; });
    var rest = all.filter(function (c) {
      return prefix.indexOf(c) < 0 && (c.code.toLowerCase().indexOf(q) > 0 || (q.length > 1 && c.text.toLowerCase().indexOf(q) >= 0));
    });
    return prefix.concat(rest).slice(0, 8);
  }

  function updatePop() {
    var token = cannedToken();
    var items = token ? cannedMatches(token.q) : [];
    if (!items.length) { closePop(); return; }
    var before = hot.pop.items.map(function (c) { return c.code; }).join(' ');
    hot.pop = { items: items, index: 0, start: token.start, end: token.end };
    renderPop();
    if (before !== items.map(function (c) { return c.code; }).join(' ')) announce(t('operator.composer.cannedCount', { count: items.length }));
  }

  function renderPop() {
    var ul = $('canned-pop');
    ul.replaceChildren.apply(ul, hot.pop.items.map(function (c, i) {
      var li = el('li');
      li.id = 'canned-opt-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', i === hot.pop.index ? 'true' : 'false');
      li.dataset.index = String(i);
      li.append(el('span', 'canned-code', '/' + c.code), ' ', c.text);
      return li;
    }));
    ul.hidden = false;
    $('composer-text').setAttribute('aria-activedescendant', 'canned-opt-' + hot.pop.index);
    var sel = $('canned-opt-' + hot.pop.index);
    if (sel && sel.scrollIntoView) sel.scrollIntoView({ block: 'nearest' });
  }

  function closePop() {
    hot.pop = { items: [], index: 0, start: 0, end: 0 };
    $('canned-pop').hidden = true;
    $('canned-pop').replaceChildren();
    $('composer-text').removeAttribute('aria-activedescendant');
  }

  function pickCanned(index) {
    var c = hot.pop.items[index];
    if (!c) return;
    var ta = $('composer-text');
    ta.value = ta.value.slice(0, hot.pop.start) + c.text + ta.value.slice(hot.pop.end);
    var caret = hot.pop.start + c.text.length;
    closePop();
    ta.focus();
    ta.setSelectionRange(caret, caret);
    announce(t('operator.composer.cannedInserted'));
  }

  function composerKeydown(ev) {
    var open = !$('canned-pop').hidden && hot.pop.items.length > 0;
    if (open) {
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        var n = hot.pop.items.length;
        hot.pop.index = (hot.pop.index + (ev.key === 'ArrowDown' ? 1 : n - 1)) % n;
        renderPop();
        return;
      }
      if ((ev.key === 'Enter' && !ev.shiftKey) || (ev.key === 'Tab' && !ev.shiftKey)) { ev.preventDefault(); pickCanned(hot.pop.index); return; }
      if (ev.key === 'Escape') { ev.preventDefault(); closePop(); return; }
    }
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.ctrlKey && !ev.altKey && !ev.metaKey && !ev.isComposing) {
      ev.preventDefault();
      $('composer').requestSubmit();
    }
  }

  // ---- canned replies view (#canned): list, add, edit, delete
  async function showCanned() {
    show('canned-view');
    focusHeading('canned-title');
    await loadCanned();
    renderCannedList();
  }

  function renderCannedList() {
    var ul = $('canned-list');
    var items = hot.canned || [];
    $('canned-empty').hidden = items.length > 0;
    ul.replaceChildren.apply(ul, items.map(function (c) {
      var li = el('li', 'account canned-item');
      li.append(el('strong', null, '/' + c.code), el('span', 'canned-text', c.text));
      var actions = el('span', 'actions');
      [['edit', 'canned.edit', 'canned.editLabel'], ['delete', 'canned.delete', 'canned.deleteLabel']].forEach(function (a) {
        var b = el('button', null, t(a[1]));
        b.type = 'button'; b.dataset.action = a[0]; b.dataset.code = c.code;
        b.setAttribute('aria-label', t(a[2], { code: c.code }));
        actions.append(b);
      });
      li.append(actions);
      return li;
    }));
  }

  function editCanned(code) {
    var c = (hot.canned || []).filter(function (x) { return x.code === code; })[0];
    if (!c) return;
    $('canned-code').value = c.code;
    $('canned-code').readOnly = true;
    $('canned-text').value = c.text;
    $('canned-form-title').textContent = t('canned.editTitle', { code: c.code });
    $('canned-cancel').hidden = false;
    $('canned-text').focus();
  }

  function resetCannedForm() {
    $('canned-form').reset();
    $('canned-code').readOnly = false;
    $('canned-form-title').textContent = t('canned.formTitle');
    $('canned-cancel').hidden = true;
  }

  async function saveCanned() {
    var code = $('canned-code').value.trim().toLowerCase();
    var text = $('canned-text').value.trim();
    if (!code || !text) throw { message: t('canned.missing') };
    await api('PUT', OP + '/canned/' + enc(code), { text: text });
    resetCannedForm();
    await loadCanned();
    renderCannedList();
    notice(t('canned.saved', { code: code }), 'ok');
    $('canned-code').focus();
  }

  async function cannedAction(ev) {
    var btn = ev.target && ev.target.closest ? ev.target.closest('button[data-action]') : null;
    if (!btn) return;
    var code = btn.dataset.code;
    if (btn.dataset.action === 'edit') { editCanned(code); return; }
    await api('DELETE', OP + '/canned/' + enc(code));
    await loadCanned();
    renderCannedList();
    notice(t('canned.deleted', { code: code }), 'ok');
    focusHeading('canned-title');
  }

  // ---- phone intake (#calls)
  var callStartedAt = 0;
  async function showCalls() {
    show('calls-view');
    focusHeading('calls-title');
    await loadCalls();
  }

  async function loadCalls() {
    var data = await api('GET', OP + '/calls?limit=50');
    var items = data.items || [];
    $('calls-empty').hidden = items.length > 0;
    $('calls-wrap').hidden = !items.length;
    var body = $('calls-body');
    body.replaceChildren.apply(body, items.map(function (c) {
      var tr = el('tr');
      var when = el('td'); var time = el('time', null, fmtDate(c.receivedAt)); time.dateTime = c.receivedAt; when.append(time);
      tr.append(when, el('td', null, c.question || ''), el('td', null, c.ticketCode ? t('calls.ticket', { code: c.ticketCode }) : c.answer || ''), el('td', null, c.callbackPhone || ''));
      return tr;
    }));
  }

  async function submitCall() {
    var question = $('call-question').value.trim();
    var answer = $('call-answer').value.trim();
    var toAgency = $('call-to-agency').checked;
    var phone = $('call-phone').value.trim();
    if (!question) { $('call-question').focus(); throw { message: t('calls.missing') }; }
    if (!answer && !toAgency) { $('call-answer').focus(); throw { message: t('calls.answerOrAgency') }; }
    var body = { question: question };
    if (phone) body.callbackPhone = phone;
    if (answer) body.answer = answer;
    if (toAgency) body.toAgency = true;
    if (callStartedAt) body.durationSeconds = Math.max(1, Math.round((Date.now() - callStartedAt) / 1000));
    var data = await api('POST', OP + '/calls', body);
    $('call-form').reset();
    callStartedAt = 0;
    var tk = data.call && data.call.ticket;
    if (tk) {
      $('call-result-code').textContent = tk.code;
      $('call-result-agency').textContent = t('calls.codeAgency', { agency: tk.agencyName || '', date: fmtDate(tk.dueDate) });
      $('call-result').hidden = false;
      $('call-result').focus();
    } else {
      $('call-result').hidden = true;
      notice(t('calls.done'), 'ok');
      $('call-question').focus();
    }
    await loadCalls();
  }

  // ---- the dashboard (#stats): GET /stats?from&to&groupBy=month,channel; a chart and a table per channel
  var COUNT_FIGURES = ['questions', 'answeredByAssistant', 'handledByOperators', 'routed', 'answeredOnTime', 'answeredLate', 'open', 'calls', 'queued', 'abandoned', 'closed', 'csatCount'];
  var AVERAGE_FIGURES = ['waitSecondsAvg', 'firstResponseSecondsAvg', 'handlingSecondsAvg', 'csatAvg'];
  /** The figures a chart shows (counts of questions and how they were handled). */
  var CHART_FIGURES = ['questions', 'answeredByAssistant', 'handledByOperators', 'routed', 'answeredOnTime', 'answeredLate', 'calls', 'abandoned'];

  function monthOf(date) {
    var parts = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', timeZone: C.timeZone }).formatToParts(date);
    var y = parts.filter(function (p) { return p.type === 'year'; })[0].value;
    var m = parts.filter(function (p) { return p.type === 'month'; })[0].value;
    return y + '-' + m;
  }
  function monthsBefore(month, n) {
    var y = Number(month.slice(0, 4)), m = Number(month.slice(5, 7)) - 1 - n;
    while (m < 0) { m += 12; y -= 1; }
    return y + '-' + (m < 9 ? '0' : '') + (m + 1);
  }
  function monthLabel(month) {
    return month ? month.slice(5, 7) + '/' + month.slice(0, 4) : '';
  }

  async function showStats() {
    show('stats-view');
    focusHeading('stats-title');
    if (!$('stats-to').value) {
      var now = monthOf(new Date());
      $('stats-to').value = now;
      $('stats-from').value = monthsBefore(now, 5);
    }
    await loadStats(false);
  }

  async function loadStats(say) {
    var from = $('stats-from').value, to = $('stats-to').value;
    if (!/^\d{4}-\d{2}$/.test(from) || !/^\d{4}-\d{2}$/.test(to) || from > to) { $('stats-from').focus(); throw { message: t('dashboard.invalid') }; }
    var query = '?from=' + from + '&to=' + to + '&groupBy=month,channel';
    $('stats-csv').href = '/api/v1/stats.csv' + query;
    var data = await api('GET', '/stats' + query);
    renderStats(data.rows || [], from, to);
    if (say) announce(t('dashboard.shown', { from: monthLabel(from), to: monthLabel(to) }));
  }

  function figureText(name, value) {
    if (value === null || value === undefined || typeof value !== 'number' || !isFinite(value)) return t('dashboard.none');
    if (/SecondsAvg$/.test(name)) return duration(value);
    if (name === 'csatAvg') return value.toLocaleString(C.dateLocale, { maximumFractionDigits: 1 });
    return value.toLocaleString(C.dateLocale);
  }

  function renderStats(rows, from, to) {
    var out = $('stats-out');
    out.replaceChildren();
    $('stats-empty').hidden = rows.length > 0;
    if (!rows.length) return;
    // The figures the server sent (robust to figures being absent), in a fixed order.
    var present = COUNT_FIGURES.concat(AVERAGE_FIGURES).filter(function (f) {
      return rows.some(function (r) { return Object.prototype.hasOwnProperty.call(r, f); });
    });
    var channels = [];
    rows.forEach(function (r) { var ch = r.channel || ''; if (channels.indexOf(ch) < 0) channels.push(ch); });
    var ORDER = ['webchat', 'zalo', 'messenger', 'phone'];
    channels.sort(function (a, b) {
      var ia = ORDER.indexOf(a), ib = ORDER.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : a > b ? 1 : 0);
    });
    channels.forEach(function (ch, n) {
      var name = ch ? channelName(ch) : t('dashboard.unknownChannel');
      var mine = rows.filter(function (r) { return (r.channel || '') === ch; }).sort(function (a, b) { return (a.month || '') < (b.month || '') ? -1 : 1; });
      var section = el('section', 'card stats-channel');
      var h = el('h3', null, t('dashboard.channelTitle', { channel: name }));
      h.id = 'stats-ch-' + n;
      section.setAttribute('aria-labelledby', h.id);
      section.append(h);
      var totals = {};
      present.forEach(function (f) {
        if (COUNT_FIGURES.indexOf(f) < 0) return;
        totals[f] = mine.reduce(function (sum, r) { return sum + (typeof r[f] === 'number' ? r[f] : 0); }, 0);
      });
      var charted = CHART_FIGURES.filter(function (f) { return present.indexOf(f) >= 0; });
      if (charted.length) section.append(chart(name, charted, totals, from, to));
      section.append(statsTable(name, n, mine, present, totals));
      out.append(section);
    });
  }

  var SVG = 'http://www.w3.org/2000/svg';
  function svgEl(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** A horizontal bar chart of the period's totals; its text alternative lists every bar (the table has the detail). */
  function chart(channel, figures, totals, from, to) {
    var fig = el('figure', 'chart');
    var cap = el('figcaption', null, t('dashboard.chartCaption', { from: monthLabel(from), to: monthLabel(to) }));
    var max = Math.max.apply(null, figures.map(function (f) { return totals[f]; }).concat([1]));
    var rowH = 26, labelW = 250, barW = 380, width = labelW + barW + 60;
    var svg = svgEl('svg', { viewBox: '0 0 ' + width + ' ' + (figures.length * rowH + 4), role: 'img', focusable: 'false' });
    svg.setAttribute('aria-label', t('dashboard.chartLabel', {
      channel: channel, from: monthLabel(from), to: monthLabel(to),
      values: figures.map(function (f) { return pick(C.dashboard.figures, f) + ': ' + figureText(f, totals[f]); }).join('; ')
    }));
    figures.forEach(function (f, i) {
      var y = i * rowH + 2;
      svg.append(svgEl('text', { x: labelW - 8, y: y + 16, 'text-anchor': 'end', class: 'bar-label' }, pick(C.dashboard.figures, f)));
      var w = Math.round((totals[f] / max) * barW);
      svg.append(svgEl('rect', { x: labelW, y: y + 3, width: Math.max(w, totals[f] ? 2 : 0), height: rowH - 8, class: 'bar-rect' }));
      svg.append(svgEl('text', { x: labelW + w + 6, y: y + 16, class: 'bar-value' }, figureText(f, totals[f])));
    });
    fig.append(cap, svg);
    return fig;
  }

  /** One row per figure, one column per month, and the period's total for counts (the chart's accessible version). */
  function statsTable(channel, n, rows, present, totals) {
    var wrap = el('div', 'table-wrap');
    wrap.setAttribute('role', 'region');
    wrap.tabIndex = 0;
    var table = el('table', 'data');
    var caption = el('caption', null, t('dashboard.tableCaption', { channel: channel }));
    caption.id = 'stats-cap-' + n;
    wrap.setAttribute('aria-labelledby', caption.id);
    table.append(caption);
    var head = el('tr');
    head.append(th('col', t('dashboard.figure')));
    rows.forEach(function (r) { var c = th('col', monthLabel(r.month)); c.className = 'num'; head.append(c); });
    var total = th('col', t('dashboard.total')); total.className = 'num'; head.append(total);
    var thead = el('thead'); thead.append(head);
    var tbody = el('tbody');
    present.forEach(function (f) {
      var tr = el('tr');
      tr.append(th('row', pick(C.dashboard.figures, f)));
      rows.forEach(function (r) { tr.append(el('td', 'num', figureText(f, r[f]))); });
      tr.append(el('td', 'num total', COUNT_FIGURES.indexOf(f) >= 0 ? figureText(f, totals[f]) : t('dashboard.none')));
      tbody.append(tr);
    });
    table.append(thead, tbody);
    wrap.append(table);
    return wrap;
  }
  function th(scope, text) { var c = el('th', null, text); c.scope = scope; return c; }

  // ---- news (#news, #news/<id>): GET /news/topics, /news/items (published | scheduled), the write form
  // with its live per-channel preview (POST /news/preview), an item's report and Zalo Article broadcast.
  var NEWS = '/news';
  /** Broadcast states after which nothing more happens (the poll stops). */
  var BROADCAST_FINAL = ['done', 'failed', 'unknown'];
  var BROADCAST_POLL_MS = 2000;
  /** A scheduled time is at least 2 minutes ahead (the API takes more than a minute) and at most 90 days. */
  var SCHEDULE_MIN_AHEAD_MS = 2 * 60000;
  var SCHEDULE_MAX_AHEAD_MS = 90 * 86400000;
  /** The form's fields as the API names them (details.field), and their suffix in the page's ids. */
  var NEWS_FIELDS = {
    title: 'title', summary: 'summary', link: 'link', topics: 'topics', urgency: 'urgency', publishAt: 'publishAt',
    'versions.km.title': 'km-title', 'versions.km.summary': 'km-summary', 'versions.en.title': 'en-title', 'versions.en.summary': 'en-summary'
  };
  var news = null;
  function freshNews() {
    return {
      topics: null, tab: 'published', items: { published: null, scheduled: null }, current: null, broadcast: null,
      pollTimer: null, previewTimer: null, previewSeq: 0, previewKey: '', saving: false, flash: '', broadcasting: false, itemSeq: 0
    };
  }
  news = freshNews();

  /** Coordinators and admins write, cancel and broadcast; staff and operators read. */
  function canWriteNews() {
    return Boolean(state.account && (state.account.role === 'coordinator' || state.account.role === 'admin'));
  }

  async function loadNewsTopics() {
    if (news.topics) return news.topics;
    var data = await api('GET', NEWS + '/topics');
    news.topics = data.topics || [];
    return news.topics;
  }
  function topicName(id) {
    var found = (news.topics || []).filter(function (tp) { return tp.id === id; })[0];
    return found ? found.name : id;
  }
  function topicNames(ids) {
    return (ids || []).map(topicName).join(', ');
  }

  /** The scheduled time field speaks Vietnam time (C.timeZone), the API UTC: the zone's offset at `ms`. */
  function zoneOffsetMs(ms) {
    var p = {};
    new Intl.DateTimeFormat('en-GB', { timeZone: C.timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(ms)).forEach(function (x) { p[x.type] = x.value; });
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - Math.floor(ms / 1000) * 1000;
  }
  /** "2026-12-08T09:30" (a datetime-local value, Vietnam time) → ISO UTC; null if malformed. */
  function zonedToIso(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value || '');
    if (!m) return null;
    var wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
    var utc = wall - zoneOffsetMs(wall);
    utc = wall - zoneOffsetMs(utc);
    return isNaN(utc) ? null : new Date(utc).toISOString();
  }
  /** An instant as a datetime-local value in Vietnam time. */
  function isoToZoned(ms) {
    return new Date(ms + zoneOffsetMs(ms)).toISOString().slice(0, 16);
  }

  // -- the list
  async function showNews() {
    show('news-view');
    var writer = canWriteNews();
    $('news-compose').hidden = !writer;
    $('news-readonly').hidden = writer;
    $('news-to-tickets').hidden = canHotline() || !canInbox();
    renderTabs();
    focusHeading('news-title');
    if (news.flash) { $('news-done').textContent = news.flash; $('news-done').hidden = false; announce(news.flash); news.flash = ''; }
    else $('news-done').hidden = true;
    await loadNewsTopics();
    if (writer) {
      renderTopicBoxes();
      $('news-f-publish-at').min = isoToZoned(Date.now() + SCHEDULE_MIN_AHEAD_MS);
      $('news-f-publish-at').max = isoToZoned(Date.now() + SCHEDULE_MAX_AHEAD_MS);
    }
    await loadNewsList(news.tab, false);
    if (writer) schedulePreview(0);
  }

  async function loadNewsList(tab, say) {
    var data = await api('GET', NEWS + '/items?status=' + tab + '&limit=100');
    news.items[tab] = data.items || [];
    if (tab === news.tab) renderNewsList();
    if (say) announce(t('news.list.count', { tab: pick(C.news.list, tab), count: news.items[tab].length }));
  }

  function renderTabs() {
    ['published', 'scheduled'].forEach(function (tab) {
      var b = $('news-tab-' + tab);
      var on = tab === news.tab;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.tabIndex = on ? 0 : -1;
    });
    $('news-panel').setAttribute('aria-labelledby', 'news-tab-' + news.tab);
  }

  async function selectNewsTab(tab, focus) {
    if (tab !== 'published' && tab !== 'scheduled') return;
    news.tab = tab;
    renderTabs();
    if (focus) $('news-tab-' + tab).focus();
    renderNewsList();
    await loadNewsList(tab, true);
  }

  /**
   * Rows whose item did not change are kept, not rebuilt: a list reloaded under the pointer would
   * otherwise swap the link between a click's press and release, and the click would go nowhere.
   */
  function renderNewsList() {
    var items = news.items[news.tab] || [];
    var ul = $('news-list');
    var kept = {};
    Array.prototype.forEach.call(ul.children, function (li) { kept[li.dataset.key] = li; });
    var rows = items.map(function (item) {
      var key = JSON.stringify(item);
      var li = kept[key] || newsListItem(item);
      li.dataset.key = key;
      return li;
    });
    var same = rows.length === ul.children.length && rows.every(function (li, i) { return ul.children[i] === li; });
    if (!same) ul.replaceChildren.apply(ul, rows);
    $('news-empty').textContent = t(news.tab === 'scheduled' ? 'news.list.emptyScheduled' : 'news.list.empty');
    $('news-empty').hidden = items.length > 0 || news.items[news.tab] === null;
  }

  function sourceText(item) {
    return item.source === 'feed' ? (item.sourceUrl || '') : t('news.list.sourceEditor');
  }

  function newsListItem(item) {
    var li = el('li');
    var a = el('a', 'ticket news-item' + (item.urgency === 'critical' ? ' critical' : ''));
    a.href = '#news/' + enc(item.id);
    a.dataset.id = item.id;
    var top = el('span', 'ticket-top');
    top.append(el('strong', null, item.title));
    if (item.urgency === 'critical') top.append(' ', el('span', 'badge status-overdue', t('news.list.critical')));
    a.append(top);
    var when = el('time', 'ticket-due', t(item.status === 'scheduled' ? 'news.list.scheduledAt' : 'news.list.publishedAt', { date: fmtDate(item.publishedAt) }));
    when.dateTime = item.publishedAt;
    a.append(when);
    a.append(line('news-meta', t('news.list.source', { source: sourceText(item) })));
    a.append(line('news-meta', t('news.list.topics', { topics: topicNames(item.topics) })));
    li.append(a);
    return li;
  }

  function newsTabKeydown(ev) {
    var keys = { ArrowRight: 1, ArrowLeft: -1, Home: 'first', End: 'last' };
    if (!Object.prototype.hasOwnProperty.call(keys, ev.key)) return;
    ev.preventDefault();
    var tabs = ['published', 'scheduled'];
    var i = tabs.indexOf(news.tab);
    var k = keys[ev.key];
    var next = k === 'first' ? 0 : k === 'last' ? tabs.length - 1 : (i + k + tabs.length) % tabs.length;
    guard(function () { return selectNewsTab(tabs[next], true); })();
  }

  // -- the write form
  function renderTopicBoxes() {
    var box = $('news-topic-boxes');
    var checked = {};
    box.querySelectorAll('input:checked').forEach(function (c) { checked[c.value] = true; });
    box.replaceChildren.apply(box, (news.topics || []).map(function (tp) {
      var row = el('div', 'check');
      var c = el('input');
      c.type = 'checkbox'; c.name = 'topics'; c.value = tp.id; c.id = 'news-topic-' + tp.id;
      c.checked = Boolean(checked[tp.id]);
      var l = el('label', null, tp.name);
      l.htmlFor = c.id;
      row.append(c, l);
      return row;
    }));
  }

  function fieldValue(id) { return $(id).value.trim(); }

  /** The draft as the API takes it (no publishAt: the buttons decide). */
  function newsDraft() {
    var d = { title: fieldValue('news-f-title'), topics: [], urgency: $('news-urgency-critical').checked ? 'critical' : 'normal' };
    $('news-topic-boxes').querySelectorAll('input:checked').forEach(function (c) { d.topics.push(c.value); });
    if (fieldValue('news-f-summary')) d.summary = fieldValue('news-f-summary');
    if (fieldValue('news-f-link')) d.link = fieldValue('news-f-link');
    var versions = {};
    ['km', 'en'].forEach(function (loc) {
      var title = fieldValue('news-f-' + loc + '-title');
      var summary = fieldValue('news-f-' + loc + '-summary');
      if (!title && !summary) return;
      versions[loc] = { title: title };
      if (summary) versions[loc].summary = summary;
    });
    if (Object.keys(versions).length) d.versions = versions;
    return d;
  }

  /** A scheduled time the form sends: at least SCHEDULE_MIN_AHEAD_MS ahead, at most SCHEDULE_MAX_AHEAD_MS. */
  function schedulable(ms) {
    return ms >= Date.now() + SCHEDULE_MIN_AHEAD_MS && ms <= Date.now() + SCHEDULE_MAX_AHEAD_MS;
  }
  /** Why a scheduled time at `ms` is refused: past (or too soon), or too far ahead, whichever bound it is nearer. */
  function publishAtMessage(ms) {
    var early = ms < Date.now() + SCHEDULE_MAX_AHEAD_MS / 2;
    return t(early ? 'news.form.errors.publishAtPast' : 'news.form.errors.publishAt');
  }
  /** The message for a field's error (the copy's words, not the API's). */
  function fieldMessage(suffix) {
    if (suffix === 'km-title' || suffix === 'en-title') return t('news.form.errors.versionTitle');
    if (suffix === 'km-summary' || suffix === 'en-summary') return t('news.form.errors.versionSummary');
    var known = own(C.news.form.errors, suffix);
    return typeof known === 'string' ? known : C.news.form.errors.other;
  }
  /** The field (suffix) an API error names: details.field, or the first of details.fields it knows. */
  function errorField(e) {
    var d = (e && e.details) || {};
    var names = [].concat(d.field ? [d.field] : [], Array.isArray(d.fields) ? d.fields : []);
    for (var i = 0; i < names.length; i++) {
      var name = String(names[i]);
      // "topics.0" → topics, "versions.km" → its title.
      while (name && !Object.prototype.hasOwnProperty.call(NEWS_FIELDS, name)) {
        if (/^versions\.(km|en)$/.test(name)) { name += '.title'; break; }
        name = name.indexOf('.') > 0 ? name.slice(0, name.lastIndexOf('.')) : '';
      }
      if (name) return NEWS_FIELDS[name];
    }
    return null;
  }
  function fieldControls(suffix) {
    if (suffix === 'topics') return Array.prototype.slice.call($('news-topic-boxes').querySelectorAll('input'));
    if (suffix === 'urgency') return [$('news-urgency-normal'), $('news-urgency-critical')];
    if (suffix === 'publishAt') return [$('news-f-publish-at')];
    return [$('news-f-' + suffix)];
  }
  function setFieldError(suffix, message) {
    var err = $('news-err-' + suffix);
    err.textContent = message;
    err.hidden = false;
    fieldControls(suffix).forEach(function (c) { c.setAttribute('aria-invalid', 'true'); });
    if (/^(km|en)-/.test(suffix)) $('news-versions').open = true;
  }
  function clearFieldErrors() {
    Object.keys(NEWS_FIELDS).forEach(function (k) {
      var suffix = NEWS_FIELDS[k];
      var err = $('news-err-' + suffix);
      err.textContent = ''; err.hidden = true;
      fieldControls(suffix).forEach(function (c) { c.removeAttribute('aria-invalid'); });
    });
  }
  /** Shows `errors` ([suffix, message]) beside their fields, says so, and puts the keyboard on the first. */
  function showFieldErrors(errors) {
    errors.forEach(function (pair) { setFieldError(pair[0], pair[1]); });
    notice(t('news.form.invalid'));
    var first = fieldControls(errors[0][0])[0];
    if (first) first.focus();
  }

  async function submitNews(mode) {
    clearFieldErrors();
    notice('');
    $('news-done').hidden = true;
    var body = newsDraft();
    var errors = [];
    if (!body.title) errors.push(['title', fieldMessage('title')]);
    if (!body.topics.length) errors.push(['topics', fieldMessage('topics')]);
    if (mode === 'schedule') {
      var raw = $('news-f-publish-at').value;
      var iso = raw ? zonedToIso(raw) : null;
      if (!raw) errors.push(['publishAt', t('news.form.errors.publishAtMissing')]);
      else if (!iso) errors.push(['publishAt', fieldMessage('publishAt')]);
      else if (!schedulable(new Date(iso).getTime())) errors.push(['publishAt', publishAtMessage(new Date(iso).getTime())]);
      else body.publishAt = iso;
    }
    if (errors.length) { showFieldErrors(errors); return; }
    var data;
    try {
      data = await api('POST', NEWS + '/items', body);
    } catch (e) {
      var field = errorField(e);
      if (field && (e.code === 'NEWS.INPUT_INVALID' || e.code === 'HTTP.BAD_REQUEST')) {
        // A scheduled time the API refuses (more than a minute past by its clock, or beyond 90 days) is
        // said beside the time field, in the words for the bound it missed.
        showFieldErrors([[field, field === 'publishAt' && body.publishAt ? publishAtMessage(new Date(body.publishAt).getTime()) : fieldMessage(field)]]);
        return;
      }
      throw newsError(e);
    }
    var item = data.item;
    var text = item.status === 'scheduled'
      ? t('news.form.scheduled', { title: item.title, date: fmtDate(item.publishedAt) })
      : t(mode === 'schedule' ? 'news.form.publishedInstead' : 'news.form.published', { title: item.title });
    resetNewsForm();
    $('news-done').textContent = text;
    $('news-done').hidden = false;
    announce(text);
    news.items.published = null; news.items.scheduled = null;
    news.tab = item.status === 'scheduled' ? 'scheduled' : 'published';
    renderTabs();
    await loadNewsList(news.tab, false);
  }

  function resetNewsForm() {
    $('news-form').reset();
    $('news-versions').open = false;
    clearFieldErrors();
    news.previewKey = '';
    schedulePreview(0);
  }

  /** An API error with the news copy's words for the news codes. */
  function newsError(e) {
    var known = e && e.code ? own(C.news.errors, e.code) : undefined;
    return typeof known === 'string' ? { code: e.code, status: e.status, message: known } : e;
  }

  // -- the preview beside the form
  function schedulePreview(delay) {
    clearTimeout(news.previewTimer);
    news.previewTimer = setTimeout(function () {
      runPreview().catch(function () { /* shown in the preview's status */ });
    }, delay === undefined ? 350 : delay);
  }

  function previewStatus(text) {
    $('news-preview-status').textContent = text;
  }

  async function runPreview() {
    if (!canWriteNews() || $('news-view').hidden) return;
    var d = newsDraft();
    if (!d.title || !d.topics.length) {
      news.previewKey = '';
      news.previewSeq += 1;
      previewStatus(t('news.preview.waiting'));
      $('news-preview-body').hidden = true;
      return;
    }
    var key = JSON.stringify(d);
    if (key === news.previewKey) return;
    news.previewKey = key;
    var seq = ++news.previewSeq;
    previewStatus(t('news.preview.loading'));
    var data;
    try {
      data = await api('POST', NEWS + '/preview', d);
    } catch (e) {
      if (seq !== news.previewSeq) return;
      var field = errorField(e);
      previewStatus(t('news.preview.failed', { message: field ? fieldMessage(field) : newsError(e).message }));
      $('news-preview-body').hidden = true;
      return;
    }
    if (seq !== news.previewSeq) return;
    renderPreview(data.preview, d);
    previewStatus(t('news.preview.ready'));
    $('news-preview-body').hidden = false;
  }

  function chars(text) { return Array.from(text || '').length; }

  /** "123/2000 characters" (in the copy's words) and, over the limit, a warning (`cut`: the channel cuts the text; else it refuses it). */
  function lengthLine(id, length, limit, cut) {
    var p = $(id);
    p.replaceChildren(limit ? t('news.preview.length', { length: length, limit: limit }) : t('news.preview.chars', { length: length }));
    var over = limit && length > limit;
    p.classList.toggle('over', Boolean(over));
    if (over) p.append(' ', el('strong', 'over-text', t(cut ? 'news.preview.overCut' : 'news.preview.overSend', { over: length - limit })));
  }

  function renderPreview(pv, d) {
    $('pv-zalo-text').textContent = pv.zalo.text;
    lengthLine('pv-zalo-len', pv.zalo.length, pv.zalo.limit, false);
    $('pv-messenger-text').textContent = pv.messenger.text;
    lengthLine('pv-messenger-len', pv.messenger.length, pv.messenger.limit, false);
    $('pv-webchat-text').textContent = pv.webchat.text;
    $('pv-webpush-title-text').textContent = pv.webpush.title;
    lengthLine('pv-webpush-title-len', chars(pv.webpush.title), 0, true);
    $('pv-webpush-body').textContent = pv.webpush.body;
    lengthLine('pv-webpush-body-len', chars(pv.webpush.body), 0, true);
    // The article's title and description come clipped to Zalo's limits: their length is the draft's.
    $('pv-article-title-text').textContent = pv.zaloArticle.title;
    lengthLine('pv-article-title-len', chars(d.title), pv.zaloArticle.titleLimit, true);
    $('pv-article-desc').textContent = pv.zaloArticle.description;
    lengthLine('pv-article-desc-len', chars(d.summary || d.title), pv.zaloArticle.descriptionLimit, true);
    var v = pv.versions || {};
    $('pv-versions').textContent = t('news.preview.versions', { km: t(v.km ? 'news.preview.kmYes' : 'news.preview.kmNo'), en: t(v.en ? 'news.preview.enYes' : 'news.preview.enNo') });
  }

  // -- one item: facts, report, broadcast
  /** The item with this id (GET /news/items/{id}); null if there is none (404 NEWS.NOT_FOUND). */
  async function fetchNewsItem(id) {
    try {
      return (await api('GET', NEWS + '/items/' + enc(id))).item;
    } catch (e) {
      if (e && e.code === 'NEWS.NOT_FOUND') return null;
      throw newsError(e);
    }
  }

  async function showNewsItem(id) {
    show('news-item-view');
    $('nb-refused').hidden = true;
    var seq = ++news.itemSeq;
    var found = await Promise.all([fetchNewsItem(id), loadNewsTopics()]);
    // Another item (or view) was opened meanwhile: that one is shown, not this.
    if (seq !== news.itemSeq || $('news-item-view').hidden) return;
    var item = found[0];
    news.current = item || { id: id, missing: true };
    news.broadcast = null;
    renderNewsItem();
    focusHeading('news-item-title');
    $('news-report').hidden = !item || item.status === 'scheduled';
    $('news-broadcast').hidden = !item;
    if (!item) return;
    if (item.status !== 'scheduled') await loadNewsReport(false);
    await loadBroadcast(false);
  }

  function newsFact(id, text) {
    $(id).textContent = text || '';
    $(id).hidden = $(id + '-label').hidden = !text;
  }

  function renderNewsItem() {
    var item = news.current;
    $('news-item-title').textContent = item.missing ? t('news.item.notFound') : item.title;
    $('news-item-facts').hidden = Boolean(item.missing);
    $('news-cancel').hidden = item.missing || item.status !== 'scheduled' || !canWriteNews();
    $('news-cancel').setAttribute('aria-label', item.missing ? '' : t('news.item.cancelLabel', { title: item.title }));
    if (item.missing) return;
    var st = $('ni-status');
    st.replaceChildren(el('span', 'badge' + (item.status === 'scheduled' ? ' status-returned' : ' status-answered'), pick(C.news.item.statuses, item.status)));
    $('ni-source').textContent = sourceText(item);
    $('ni-topics').textContent = topicNames(item.topics);
    $('ni-urgency').textContent = pick(C.news.item.urgencies, item.urgency);
    $('ni-time-label').textContent = t(item.status === 'scheduled' ? 'news.item.scheduledAt' : 'news.item.publishedAt');
    $('ni-time').replaceChildren();
    var time = el('time', null, fmtDate(item.publishedAt)); time.dateTime = item.publishedAt;
    $('ni-time').append(time);
    var link = item.link && /^https?:\/\//i.test(item.link) ? item.link : '';
    $('ni-link').replaceChildren();
    $('ni-link').hidden = $('ni-link-label').hidden = !link;
    if (link) { var a = el('a', null, link); a.href = link; a.rel = 'noopener noreferrer'; $('ni-link').append(a); }
    newsFact('ni-summary', item.summary);
    var v = item.versions || {};
    var dd = $('ni-versions'); dd.replaceChildren();
    ['km', 'en'].forEach(function (loc) {
      if (!v[loc]) return;
      var block = el('div', 'version-view');
      block.append(el('strong', null, pick(C.news.item.versionNames, loc) + ': '));
      var title = el('span', null, v[loc].title); title.lang = loc; block.append(title);
      if (v[loc].summary) { var s = el('p', 'version-summary', v[loc].summary); s.lang = loc; block.append(s); }
      dd.append(block);
    });
    dd.hidden = $('ni-versions-label').hidden = !dd.childNodes.length;
  }

  async function cancelNewsItem() {
    var item = news.current;
    if (!item || item.missing) return;
    try {
      await api('DELETE', NEWS + '/items/' + enc(item.id));
    } catch (e) {
      // Published meanwhile: the page shows it as it now is, and the notice says why nothing was cancelled.
      if (e && e.code === 'NEWS.ALREADY_PUBLISHED') { news.items.published = null; news.items.scheduled = null; await showNewsItem(item.id); }
      throw newsError(e);
    }
    news.flash = t('news.item.cancelled', { title: item.title });
    news.items.scheduled = null;
    news.tab = 'scheduled';
    location.hash = '#news';
  }

  var REPORT_STATUSES = ['queued', 'sent', 'failed', 'waiting', 'quiet'];

  async function loadNewsReport(say) {
    var id = news.current.id;
    $('news-report-csv').href = '/api/v1' + NEWS + '/items/' + enc(id) + '/report.csv';
    var data = await api('GET', NEWS + '/items/' + enc(id) + '/report');
    if (!news.current || news.current.id !== id) return;
    renderNewsReport(data.report);
    if (say) announce(t('news.report.refreshed', { count: data.report.total }));
  }

  function reportTable(n, caption, head, rows) {
    var wrap = el('div', 'table-wrap');
    wrap.setAttribute('role', 'region');
    wrap.tabIndex = 0;
    var table = el('table', 'data');
    var cap = el('caption', null, caption);
    cap.id = 'nr-cap-' + n;
    wrap.setAttribute('aria-labelledby', cap.id);
    var tr = el('tr');
    head.forEach(function (h, i) { var c = th('col', h); if (i > 0) c.className = 'num'; tr.append(c); });
    var thead = el('thead'); thead.append(tr);
    var tbody = el('tbody');
    rows.forEach(function (r) {
      var row = el('tr');
      row.append(th('row', r[0]));
      r.slice(1).forEach(function (v) { row.append(el('td', 'num', typeof v === 'number' ? v.toLocaleString(C.dateLocale) : v)); });
      tbody.append(row);
    });
    table.append(cap, thead, tbody);
    wrap.append(table);
    return wrap;
  }

  function renderNewsReport(r) {
    $('nr-total').textContent = r.total ? t('news.report.total', { count: r.total.toLocaleString(C.dateLocale) }) : t('news.report.none');
    var out = $('nr-tables');
    out.replaceChildren();
    var statusName = function (s) { return pick(C.news.report.statuses, s); };
    var channelName_ = function (ch) { return pick(C.news.report.channels, ch); };
    out.append(reportTable('status', t('news.report.byStatusCaption'), [t('news.report.statusCol'), t('news.report.countCol')],
      REPORT_STATUSES.map(function (s) { return [statusName(s), (r.byStatus || {})[s] || 0]; })));
    var channels = Object.keys(r.byChannel || {});
    if (channels.length) {
      out.append(reportTable('channel', t('news.report.byChannelCaption'), [t('news.report.channelCol')].concat(REPORT_STATUSES.map(statusName)),
        channels.map(function (ch) { var tally = r.byChannel[ch] || {}; return [channelName_(ch)].concat(REPORT_STATUSES.map(function (s) { return tally[s] || 0; })); })));
    }
    var failures = r.failures || [];
    if (failures.length) {
      out.append(reportTable('failures', t('news.report.failuresCaption'), [t('news.report.channelCol'), t('news.report.codeCol'), t('news.report.countCol')],
        failures.map(function (f) { return [channelName_(f.channel), String(f.code), f.count]; })));
    } else if (r.total) {
      out.append(el('p', 'muted', t('news.report.noFailures')));
    }
    var w = r.waiting || { window: 0, cap: 0 };
    $('nr-waiting').textContent = t('news.report.waiting', { window: w.window, cap: w.cap });
    $('nr-waiting').hidden = !((r.byStatus || {}).waiting);
  }

  function broadcastStateText(b) {
    return pick(C.news.broadcast.states, b.state);
  }

  async function loadBroadcast(say) {
    var id = news.current.id;
    var data = await api('GET', NEWS + '/items/' + enc(id) + '/broadcast');
    if (!news.current || news.current.id !== id || $('news-item-view').hidden) return;
    var before = news.broadcast ? news.broadcast.state : null;
    news.broadcast = data.broadcast;
    renderBroadcast();
    if (say && news.broadcast && news.broadcast.state !== before) announce(t('news.broadcast.changed', { state: broadcastStateText(news.broadcast) }));
    pollBroadcast();
  }

  /** While the broadcast is under way, its state is read again every 2 s (only on its item's page). */
  function pollBroadcast() {
    clearTimeout(news.pollTimer);
    news.pollTimer = null;
    var b = news.broadcast;
    if (!b || BROADCAST_FINAL.indexOf(b.state) >= 0) return;
    news.pollTimer = setTimeout(function () {
      if ($('news-item-view').hidden || !state.account) return;
      loadBroadcast(true).catch(function () { pollBroadcast(); });
    }, BROADCAST_POLL_MS);
  }

  function stopNews() {
    clearTimeout(news.pollTimer);
    news.pollTimer = null;
    clearTimeout(news.previewTimer);
    var dlg = $('news-broadcast-dialog');
    if (dlg.open) dlg.close();
  }

  function renderBroadcast() {
    var item = news.current;
    var b = news.broadcast;
    var scheduled = !item.missing && item.status === 'scheduled';
    $('nb-state').textContent = b ? t('news.broadcast.state', { state: broadcastStateText(b) }) : t(scheduled ? 'news.broadcast.scheduledNote' : 'news.broadcast.none');
    $('nb-state').className = b && b.state === 'failed' ? 'field-error' : '';
    $('nb-requested').hidden = !b;
    $('nb-requested').textContent = b ? t('news.broadcast.requested', { username: b.requestedBy ? b.requestedBy.username : '', date: fmtDate(b.requestedAt) }) : '';
    var err = b && b.error;
    $('nb-error').hidden = !err;
    $('nb-error').textContent = err ? t('news.broadcast.error', { message: [err.message, err.platformCode !== undefined ? t('news.broadcast.platformCode', { code: err.platformCode }) : '', err.code].filter(Boolean).join(' · ') }) : '';
    var steps = (b && b.steps) || [];
    $('nb-steps-title').hidden = $('nb-steps').hidden = !steps.length;
    $('nb-steps').replaceChildren.apply($('nb-steps'), steps.map(function (s) {
      var li = el('li');
      var when = el('time', null, fmtDate(s.at)); when.dateTime = s.at;
      li.append(when, ' · ', el('strong', null, pick(C.news.broadcast.stepNames, s.step)), ': ', String(s.outcome || ''));
      return li;
    }));
    var btn = $('news-broadcast-open');
    var hadFocus = document.activeElement === btn;
    btn.hidden = Boolean(b) || scheduled || item.missing || !canWriteNews();
    if (hadFocus && btn.hidden) focusHeading('news-broadcast-title');
  }

  function openBroadcastDialog() {
    var item = news.current;
    if (!item || item.missing) return;
    $('nb-refused').hidden = true;
    $('nbd-text').textContent = t('news.broadcast.dialogText', { title: item.title });
    $('news-broadcast-dialog').showModal();
  }

  async function confirmBroadcast() {
    if (news.broadcasting) return;
    news.broadcasting = true;
    var item = news.current;
    $('news-broadcast-dialog').close();
    try {
      var meta = {};
      var data = await api('POST', NEWS + '/items/' + enc(item.id) + '/broadcast', {}, meta);
      news.broadcast = data.broadcast;
      // 202: started now; 200: it already existed (never a second broadcast).
      var existed = meta.status === 200;
      renderBroadcast();
      announce(t(existed ? 'news.broadcast.already' : 'news.broadcast.started', { state: broadcastStateText(data.broadcast) }));
      pollBroadcast();
    } catch (e) {
      var err = newsError(e);
      $('nb-refused').textContent = err.message || t('genericError');
      $('nb-refused').hidden = false;
    } finally {
      news.broadcasting = false;
    }
  }

  // ---- routing
  async function route() {
    if (!state.account) return;
    if (canInbox()) await loadAgencies();
    if (location.hash === '#accounts' && isAdmin()) { await showAccounts(); focusHeading('accounts-title'); return; }
    closePasswordForm();
    var nm = /^#news(?:\/(.+))?$/.exec(location.hash);
    if (nm) { if (nm[1]) await showNewsItem(decodeURIComponent(nm[1])); else await showNews(); return; }
    if (canHotline()) {
      var h = /^#hotline(?:\/(.+))?$/.exec(location.hash);
      if (h) { await showHotline(h[1] ? decodeURIComponent(h[1]) : null); return; }
      if (location.hash === '#calls') { await showCalls(); return; }
      if (location.hash === '#canned') { await showCanned(); return; }
      if (location.hash === '#stats') { await showStats(); return; }
    }
    if (!canInbox()) { await showHotline(null); return; }
    var m = /^#ticket\/(.+)$/.exec(location.hash);
    if (m) { await openTicket(decodeURIComponent(m[1])); return; }
    show('list-view');
    focusHeading('list-title');
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
    if (canHotline()) { try { await setPresence('offline', true); } catch (e) { /* signing out anyway */ } }
    try { await api('POST', '/auth/logout'); } finally {
      history.replaceState(null, '', location.pathname);
      signedOut();
      notice(t('signedOut'), 'ok');
    }
  }));
  $('status-filter').addEventListener('change', guard(filterList));
  $('back').addEventListener('click', function () { location.hash = ''; });
  window.addEventListener('hashchange', guard(route));
  $('answer-form').addEventListener('submit', guard(async function () {
    var text = $('answer-text').value.trim();
    if (!text) throw { message: t('answerForm.empty') };
    await act('/answer', { text: text }, t('answerForm.done'));
    $('answer-text').value = '';
    // The answer form is gone: focus goes to the ticket's heading, not to the page body.
    focusHeading('detail-title');
  }));
  $('return-form').addEventListener('submit', guard(async function () {
    var reason = $('return-reason').value.trim();
    if (!reason) throw { message: t('returnForm.empty') };
    await act('/return', { reason: reason }, t('returnForm.done'));
    $('return-reason').value = '';
    focusHeading('detail-title');
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

  // ---- hotline events
  $('presence').addEventListener('change', guard(async function () { await setPresence($('presence').value); }));
  ['queue-list', 'mine-list', 'others-list'].forEach(function (id) {
    $(id).addEventListener('click', function (ev) {
      var btn = ev.target && ev.target.closest ? ev.target.closest('button[data-role="claim"]') : null;
      if (!btn) return;
      // One claim at a time (the button keeps focus: disabling it would drop focus to the page body).
      if (btn.getAttribute('aria-busy') === 'true') return;
      btn.setAttribute('aria-busy', 'true');
      guard(function () { return claim(btn.dataset.id); })().finally(function () { btn.removeAttribute('aria-busy'); });
    });
  });
  $('conv-claim').addEventListener('click', guard(function () { return claim(hot.openId); }));
  $('conv-transfer').addEventListener('click', guard(transfer));
  $('conv-to-agency').addEventListener('click', function () {
    if ($('ticket-form').hidden) showTicketForm(); else { hideTicketForm(); $('conv-to-agency').focus(); }
  });
  $('composer-convert').addEventListener('click', showTicketForm);
  $('ticket-cancel').addEventListener('click', function () { hideTicketForm(); $('conv-to-agency').focus(); });
  $('ticket-form').addEventListener('submit', guard(createTicketFromConversation));
  $('composer').addEventListener('submit', guard(sendComposer));
  $('composer-text').addEventListener('keydown', composerKeydown);
  $('composer-text').addEventListener('input', function () { typing(); updatePop(); });
  $('composer-text').addEventListener('click', updatePop);
  $('composer-text').addEventListener('blur', function () { setTimeout(function () { if (document.activeElement !== $('composer-text')) closePop(); }, 150); });
  // A pointer on an option picks it; the keyboard does the same from the text field (arrows, Enter, Tab).
  $('canned-pop').addEventListener('mousedown', function (ev) { ev.preventDefault(); });
  $('canned-pop').addEventListener('click', function (ev) {
    var li = ev.target && ev.target.closest ? ev.target.closest('li[data-index]') : null;
    if (li) pickCanned(Number(li.dataset.index));
  });
  $('composer-private').addEventListener('change', syncComposer);
  $('suggest-list').addEventListener('click', function (ev) {
    var btn = ev.target && ev.target.closest ? ev.target.closest('button[data-index]') : null;
    if (!btn) return;
    var s = (hot.suggestions || [])[Number(btn.dataset.index)];
    if (!s) return;
    insertIntoComposer(s.text);
    announce(t('operator.suggestions.inserted'));
  });
  $('resolve-form').addEventListener('submit', guard(resolve));
  $('canned-form').addEventListener('submit', guard(saveCanned));
  $('canned-cancel').addEventListener('click', function () { resetCannedForm(); $('canned-code').focus(); });
  $('canned-list').addEventListener('click', guard(cannedAction));
  $('call-form').addEventListener('input', function () { if (!callStartedAt) callStartedAt = Date.now(); });
  $('call-form').addEventListener('submit', guard(submitCall));
  $('stats-form').addEventListener('submit', guard(function () { return loadStats(true); }));


  // ---- news events
  $('news-tab-published').addEventListener('click', guard(function () { return selectNewsTab('published', false); }));
  $('news-tab-scheduled').addEventListener('click', guard(function () { return selectNewsTab('scheduled', false); }));
  $('news-tab-published').addEventListener('keydown', newsTabKeydown);
  $('news-tab-scheduled').addEventListener('keydown', newsTabKeydown);
  $('news-form').addEventListener('input', function () { schedulePreview(); });
  $('news-form').addEventListener('change', function () { schedulePreview(); });
  // Enter in a one-line field must not publish to every subscriber: only the buttons submit.
  $('news-form').addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && ev.target && ev.target.tagName === 'INPUT' && ev.target.type !== 'checkbox' && ev.target.type !== 'radio') ev.preventDefault();
  });
  $('news-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    // One save at a time; the buttons stay enabled (disabling the focused one would drop focus to the body).
    if (news.saving) return;
    news.saving = true;
    var mode = ev.submitter && ev.submitter.value === 'schedule' ? 'schedule' : 'now';
    $('news-form').setAttribute('aria-busy', 'true');
    guard(function () { return submitNews(mode); })().finally(function () { news.saving = false; $('news-form').removeAttribute('aria-busy'); });
  });
  $('news-cancel').addEventListener('click', guard(cancelNewsItem));
  $('news-report-refresh').addEventListener('click', guard(function () { return loadNewsReport(true); }));
  $('news-broadcast-open').addEventListener('click', openBroadcastDialog);
  $('nbd-cancel').addEventListener('click', function () { $('news-broadcast-dialog').close(); });
  $('nbd-confirm').addEventListener('click', guard(confirmBroadcast));

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
