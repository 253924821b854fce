/* Service worker: the browser-side cache layer (DESIGN.md §5, the seeds' third layer).
 *
 * Rules:
 * - Catalog pages the shopper has visited: stale-while-revalidate (the cached copy at once, a fresh one
 *   fetched in the background for next time). Static files: cache first (their names are content hashes).
 * - Only responses the server marks public are stored: anything "private" or "no-store" (cart, checkout,
 *   account, preview, the header fragment) is never kept, and those paths always go to the network.
 * - Any POST from this site (add to cart, currency switch, sign in) empties the page cache: what pages show
 *   may have changed for this shopper.
 * - Without a network, a page never visited gets the offline page.
 */
const VERSION = "v1";
const PAGES = "pages-" + VERSION;
const ASSETS = "assets-" + VERSION;
const OFFLINE_URL = "/offline/";
const MAX_PAGES = 60;
const NETWORK_ONLY = /^\/(?:[a-z]{2}\/)?(?:cart|checkout|account|customer|_preview|_fragment|_revalidate|admin|sandbox|healthz|readyz|metrics)(?:\/|$)/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(PAGES).then((cache) => cache.add(OFFLINE_URL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== PAGES && n !== ASSETS).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

function storable(response) {
  if (!response || response.status !== 200 || response.type !== "basic") return false;
  const cc = (response.headers.get("Cache-Control") || "").toLowerCase();
  return !cc.includes("no-store") && !cc.includes("private");
}

async function trim(cache) {
  const keys = await cache.keys();
  const pages = keys.filter((request) => !request.url.endsWith(OFFLINE_URL));
  await Promise.all(pages.slice(0, Math.max(0, pages.length - MAX_PAGES)).map((request) => cache.delete(request)));
}

async function page(event) {
  const cache = await caches.open(PAGES);
  const cached = await cache.match(event.request, { ignoreVary: true });
  const network = fetch(event.request).then(async (response) => {
    if (storable(response)) {
      await cache.put(event.request, response.clone());
      await trim(cache);
    }
    return response;
  });
  if (cached) {
    event.waitUntil(network.catch(() => undefined));
    return cached;
  }
  try {
    return await network;
  } catch (error) {
    return (await cache.match(OFFLINE_URL)) || Response.error();
  }
}

async function asset(request) {
  const cache = await caches.open(ASSETS);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (storable(response)) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    event.waitUntil(caches.delete(PAGES).then(() => caches.open(PAGES)).then((c) => c.add(OFFLINE_URL)).catch(() => undefined));
    return;
  }
  if (NETWORK_ONLY.test(url.pathname) || request.headers.get("HX-Request")) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(asset(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(event));
  }
});
