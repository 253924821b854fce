/* Progressive enhancement only: every page works without this file.
   1. Marks <html class="js"> so no-JS fallbacks (the "Apply" buttons) can hide.
   2. The search box's autocomplete as an ARIA combobox: htmx fills #suggest; arrow keys move through the
      options, Enter opens the highlighted one, Escape closes the list. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var input, list, active = -1;

  function options() { return list ? list.querySelectorAll("[role=option]") : []; }
  function open(show) {
    if (!input) return;
    input.setAttribute("aria-expanded", show ? "true" : "false");
    list.classList.toggle("open", !!show);
    if (!show) { highlight(-1); }
  }
  function highlight(index) {
    var opts = options();
    active = index;
    for (var i = 0; i < opts.length; i++) { opts[i].setAttribute("aria-selected", i === index ? "true" : "false"); }
    if (index >= 0 && opts[index]) { input.setAttribute("aria-activedescendant", opts[index].id); }
    else { input.removeAttribute("aria-activedescendant"); }
  }
  function init() {
    input = document.getElementById("q");
    list = document.getElementById("suggest");
    if (!input || !list) return;
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.target === list) { active = -1; open(options().length > 0 && input.value.trim().length > 1); }
    });
    input.addEventListener("keydown", function (event) {
      var opts = options();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!opts.length) return;
        event.preventDefault();
        open(true);
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + opts.length) % opts.length);
      } else if (event.key === "Enter" && active >= 0 && opts[active]) {
        event.preventDefault();
        window.location.assign(opts[active].href);
      } else if (event.key === "Escape") {
        open(false);
      }
    });
    input.addEventListener("blur", function () { setTimeout(function () { open(false); }, 150); });
    input.addEventListener("focus", function () { if (options().length) open(true); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
