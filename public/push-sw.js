// Alerts at the household's switch (Web Push), shown by the service worker even when no page is
// open. Imported into the generated worker (vite.config.ts, workbox importScripts). The payload
// is the server's (sync-server/evacuation/push.ts): district, level, kind, and the words in the
// subscriber's language — never a name or a place.
self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: event.data ? event.data.text() : '' };
  }
  const title = data.title || '避難情報 / Evacuation information';
  event.waitUntil(
    self.registration.showNotification(title, {
      body: data.body || '',
      tag: `hinanjo-${data.district || 'level'}`,
      renotify: true,
      requireInteraction: data.kind === 'evacuate',
      icon: '/icons/icon-192.png',
      data: { url: data.url || '/', kind: data.kind || null, district: data.district || null },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL((event.notification.data && event.notification.data.url) || '/', self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((list) => {
      for (const c of list) if (new URL(c.url).pathname === new URL(url).pathname && 'focus' in c) return c.focus();
      return self.clients.openWindow(url);
    }),
  );
});
