// The portal page's service worker (served at /sw.js, scope /): shows the news pushed to this browser
// (src/core/news-webpush.ts: {title, body, url, tag}) and opens the item's link when the notification is clicked.
const FALLBACK_TITLE = 'Tin mới từ Cổng thông tin điện tử Tỉnh Minh Họa';

self.addEventListener('install', () => {
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

/** Only http(s) links open; anything else opens the portal's home page. */
function safeUrl(value) {
  try {
    const url = new URL(String(value), self.location.origin);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : self.location.origin + '/';
  } catch {
    return self.location.origin + '/';
  }
}

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = {};
  }
  const title = typeof data.title === 'string' && data.title ? data.title : FALLBACK_TITLE;
  const options = {
    body: typeof data.body === 'string' ? data.body : '',
    lang: 'vi',
    data: { url: safeUrl(data.url || '/') },
    ...(typeof data.tag === 'string' && data.tag ? { tag: data.tag } : {}),
  };
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = safeUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((client) => client.url === url && 'focus' in client);
      return open ? open.focus() : self.clients.openWindow(url);
    })(),
  );
});
