// Confidant's service worker, rendered at build time by
// `confidant-server prepare-assets` from this template.
//
// Offline first: every file of the app is precached at install, and every
// navigation is answered with the cached app page, so the app opens with no
// network at all. A new build has a new VERSION; the new worker waits until
// the page asks it to take over ("reload to update"), so a user is never
// switched to a new version in the middle of typing.

const VERSION = "__CONFIDANT_VERSION__";
const PRECACHE = __CONFIDANT_PRECACHE__;
const CACHE = "confidant-" + VERSION;
const APP_PAGE = "/index.html";
// Live endpoints of the relay are never cached.
const NETWORK_ONLY = ["/healthz", "/sync", "/metrics", "/api/"];

// Files whose names carry a content hash never change: the copies the
// browser fetched to open the page are reused instead of downloaded again.
// The others are revalidated, so a deploy is never mixed with an old page.
const HASHED = /-[0-9a-f]{8,16}(_bg)?\.[a-z]+$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      cache.addAll(PRECACHE.map((path) => new Request(path, { cache: HASHED.test(path) ? "default" : "no-cache" })))
    )
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("confidant-") && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") {
    self.skipWaiting();
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NETWORK_ONLY.some((prefix) => url.pathname.startsWith(prefix))) return;

  if (request.mode === "navigate") {
    event.respondWith(
      caches.match(APP_PAGE, { cacheName: CACHE }).then((cached) => cached || fetch(request))
    );
    return;
  }
  event.respondWith(
    caches.match(request, { cacheName: CACHE }).then((cached) => cached || fetch(request))
  );
});
