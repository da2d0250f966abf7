/*
 * Trợ lý 1022 web widget. Embed with ONE tag on any page:
 *
 *   <script src="https://HOST/widget/widget.js" async></script>
 *
 * Plain browser JavaScript (no build step, no framework). It finds its server from its own src, and
 * renders a launcher button and a chat panel inside a shadow root (the portal's CSS cannot break it, and
 * its CSS cannot leak into the portal). The server writes the widget's Vietnamese text and its styles
 * into this script (BOOT below), so the launcher shows after this one request; served as a plain file,
 * the script fetches /widget/config and links /widget/widget.css instead.
 * Any element with a `data-troly1022-open` attribute opens the panel when clicked; one with
 * `data-troly1022-lookup` opens it on the ticket lookup form ("Tra cứu": tracking code + proof).
 *
 * Security: the server issues and signs the visitor session; the token is kept in localStorage (per
 * server) and sent as a Bearer header (?token= for the event stream). Every text from the citizen, the
 * assistant or an operator is inserted with textContent, never as HTML; links are http(s) only and
 * open in a new tab with rel="noopener noreferrer".
 */
(function () {
  'use strict';

  if (window.__troLy1022Widget) return; // loaded twice: keep the first
  window.__troLy1022Widget = true;

  var script =
    document.currentScript ||
    Array.prototype.slice.call(document.getElementsByTagName('script')).filter(function (s) {
      return /\/widget\/widget\.js(\?|$)/.test(s.src);
    })[0];
  if (!script || !script.src) return;

  /** {config, css} written in by the server (src/http/widget.router.ts widgetScript); null in the plain file. */
  var BOOT = /*@troly1022-boot*/null;

  var BASE = new URL('.', script.src); // e.g. https://host/widget/
  var STORAGE_KEY = 'troly1022:' + BASE.href;
  var MAX_SEND_TRIES = 3;
  var TYPING_TIMEOUT_MS = 20000;
  /** The full-screen layout of widget.css (@media (max-width: 480px)): there the open panel is a modal dialog. */
  var phoneLayout = window.matchMedia ? window.matchMedia('(max-width: 480px)') : null;

  var copy = null;
  /** The widget's language (config.locale, "vi"): its root declares it whatever the host page says. */
  var lang = 'vi';
  var locale;
  var limits = { text: 2000, payload: 200 };
  var token = null;
  var sessionPending = null;
  var stream = null;
  var reconnectTimer = null;
  var reconnectAttempts = 0;
  var typingTimer = null;
  var isOpen = false;
  /** The panel shows the ticket lookup form instead of the chat. */
  var lookupMode = false;
  var lookupPending = false;
  var unread = 0;
  /** Replies that arrived while the lookup form hid the chat (shown on its "back to the chat" button). */
  var lookupUnread = 0;
  /** Order of messages in the log, so a reply that overtook our 202 does not leave "typing…" up. */
  var appended = 0;
  var lastAssistantAt = 0;
  var ui = null;
  /** id → message element (ids: outbound id for the assistant, client message id for the citizen). */
  var known = new Map();
  /** client message id → message waiting to be (re)sent. */
  var outbox = new Map();
  /** Clears the "wait before sending" notice when the wait is over. */
  var rateLimitTimer = null;

  // ---------- storage (localStorage may be unavailable: private modes, sandboxed frames) ----------

  var memoryStore = {};
  function loadState() {
    try {
      return JSON.parse(window.localStorage.getItem(STORAGE_KEY) || '{}') || {};
    } catch (e) {
      return memoryStore;
    }
  }
  function saveState(patch) {
    var state = loadState();
    for (var k in patch) state[k] = patch[k];
    memoryStore = state;
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (e) {
      /* memory only */
    }
  }

  // ---------- helpers ----------

  function url(path) {
    return new URL(path, BASE).href;
  }

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b); // available outside secure contexts, unlike randomUUID
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) {
      return (x + 0x100).toString(16).slice(1);
    }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  /** Creates an element; `text` always goes through textContent, so it is never interpreted as HTML. */
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function svgIcon(kind) {
    var NS = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', 'tl-icon');
    var path = document.createElementNS(NS, 'path');
    var d = {
      chat: 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z',
      close: 'M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z',
      send: 'M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z',
      search: 'M10 3a7 7 0 0 1 5.6 11.2l5.1 5.1-1.4 1.4-5.1-5.1A7 7 0 1 1 10 3zm0 2a5 5 0 1 0 0 10 5 5 0 0 0 0-10z',
      back: 'M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20z',
    }[kind];
    path.setAttribute('d', d);
    svg.appendChild(path);
    return svg;
  }

  function format(template, n) {
    return String(template).replace('{n}', String(n));
  }

  function safeHttpUrl(value) {
    try {
      var u = new URL(String(value), document.baseURI);
      return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  /**
   * The text as a paragraph whose http(s) addresses are links. Built from text nodes and <a> elements
   * whose text is set with textContent: nothing in the text is ever parsed as HTML.
   */
  function textWithLinks(text) {
    var p = el('p', 'tl-text');
    var pattern = /https?:\/\/[^\s<>"']+/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text))) {
      var address = match[0].replace(/[.,;:!?)\]]+$/, '');
      var href = safeHttpUrl(address);
      if (!href) continue;
      p.appendChild(document.createTextNode(text.slice(last, match.index)));
      var a = el('a', 'tl-inline-link', address);
      a.href = href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      p.appendChild(a);
      last = match.index + address.length;
      pattern.lastIndex = last;
    }
    p.appendChild(document.createTextNode(text.slice(last)));
    return p;
  }

  function timeLabel(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return '';
    var sameDay = d.toDateString() === new Date().toDateString();
    var opts = sameDay ? { hour: '2-digit', minute: '2-digit' } : { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' };
    try {
      return new Intl.DateTimeFormat(locale, opts).format(d);
    } catch (e) {
      return '';
    }
  }

  // ---------- server calls ----------

  function authHeaders(extra) {
    var h = extra || {};
    if (token) h.Authorization = 'Bearer ' + token;
    return h;
  }

  /**
   * Makes sure we hold a valid token. With `renew`, presents the current token to the server, which
   * renews it (same visitor) or, if it expired or was tampered with, issues a new visitor session.
   */
  function ensureSession(renew) {
    if (token && !renew) return Promise.resolve(token);
    if (sessionPending) return sessionPending;
    var presented = token || loadState().token || null;
    sessionPending = fetch(url('session'), {
      method: 'POST',
      headers: presented ? { Authorization: 'Bearer ' + presented } : {},
      credentials: 'omit',
    })
      .then(function (res) {
        if (!res.ok) throw new Error('session ' + res.status);
        return res.json();
      })
      .then(function (data) {
        var changedVisitor = presented && !data.renewed;
        token = data.token;
        saveState({ token: token });
        if (changedVisitor) {
          // The old session expired: a new visitor, with an empty conversation and its own stream.
          if (stream) stream.close();
          stream = null;
          resetConversation();
        }
        return token;
      })
      .finally(function () {
        sessionPending = null;
      });
    return sessionPending;
  }

  function postMessage(body) {
    return fetch(url('messages'), {
      method: 'POST',
      headers: authHeaders({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(body),
      credentials: 'omit',
    });
  }

  function loadHistory() {
    if (!token) return Promise.resolve();
    return fetch(url('history'), { headers: authHeaders(), credentials: 'omit' })
      .then(function (res) {
        if (res.status === 401) throw new Error('session');
        if (!res.ok) throw new Error('history ' + res.status);
        return res.json();
      })
      .then(function (data) {
        // Unread: what follows the last message seen, found by id (a live message's time can differ by a
        // few ms from its stored one); by time only when that message is no longer in the history.
        var state = loadState();
        var lastSeen = state.lastSeen || '';
        var messages = data.messages || [];
        var seenIndex = -1;
        messages.forEach(function (m, i) {
          if (state.lastSeenId && m && m.id === state.lastSeenId) seenIndex = i;
        });
        messages.forEach(function (m, i) {
          show(m, { countUnread: seenIndex >= 0 ? i > seenIndex : m && m.at > lastSeen });
        });
      })
      .catch(function () {
        /* the stream's next reconnect fetches history again */
      });
  }

  // ---------- live stream (Server-Sent Events) with backoff ----------

  function connect() {
    if (stream || !token) return;
    var es = new EventSource(url('events?token=' + encodeURIComponent(token)));
    stream = es;
    es.addEventListener('open', function () {
      reconnectAttempts = 0;
      setStatus('');
      loadHistory(); // catch up on anything sent while we were not connected
    });
    es.addEventListener('message', function (e) {
      try {
        show(JSON.parse(e.data), { countUnread: true });
      } catch (err) {
        /* ignore a malformed event */
      }
    });
    es.addEventListener('error', function () {
      // Reconnect ourselves (the browser gives up for good on a 401), renewing the session first.
      es.close();
      if (stream === es) stream = null;
      scheduleReconnect();
    });
  }

  function scheduleReconnect() {
    if (reconnectTimer) return;
    reconnectAttempts += 1;
    if (reconnectAttempts > 1 && copy) setStatus(copy.reconnecting);
    var delay = Math.min(30000, 1000 * Math.pow(2, reconnectAttempts - 1));
    delay = delay / 2 + Math.random() * (delay / 2);
    reconnectTimer = setTimeout(function () {
      reconnectTimer = null;
      ensureSession(true).then(connect, scheduleReconnect);
    }, delay);
  }

  // ---------- rendering ----------

  function setStatus(text, typing) {
    if (!ui) return;
    ui.status.textContent = text || '';
    ui.status.classList.toggle('tl-typing', Boolean(typing));
  }

  function showTyping() {
    setStatus(copy.typing, true);
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () {
      if (ui && ui.status.classList.contains('tl-typing')) setStatus('');
    }, TYPING_TIMEOUT_MS);
  }

  function scrollToEnd() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  /** Shows a new message: a long answer from its first line (not its last), anything else at the end. */
  function reveal(item) {
    if (item.classList.contains('tl-from-assistant') && item.offsetHeight > ui.log.clientHeight - 24) {
      ui.log.scrollTop = item.offsetTop - 12;
    } else {
      scrollToEnd();
    }
  }

  /** Offers only the buttons of assistant messages the citizen has not answered yet. */
  function refreshChoices() {
    var citizenAfter = false;
    var items = ui.log.children;
    for (var i = items.length - 1; i >= 0; i--) {
      var item = items[i];
      if (item.classList.contains('tl-from-citizen')) citizenAfter = true;
      var choices = item.querySelector('.tl-choices');
      if (choices) choices.hidden = citizenAfter;
    }
  }

  function buildMessage(m) {
    var citizen = m.from === 'citizen';
    var item = el('div', 'tl-msg ' + (citizen ? 'tl-from-citizen' : 'tl-from-assistant'));
    if (m.id) item.setAttribute('data-id', m.id);
    item.appendChild(el('span', 'tl-sr', (citizen ? copy.citizenName : copy.assistantName) + ': '));
    var bubble = el('div', 'tl-bubble');
    bubble.appendChild(textWithLinks(m.text || ''));
    var href = m.link && safeHttpUrl(m.link.url);
    if (href) {
      var a = el('a', 'tl-link', m.link.title || href);
      a.href = href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      a.appendChild(el('span', 'tl-sr', ' ' + copy.opensInNewTab));
      bubble.appendChild(a);
    }
    item.appendChild(bubble);
    if (!citizen && Array.isArray(m.buttons) && m.buttons.length > 0) {
      var group = el('div', 'tl-choices');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', copy.choicesLabel);
      m.buttons.forEach(function (b) {
        if (!b || typeof b.payload !== 'string' || !b.title) return;
        var button = el('button', 'tl-choice', b.title);
        button.type = 'button';
        button.addEventListener('click', function () {
          send({ payload: b.payload.slice(0, limits.payload) }, String(b.title));
          ui.input.focus();
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    var meta = el('div', 'tl-meta');
    var time = el('time', 'tl-time', timeLabel(m.at));
    if (m.at) time.dateTime = m.at;
    meta.appendChild(time);
    item.appendChild(meta);
    return item;
  }

  /** Adds a message once (ids dedupe the live stream, history and our own sends). */
  function show(m, options) {
    if (!m || typeof m.id !== 'string' || (m.from !== 'citizen' && m.from !== 'assistant')) return;
    var existing = known.get(m.id);
    if (existing) {
      if (outbox.has(m.id)) markSent(m.id); // the server has it: our pending send went through
      return;
    }
    var item = buildMessage(m);
    known.set(m.id, item);
    ui.log.appendChild(item);
    appended += 1;
    refreshChoices();
    if (m.from === 'assistant') {
      lastAssistantAt = appended;
      if (ui.status.classList.contains('tl-typing')) setStatus('');
      if (options && options.countUnread) {
        if (!isOpen) {
          unread += 1;
          renderUnread();
        } else if (lookupMode) {
          lookupUnread += 1;
          renderLookupUnread();
        }
      }
    }
    if (isOpen) {
      if (!lookupMode) saveState({ lastSeen: m.at || new Date().toISOString(), lastSeenId: m.id }); // else seen on the way back
      reveal(item);
    }
  }

  function resetConversation() {
    known.clear();
    outbox.clear();
    if (!ui) return;
    while (ui.log.children.length > 1) ui.log.removeChild(ui.log.lastChild); // keep the welcome
    unread = 0;
    renderUnread();
    lookupUnread = 0;
    renderLookupUnread();
  }

  /**
   * Replies that arrived while the panel was closed: a badge for the eyes, the count in the launcher's
   * name, and a polite announcement from a live region outside the (hidden) panel, so a screen-reader user
   * reading the portal hears "Trợ lý 1022: 1 tin nhắn mới". Focus never moves.
   */
  function renderUnread() {
    ui.badge.hidden = unread === 0;
    ui.badge.textContent = String(unread);
    if (unread) ui.launcher.setAttribute('aria-label', copy.launcherLabel + ', ' + format(copy.unreadLabel, unread));
    else ui.launcher.removeAttribute('aria-label');
    ui.announcer.textContent = unread && !isOpen ? copy.assistantName + ': ' + format(copy.unreadLabel, unread) : '';
  }

  /**
   * The same count on the lookup form's "back to the chat" button: a badge for the eyes, the count in the
   * button's name, and a polite announcement (the chat's own live log is hidden). Focus never moves.
   */
  function renderLookupUnread() {
    var n = lookupUnread;
    ui.backBadge.hidden = n === 0;
    ui.backBadge.textContent = String(n);
    ui.lookupBar.classList.toggle('tl-has-new', n > 0);
    if (n) ui.back.setAttribute('aria-label', copy.lookup.backLabel + ', ' + format(copy.unreadLabel, n));
    else ui.back.removeAttribute('aria-label');
    ui.lookupNews.textContent = n ? format(copy.lookup.newReplies || copy.unreadLabel, n) : '';
    ui.lookup.classList.toggle('tl-pinned', n > 0);
    if (n) clearOfBar(ui.shadow.activeElement);
  }

  /**
   * A focused element of the lookup view is never left under the pinned "back to the chat" bar: the view
   * scrolls it just below the bar (the browser's own focus scrolling keeps clear of it through the view's
   * scroll-padding-top, .tl-pinned in widget.css; this covers focus moved by the script).
   */
  function clearOfBar(target) {
    if (!ui || !target || !ui.lookupBar.classList.contains('tl-has-new')) return;
    if (!ui.lookup.contains(target) || ui.lookupBar.contains(target)) return;
    var bar = ui.lookupBar.getBoundingClientRect();
    var box = target.getBoundingClientRect();
    if (box.top < bar.bottom + 4) ui.lookup.scrollTop -= bar.bottom + 8 - box.top;
  }

  /** Everything in the log has been seen (a reload then counts only later replies as unread). */
  function markSeen() {
    var item = ui.log.lastChild;
    var last = item && item.querySelector('time');
    saveState({ lastSeen: (last && last.dateTime) || new Date().toISOString(), lastSeenId: (item && item.getAttribute('data-id')) || null });
  }

  /** Back in the chat after replies arrived behind the lookup form: show the newest one. */
  function revealNewest() {
    var replies = ui.log.querySelectorAll('.tl-from-assistant');
    var newest = replies[replies.length - 1];
    if (newest) reveal(newest);
    else scrollToEnd();
  }

  // ---------- sending ----------

  function setSendState(entry, state, errorText) {
    var meta = entry.item.querySelector('.tl-meta');
    var old = meta.querySelector('.tl-state');
    if (old) meta.removeChild(old);
    entry.item.classList.toggle('tl-pending', state === 'sending');
    entry.item.classList.toggle('tl-failed', state === 'failed');
    if (state === 'sent') return;
    var box = el('span', 'tl-state');
    box.appendChild(el('span', null, state === 'sending' ? copy.sending : errorText || copy.failed));
    if (state === 'failed' && entry.retryable) {
      var retry = el('button', 'tl-retry', copy.retry);
      retry.type = 'button';
      retry.addEventListener('click', function () {
        entry.tries = 0;
        attempt(entry);
        ui.input.focus();
      });
      box.appendChild(retry);
    }
    meta.appendChild(box);
  }

  function markSent(id) {
    var entry = outbox.get(id);
    if (!entry) return;
    outbox.delete(id);
    setSendState(entry, 'sent');
  }

  /** Shows the citizen's message at once, then sends it; retries reuse its id, so they cannot duplicate it. */
  function send(content, displayText) {
    var id = uuid();
    var body = { clientMessageId: id };
    if (content.payload !== undefined) body.payload = content.payload;
    else body.text = content.text;
    var item = buildMessage({ id: id, from: 'citizen', text: displayText, at: new Date().toISOString() });
    known.set(id, item);
    ui.log.appendChild(item);
    appended += 1;
    refreshChoices();
    scrollToEnd();
    var entry = { id: id, body: body, item: item, tries: 0, retryable: true, position: appended };
    outbox.set(id, entry);
    attempt(entry);
  }

  function attempt(entry) {
    if (!outbox.has(entry.id)) return;
    entry.tries += 1;
    setSendState(entry, 'sending');
    ensureSession(false)
      .then(function () {
        return postMessage(entry.body);
      })
      .then(function (res) {
        if (res.status !== 401) return res;
        return ensureSession(true).then(function () {
          return postMessage(entry.body);
        });
      })
      .then(function (res) {
        if (res.status === 202) {
          markSent(entry.id);
          if (lastAssistantAt < entry.position) showTyping();
          connect();
          return;
        }
        if (res.status === 429) {
          // Too many messages too quickly: the server stored nothing. Take the message back, with its text.
          unsend(entry, Number(res.headers.get('Retry-After')));
          return;
        }
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
          // The server refused this message itself: resending the same body cannot help.
          return res
            .json()
            .catch(function () {
              return {};
            })
            .then(function (err) {
              entry.retryable = false;
              setSendState(entry, 'failed', err.code === 'KNOWLEDGE.QUESTION_TOO_LONG' ? copy.tooLong : copy.genericError);
            });
        }
        throw new Error('send ' + res.status);
      })
      .catch(function () {
        if (!outbox.has(entry.id)) return;
        if (entry.tries < MAX_SEND_TRIES) {
          setTimeout(function () {
            attempt(entry);
          }, 1000 * Math.pow(2, entry.tries - 1));
        } else {
          setSendState(entry, 'failed');
        }
      });
  }

  /**
   * A message the server refused for its rate (429 WIDGET.RATE_LIMITED): it was not stored, so it leaves
   * the log, its text goes back into the input for the citizen to send again, and the status line says
   * politely how long to wait (and clears itself then).
   */
  function unsend(entry, retryAfterSeconds) {
    outbox.delete(entry.id);
    known.delete(entry.id);
    if (entry.item.parentNode) entry.item.parentNode.removeChild(entry.item);
    refreshChoices();
    if (entry.body.text !== undefined) {
      var draft = ui.input.value.trim();
      ui.input.value = draft ? draft + '\n' + entry.body.text : entry.body.text;
      autosize();
    }
    var seconds = retryAfterSeconds > 0 ? Math.ceil(retryAfterSeconds) : 60;
    var text = format(copy.rateLimited, seconds);
    setStatus(text);
    clearTimeout(rateLimitTimer);
    rateLimitTimer = setTimeout(function () {
      if (ui && ui.status.textContent === text) setStatus('');
    }, seconds * 1000);
    ui.input.focus();
  }

  function submitInput() {
    var text = ui.input.value.trim();
    if (!text) return;
    if (Array.from(text).length > limits.text) {
      setStatus(copy.tooLong);
      return;
    }
    ui.input.value = '';
    autosize();
    send({ text: text }, text);
  }

  function autosize() {
    ui.input.style.height = 'auto';
    ui.input.style.height = Math.min(ui.input.scrollHeight, 128) + 'px';
  }

  // ---------- ticket lookup ("Tra cứu") ----------

  /** `YYYY-MM-DD` (a local date in Vietnam, as the API gives it) as citizens write it: DD/MM/YYYY. */
  function localDate(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value || ''));
    return m ? m[3] + '/' + m[2] + '/' + m[1] : '';
  }

  function instantLabel(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return '';
    try {
      return new Intl.DateTimeFormat(locale, {
        day: '2-digit',
        month: '2-digit',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        timeZone: 'Asia/Ho_Chi_Minh',
      }).format(d);
    } catch (e) {
      return d.toISOString();
    }
  }

  function setLookupMode(on, moveFocus) {
    if (!ui) return;
    lookupMode = Boolean(on);
    ui.lookup.hidden = !lookupMode;
    ui.log.hidden = lookupMode;
    ui.status.hidden = lookupMode;
    ui.form.hidden = lookupMode;
    ui.lookupButton.setAttribute('aria-expanded', lookupMode ? 'true' : 'false');
    if (!lookupMode) {
      if (lookupUnread) revealNewest();
      else scrollToEnd();
      lookupUnread = 0;
      renderLookupUnread();
      if (isOpen) markSeen();
    }
    if (!moveFocus) return;
    if (lookupMode) ui.codeInput.focus();
    else ui.input.focus();
  }

  function clearLookupOutput() {
    while (ui.lookupOutput.firstChild) ui.lookupOutput.removeChild(ui.lookupOutput.firstChild);
    ui.codeInput.removeAttribute('aria-invalid');
    ui.phoneInput.removeAttribute('aria-invalid');
    ui.codeInput.setAttribute('aria-describedby', 'tl-code-help');
    ui.phoneInput.setAttribute('aria-describedby', 'tl-phone-hint');
  }

  /** Shows an error in the live region; the field it is about is marked invalid and focused. */
  function showLookupError(text, field) {
    clearLookupOutput();
    var p = el('p', 'tl-lookup-error', text);
    p.id = 'tl-lookup-error';
    ui.lookupOutput.appendChild(p);
    if (field) {
      field.setAttribute('aria-invalid', 'true');
      field.setAttribute('aria-describedby', 'tl-lookup-error ' + field.getAttribute('aria-describedby'));
      field.focus();
    }
  }

  function fact(list, label, value) {
    if (!value) return;
    list.appendChild(el('dt', null, label));
    var dd = el('dd');
    if (typeof value === 'string') dd.textContent = value;
    else dd.appendChild(value);
    list.appendChild(dd);
  }

  /** The ticket as the API describes it; every text goes through textContent. */
  function renderLookupResult(t) {
    var c = copy.lookup;
    clearLookupOutput();
    var box = el('section', 'tl-result');
    box.setAttribute('aria-labelledby', 'tl-result-title');
    var heading = el('h3', 'tl-result-title', ((c.kinds && c.kinds[t.kind]) || '') + ' ' + String(t.code || ''));
    heading.id = 'tl-result-title';
    heading.tabIndex = -1;
    box.appendChild(heading);

    var facts = el('dl', 'tl-facts');
    var status = el('span', 'tl-badge-status tl-st-' + String(t.status || '').replace(/[^a-z]/g, ''), t.statusText);
    fact(facts, c.statusLabel, status);
    fact(facts, c.agencyLabel, t.agencyName ? String(t.agencyName) : '');
    fact(facts, c.receivedLabel, localDate(t.receivedDate));
    fact(facts, c.dueLabel, localDate(t.dueDate));
    fact(facts, c.placeLabel, t.place ? String(t.place) : '');
    box.appendChild(facts);

    if (t.answer && typeof t.answer.text === 'string') {
      var answer = el('div', 'tl-answer');
      answer.appendChild(el('h4', 'tl-subheading', c.answerLabel));
      answer.appendChild(textWithLinks(t.answer.text));
      var by = [t.answer.agency ? String(t.answer.agency) : '', localDate(t.answer.answeredDate) ? c.answeredLabel + ': ' + localDate(t.answer.answeredDate) : '']
        .filter(Boolean)
        .join(' · ');
      if (by) answer.appendChild(el('p', 'tl-answer-meta', by));
      box.appendChild(answer);
    }

    if (Array.isArray(t.history) && t.history.length > 0) {
      box.appendChild(el('h4', 'tl-subheading', c.historyLabel));
      var list = el('ol', 'tl-history');
      t.history.forEach(function (h) {
        if (!h) return;
        var li = el('li');
        var time = el('time', 'tl-history-time', instantLabel(h.at));
        if (h.at) time.dateTime = String(h.at);
        li.appendChild(time);
        li.appendChild(el('span', 'tl-history-event', h.event));
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    ui.lookupOutput.appendChild(box);
    // The result from its first line (the form stays above it), with focus on its heading.
    ui.lookup.scrollTop = Math.max(0, box.offsetTop - 8);
    try {
      heading.focus({ preventScroll: true });
    } catch (e) {
      heading.focus();
    }
    clearOfBar(heading); // the bar pinned by new replies must not cover it
  }

  function submitLookup() {
    if (lookupPending) return;
    var c = copy.lookup;
    var code = ui.codeInput.value.trim();
    var phone = ui.phoneInput.value.replace(/\s+/g, '');
    if (!code) return showLookupError(c.codeRequired, ui.codeInput);
    if (phone && !/^[0-9]{4}$/.test(phone)) return showLookupError(c.phoneInvalid, ui.phoneInput);
    clearLookupOutput();
    ui.lookupOutput.appendChild(el('p', 'tl-lookup-progress', c.searching));
    ui.lookupForm.setAttribute('aria-busy', 'true');
    lookupPending = true;
    var body = { code: code };
    if (phone) body.phoneLast4 = phone;
    // The widget session, when there is one, proves "I asked in this widget"; it is never created for this.
    var presented = token || loadState().token || null;
    var headers = { 'Content-Type': 'application/json' };
    if (presented) headers.Authorization = 'Bearer ' + presented;
    fetch(new URL('../api/v1/tickets/lookup', BASE).href, { method: 'POST', headers: headers, body: JSON.stringify(body), credentials: 'omit' })
      .then(function (res) {
        return res
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            if (res.ok) return renderLookupResult(data);
            switch (data.code) {
              case 'TICKET.CODE_INVALID':
                return showLookupError(c.codeInvalid, ui.codeInput);
              case 'TICKET.NOT_FOUND':
                return showLookupError(c.notFound, ui.codeInput);
              case 'TICKET.PROOF_REQUIRED':
                return showLookupError(c.proofRequired, ui.phoneInput);
              case 'TICKET.INPUT_INVALID':
                return showLookupError(c.phoneInvalid, ui.phoneInput);
              case 'TICKET.LOOKUP_RATE_LIMITED':
                return showLookupError(c.rateLimited);
              default:
                return showLookupError(copy.genericError);
            }
          });
      })
      .catch(function () {
        showLookupError(copy.genericError);
      })
      .finally(function () {
        lookupPending = false;
        ui.lookupForm.removeAttribute('aria-busy');
      });
  }

  function buildLookup() {
    var c = copy.lookup;
    var view = el('div', 'tl-lookup');
    view.id = 'tl-lookup';
    view.hidden = true;

    // Pinned to the top of the view while it carries a count of new replies (.tl-has-new).
    var bar = el('div', 'tl-lookup-bar');
    var back = el('button', 'tl-back');
    back.type = 'button';
    back.appendChild(svgIcon('back'));
    back.appendChild(el('span', null, c.backLabel));
    // The count is for the eyes; the button's name says it in words (renderLookupUnread).
    var backBadge = el('span', 'tl-badge', '0');
    backBadge.hidden = true;
    backBadge.setAttribute('aria-hidden', 'true');
    back.appendChild(backBadge);
    bar.appendChild(back);
    view.appendChild(bar);
    var news = el('p', 'tl-sr');
    news.setAttribute('role', 'status');
    view.appendChild(news);

    var title = el('h3', 'tl-lookup-title', c.title);
    title.id = 'tl-lookup-title';
    view.appendChild(title);
    view.appendChild(el('p', 'tl-lookup-intro', c.intro));

    var form = el('form', 'tl-lookup-form');
    form.noValidate = true;
    form.setAttribute('aria-labelledby', 'tl-lookup-title');

    var codeLabel = el('label', 'tl-field-label', c.codeLabel);
    codeLabel.htmlFor = 'tl-code';
    var code = el('input', 'tl-field');
    code.id = 'tl-code';
    code.type = 'text';
    code.autocomplete = 'off';
    code.spellcheck = false;
    code.maxLength = 20;
    code.placeholder = c.codePlaceholder;
    code.setAttribute('autocapitalize', 'characters');
    code.setAttribute('aria-describedby', 'tl-code-help');
    var codeHelp = el('p', 'tl-sr', c.intro);
    codeHelp.id = 'tl-code-help';

    var phoneLabel = el('label', 'tl-field-label', c.phoneLabel);
    phoneLabel.htmlFor = 'tl-phone';
    var phone = el('input', 'tl-field tl-field-short');
    phone.id = 'tl-phone';
    phone.type = 'text';
    phone.inputMode = 'numeric';
    phone.autocomplete = 'off';
    phone.maxLength = 4;
    phone.setAttribute('aria-describedby', 'tl-phone-hint');
    var hint = el('p', 'tl-hint', c.phoneHint);
    hint.id = 'tl-phone-hint';

    var submit = el('button', 'tl-submit');
    submit.type = 'submit';
    submit.appendChild(svgIcon('search'));
    submit.appendChild(el('span', null, c.submit));

    form.appendChild(codeLabel);
    form.appendChild(code);
    form.appendChild(codeHelp);
    form.appendChild(phoneLabel);
    form.appendChild(phone);
    form.appendChild(hint);
    form.appendChild(submit);
    view.appendChild(form);

    var output = el('div', 'tl-lookup-output');
    output.setAttribute('aria-live', 'polite');
    view.appendChild(output);
    view.appendChild(el('p', 'tl-hint tl-dossier', c.dossierNote));

    back.addEventListener('click', function () {
      setLookupMode(false, true);
    });
    view.addEventListener('focusin', function (e) {
      clearOfBar(e.target);
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      submitLookup();
    });
    return { view: view, bar: bar, back: back, backBadge: backBadge, news: news, form: form, code: code, phone: phone, output: output };
  }

  // ---------- open / close ----------

  function openPanel() {
    if (!ui || isOpen) return;
    isOpen = true;
    ui.root.classList.add('tl-open');
    ui.panel.hidden = false;
    ui.launcher.setAttribute('aria-expanded', 'true');
    renderModal();
    if (lookupMode && unread) {
      // Opened on the lookup form: the replies it hides stay counted, on its way back to the chat.
      lookupUnread += unread;
      renderLookupUnread();
    }
    unread = 0;
    renderUnread();
    if (!lookupMode) markSeen();
    scrollToEnd();
    if (lookupMode) ui.codeInput.focus();
    else ui.input.focus();
    if (!token) setStatus(copy.connecting);
    ensureSession(false).then(
      function () {
        if (ui.status.textContent === copy.connecting) setStatus('');
        connect();
      },
      function () {
        setStatus(copy.genericError);
        scheduleReconnect();
      },
    );
  }

  function closePanel() {
    if (!ui || !isOpen) return;
    var hadFocus = ui.panel.contains(ui.shadow.activeElement);
    isOpen = false;
    ui.root.classList.remove('tl-open');
    ui.panel.hidden = true;
    ui.launcher.setAttribute('aria-expanded', 'false');
    renderModal();
    if (hadFocus) ui.launcher.focus();
  }

  // ---------- the phone's full-screen panel is modal ----------

  function isModal() {
    return Boolean(ui && isOpen && phoneLayout && phoneLayout.matches);
  }

  /** aria-modal follows the layout: true while the open panel covers the screen, false when it floats. */
  function renderModal() {
    ui.panel.setAttribute('aria-modal', isModal() ? 'true' : 'false');
  }

  /** The panel's controls a Tab can reach now, in document order (hidden views have no boxes). */
  function tabbables() {
    var nodes = ui.panel.querySelectorAll('button, a[href], input, textarea, select, [tabindex]');
    return Array.prototype.filter.call(nodes, function (n) {
      return n.tabIndex >= 0 && !n.disabled && n.getClientRects().length > 0;
    });
  }

  /**
   * Tab and Shift+Tab inside the modal panel: from the last control to the first and back, never to the
   * page behind it. From an element outside the tab order (the lookup result's heading) Tab goes on to the
   * next control after it, as the browser would.
   */
  function trapTab(e) {
    var list = tabbables();
    if (list.length === 0) return;
    var active = ui.shadow.activeElement;
    var target = null;
    var inside = active && ui.panel.contains(active);
    if (e.shiftKey) {
      for (var i = list.length - 1; i >= 0 && inside && !target; i--) {
        if (active.compareDocumentPosition(list[i]) & Node.DOCUMENT_POSITION_PRECEDING) target = list[i];
      }
      target = target || list[list.length - 1];
    } else {
      for (var j = 0; j < list.length && inside && !target; j++) {
        var position = active.compareDocumentPosition(list[j]);
        if (position & Node.DOCUMENT_POSITION_FOLLOWING && !(position & Node.DOCUMENT_POSITION_CONTAINS)) target = list[j];
      }
      target = target || list[0];
    }
    e.preventDefault();
    target.focus();
  }

  // ---------- the launcher never covers the page's focused control ----------

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  /**
   * When a control of the page takes focus under the launcher (the browser scrolls it just into view, which
   * on a phone is often right behind the launcher), the page scrolls it clear if it can; otherwise the
   * launcher moves up above it until focus moves on. A control taller than the room above the launcher is
   * left as it is: the launcher then covers only part of it.
   */
  function placeLauncher(target, mayScroll) {
    if (!ui) return;
    ui.launcher.style.removeProperty('--tl-lift');
    if (!target || target === ui.host || typeof target.getBoundingClientRect !== 'function') return;
    var l = ui.launcher.getBoundingClientRect();
    var box = target.getBoundingClientRect();
    if (l.width === 0 || !overlaps(box, l)) return;
    var needed = box.bottom - l.top + 8;
    var page = document.scrollingElement || document.documentElement;
    if (mayScroll && box.top - needed >= 0 && page.scrollHeight - window.innerHeight - window.scrollY >= needed) {
      window.scrollBy(0, needed);
      box = target.getBoundingClientRect();
      if (!overlaps(box, l)) return;
    }
    var lift = l.bottom - box.top + 8;
    if (box.top - l.height - 8 >= 0) ui.launcher.style.setProperty('--tl-lift', Math.ceil(lift) + 'px');
  }

  // ---------- building the widget ----------

  function build() {
    var host = document.createElement('div');
    host.id = 'troly1022-widget';
    // The widget speaks Vietnamese whatever the portal's own language (a page in English, say).
    host.lang = lang;
    var shadow = host.attachShadow({ mode: 'open' });
    // The styles the server wrote into this script, as a constructed stylesheet (no request, and not an
    // inline <style>, which a portal's Content-Security-Policy may forbid); else a link to widget.css.
    var sheet = constructedSheet(BOOT && BOOT.css);
    var link = null;
    if (sheet) {
      shadow.adoptedStyleSheets = [sheet];
    } else {
      link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = url('widget.css');
      shadow.appendChild(link);
    }

    var root = el('div', 'tl-root');
    root.lang = lang;
    root.hidden = !sheet; // until linked styles are in, so nothing flashes unstyled

    // Says "Trợ lý 1022: n tin nhắn mới" when replies arrive while the panel is closed (renderUnread).
    var announcer = el('p', 'tl-sr');
    announcer.setAttribute('role', 'status');

    var launcher = el('button', 'tl-launcher');
    launcher.type = 'button';
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-controls', 'tl-panel');
    launcher.appendChild(svgIcon('chat'));
    launcher.appendChild(el('span', 'tl-launcher-text', copy.launcherLabel));
    // The count is for the eyes; the launcher's accessible name says it in words (renderUnread).
    var badge = el('span', 'tl-badge', '0');
    badge.hidden = true;
    badge.setAttribute('aria-hidden', 'true');
    launcher.appendChild(badge);

    var panel = el('section', 'tl-panel');
    panel.id = 'tl-panel';
    panel.hidden = true;
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-modal', 'false');
    panel.setAttribute('aria-labelledby', 'tl-title');

    // Not <header>: inside the dialog it would be a second banner landmark beside the portal's.
    var header = el('div', 'tl-header');
    var heading = el('div', 'tl-heading');
    var title = el('h2', 'tl-title', copy.title);
    title.id = 'tl-title';
    heading.appendChild(title);
    heading.appendChild(el('p', 'tl-subtitle', copy.subtitle));
    var lookupButton = el('button', 'tl-lookup-open');
    lookupButton.type = 'button';
    lookupButton.setAttribute('aria-label', copy.lookup.openLabel);
    lookupButton.setAttribute('aria-controls', 'tl-lookup');
    lookupButton.setAttribute('aria-expanded', 'false');
    lookupButton.appendChild(svgIcon('search'));
    lookupButton.appendChild(el('span', null, copy.lookup.openButton));
    var close = el('button', 'tl-close');
    close.type = 'button';
    close.setAttribute('aria-label', copy.closeLabel);
    close.appendChild(svgIcon('close'));
    header.appendChild(heading);
    header.appendChild(lookupButton);
    header.appendChild(close);

    var log = el('div', 'tl-log');
    log.setAttribute('role', 'log');
    log.setAttribute('aria-live', 'polite');
    log.setAttribute('aria-label', copy.logLabel);
    log.tabIndex = 0;
    var welcome = buildMessage({ id: '', from: 'assistant', text: copy.welcome, at: '' });
    welcome.classList.add('tl-welcome');
    log.appendChild(welcome);

    var status = el('p', 'tl-status');
    status.setAttribute('role', 'status');

    var form = el('form', 'tl-form');
    form.noValidate = true;
    var label = el('label', 'tl-sr', copy.inputLabel);
    label.htmlFor = 'tl-input';
    var input = el('textarea', 'tl-input');
    input.id = 'tl-input';
    input.rows = 1;
    input.maxLength = limits.text;
    input.placeholder = copy.inputPlaceholder;
    input.setAttribute('aria-describedby', 'tl-note');
    input.autocomplete = 'off';
    input.enterKeyHint = 'send';
    var sendButton = el('button', 'tl-send');
    sendButton.type = 'submit';
    sendButton.setAttribute('aria-label', copy.sendLabel);
    sendButton.appendChild(svgIcon('send'));
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(sendButton);

    var note = el('p', 'tl-note', copy.privacyNote + ' ' + copy.hotline);
    note.id = 'tl-note';

    var lookup = buildLookup();

    panel.appendChild(header);
    panel.appendChild(log);
    panel.appendChild(lookup.view);
    panel.appendChild(status);
    panel.appendChild(form);
    panel.appendChild(note);
    root.appendChild(panel);
    root.appendChild(launcher);
    root.appendChild(announcer);
    shadow.appendChild(root);

    ui = {
      host: host,
      shadow: shadow,
      root: root,
      launcher: launcher,
      badge: badge,
      announcer: announcer,
      panel: panel,
      log: log,
      status: status,
      input: input,
      form: form,
      lookupButton: lookupButton,
      lookup: lookup.view,
      lookupForm: lookup.form,
      codeInput: lookup.code,
      phoneInput: lookup.phone,
      lookupOutput: lookup.output,
      lookupBar: lookup.bar,
      back: lookup.back,
      backBadge: lookup.backBadge,
      lookupNews: lookup.news,
    };

    launcher.addEventListener('click', function () {
      if (isOpen) closePanel();
      else openPanel();
    });
    close.addEventListener('click', closePanel);
    lookupButton.addEventListener('click', function () {
      setLookupMode(!lookupMode, true);
    });
    root.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && isOpen) {
        e.preventDefault();
        closePanel();
      } else if (e.key === 'Tab' && isModal()) {
        trapTab(e);
      }
    });
    if (phoneLayout) {
      var relayout = function () {
        if (isOpen) renderModal();
      };
      if (phoneLayout.addEventListener) phoneLayout.addEventListener('change', relayout);
      else if (phoneLayout.addListener) phoneLayout.addListener(relayout);
    }
    // Focus that reaches the page while the modal panel covers it (a screen reader's cursor, a script)
    // comes back into the panel; on the page, focused controls are kept clear of the launcher.
    document.addEventListener('focusin', function (e) {
      if (e.target === host) return;
      if (isModal()) {
        (lookupMode ? ui.codeInput : ui.input).focus();
        return;
      }
      placeLauncher(e.target, true);
    });
    document.addEventListener('focusout', function (e) {
      if (!e.relatedTarget) placeLauncher(null, false);
    });
    var placing = false;
    window.addEventListener(
      'scroll',
      function () {
        if (placing || !ui.launcher.style.getPropertyValue('--tl-lift')) return;
        placing = true;
        window.requestAnimationFrame(function () {
          placing = false;
          placeLauncher(document.activeElement === document.body ? null : document.activeElement, false);
        });
      },
      { passive: true },
    );
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      submitInput();
    });
    input.addEventListener('keydown', function (e) {
      // Enter sends; Shift+Enter adds a line; never while an IME (Vietnamese Telex/VNI) is composing.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        submitInput();
      }
    });
    input.addEventListener('input', autosize);
    document.addEventListener('click', function (e) {
      var lookupTarget = e.target && e.target.closest && e.target.closest('[data-troly1022-lookup]');
      var target = e.target && e.target.closest && e.target.closest('[data-troly1022-open]');
      if (lookupTarget) {
        e.preventDefault();
        setLookupMode(true, false);
        if (isOpen) ui.codeInput.focus();
        else openPanel();
      } else if (target) {
        e.preventDefault();
        openPanel();
      }
    });
    window.addEventListener('online', function () {
      outbox.forEach(function (entry) {
        if (entry.retryable && entry.item.classList.contains('tl-failed')) {
          entry.tries = 0;
          attempt(entry);
        }
      });
      if (!stream && token) scheduleReconnect();
    });

    if (link) {
      var reveal = function () {
        root.hidden = false;
      };
      link.addEventListener('load', reveal);
      link.addEventListener('error', reveal);
    }
    (document.body || document.documentElement).appendChild(host);
  }

  /** The css as a constructable stylesheet for adoptedStyleSheets; null where the browser has none. */
  function constructedSheet(css) {
    if (typeof css !== 'string' || !css) return null;
    try {
      if (!window.ShadowRoot || !('adoptedStyleSheets' in window.ShadowRoot.prototype)) return null;
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      return sheet;
    } catch (e) {
      return null;
    }
  }

  function begin(config) {
    copy = config.copy;
    lang = config.locale || 'vi';
    locale = config.locale === 'vi' ? 'vi-VN' : config.locale;
    if (config.limits) limits = config.limits;
    build();
    // A returning visitor: renew the session and catch up, so replies that arrived while they
    // were away (an operator's or an agency's answer) show, with a badge on the launcher.
    if (loadState().token) {
      ensureSession(true).then(connect, function () {
        /* try again when they open the panel */
      });
    }
  }

  function start() {
    if (BOOT && BOOT.config && BOOT.config.copy) {
      begin(BOOT.config);
      return;
    }
    fetch(url('config'), { credentials: 'omit' })
      .then(function (res) {
        if (!res.ok) throw new Error('config ' + res.status);
        return res.json();
      })
      .then(begin)
      .catch(function () {
        // Server unreachable: stay invisible rather than show a broken widget; try once more later.
        setTimeout(start, 30000);
      });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
