/* Registers the service worker (static/js/sw.js, served at /sw.js for a site-wide scope). */
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
  });
}
