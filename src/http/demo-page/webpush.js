// Web Push on the portal page (issue 12): "Nhận thông báo tin mới" subscribes THIS browser to news topics.
// Runs in the portal's top-level page (never in the widget's iframe: browsers refuse notification
// permission to cross-origin frames). Permission is asked only after the citizen's click; the service
// worker (/sw.js, same origin) receives the pushes and shows them. textContent only, never innerHTML.
(() => {
  const COPY = {
    loadFailed: 'Chưa tải được danh sách chủ đề. Vui lòng tải lại trang sau ít phút.',
    chooseTopic: 'Vui lòng chọn ít nhất một chủ đề.',
    unsupported:
      'Trình duyệt này không hỗ trợ nhận thông báo từ trang web. Bạn có thể dùng Chrome, Edge hoặc Firefox bản mới (trên iPhone, iPad: thêm trang vào Màn hình chính), hoặc theo dõi tin trên Zalo OA của tỉnh.',
    denied:
      'Bạn đã chặn thông báo của trang này nên chưa thể đăng ký. Để nhận tin, hãy mở cài đặt trang của trình duyệt (biểu tượng cạnh địa chỉ trang), cho phép "Thông báo", rồi bấm lại nút.',
    dismissed: 'Bạn chưa cho phép thông báo. Bấm lại nút "Nhận thông báo tin mới" và chọn "Cho phép" khi trình duyệt hỏi.',
    working: 'Đang đăng ký nhận thông báo…',
    subscribed: 'Đã đăng ký. Trình duyệt này sẽ nhận thông báo khi có tin mới về: ',
    active: 'Trình duyệt này đang nhận thông báo tin mới. Bạn có thể chọn lại chủ đề rồi bấm "Nhận thông báo tin mới" để cập nhật.',
    unsubscribing: 'Đang hủy nhận thông báo…',
    unsubscribed: 'Đã hủy. Trình duyệt này sẽ không nhận thông báo tin mới nữa.',
    rateLimited: 'Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút.',
    failed: 'Đã có lỗi, chưa đăng ký được. Vui lòng thử lại sau hoặc gọi tổng đài 1022.',
  };
  const API = '/tin-tuc/web-push';
  const WORKER = '/sw.js';

  const form = document.getElementById('push-form');
  const topicsBox = document.getElementById('push-topics');
  const topicsHint = document.getElementById('push-topics-hint');
  const subscribeButton = document.getElementById('push-subscribe');
  const unsubscribeButton = document.getElementById('push-unsubscribe');
  const status = document.getElementById('push-status');
  let publicKey = null;
  let topicNames = {};

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle('error', Boolean(isError));
  }

  function supported() {
    return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window && window.isSecureContext;
  }

  function setBusy(busy) {
    subscribeButton.disabled = busy;
    unsubscribeButton.disabled = busy;
  }

  /** The VAPID public key (URL-safe base64) as the bytes PushManager.subscribe wants. */
  function keyBytes(base64url) {
    const base64 = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }

  function sameKey(subscription) {
    const current = subscription.options && subscription.options.applicationServerKey;
    if (!current) return true;
    const a = new Uint8Array(current);
    const b = keyBytes(publicKey);
    return a.length === b.length && a.every((v, i) => v === b[i]);
  }

  function chosenTopics() {
    return [...topicsBox.querySelectorAll('input[type=checkbox]:checked')].map((input) => input.value);
  }

  function renderTopics(topics) {
    topicsHint.remove();
    for (const topic of topics) {
      const label = document.createElement('label');
      label.className = 'topic';
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.name = 'topic';
      input.value = topic.id;
      label.append(input, document.createTextNode(topic.name));
      topicsBox.appendChild(label);
      topicNames[topic.id] = topic.name;
    }
  }

  async function post(path, body) {
    const response = await fetch(API + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (response.status === 429) throw new Error('rate-limited');
    if (!response.ok) throw new Error('http-' + response.status);
    return response;
  }

  /** This page's push subscription, if the browser has one (asks for nothing). */
  async function currentSubscription() {
    const registration = await navigator.serviceWorker.getRegistration('/');
    return registration ? registration.pushManager.getSubscription() : null;
  }

  async function subscribe(event) {
    event.preventDefault();
    if (!supported()) return say(COPY.unsupported, true);
    if (!publicKey) return say(COPY.loadFailed, true);
    const topics = chosenTopics();
    if (topics.length === 0) return say(COPY.chooseTopic, true);
    setBusy(true);
    try {
      // The one place permission is asked: right after the click.
      const permission = await Notification.requestPermission();
      if (permission === 'denied') return say(COPY.denied, true);
      if (permission !== 'granted') return say(COPY.dismissed, true);
      say(COPY.working);
      await navigator.serviceWorker.register(WORKER, { scope: '/' });
      const registration = await navigator.serviceWorker.ready;
      let subscription = await registration.pushManager.getSubscription();
      if (subscription && !sameKey(subscription)) {
        await subscription.unsubscribe();
        subscription = null;
      }
      subscription = subscription || (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
      await post('/subscriptions', { subscription: subscription.toJSON(), topics, locale: 'vi' });
      unsubscribeButton.hidden = false;
      say(COPY.subscribed + topics.map((id) => topicNames[id] || id).join(', ') + '.');
    } catch (err) {
      say(err && err.message === 'rate-limited' ? COPY.rateLimited : COPY.failed, true);
    } finally {
      setBusy(false);
    }
  }

  async function unsubscribe() {
    if (!supported()) return say(COPY.unsupported, true);
    setBusy(true);
    say(COPY.unsubscribing);
    try {
      const subscription = await currentSubscription();
      if (subscription) {
        await post('/subscriptions/delete', { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      unsubscribeButton.hidden = true;
      say(COPY.unsubscribed);
    } catch (err) {
      say(err && err.message === 'rate-limited' ? COPY.rateLimited : COPY.failed, true);
    } finally {
      setBusy(false);
    }
  }

  form.addEventListener('submit', subscribe);
  unsubscribeButton.addEventListener('click', unsubscribe);

  (async () => {
    try {
      const response = await fetch(API + '/key');
      if (!response.ok) throw new Error('http-' + response.status);
      const body = await response.json();
      publicKey = body.publicKey;
      renderTopics(body.topics);
    } catch {
      topicsHint.textContent = COPY.loadFailed;
      return;
    }
    if (!supported()) return say(COPY.unsupported, true);
    if (Notification.permission === 'denied') return say(COPY.denied, true);
    // Already subscribed (an earlier visit): offer "Hủy nhận thông báo". Reading this asks for nothing.
    try {
      if (Notification.permission === 'granted' && (await currentSubscription())) {
        unsubscribeButton.hidden = false;
        say(COPY.active);
      }
    } catch {
      // No service worker yet: nothing to show.
    }
  })();
})();
