// Small behaviours of every page, kept out of the markup so that the Content-Security-Policy
// needs no inline scripts or styles.
(function () {
  "use strict";
  // Progress bars: the width comes from data-progress (0-100), not from a style attribute.
  function sizeBars(root) {
    root.querySelectorAll("[data-progress]").forEach(function (bar) {
      var value = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-progress")) || 0));
      bar.style.width = value + "%";
    });
  }
  sizeBars(document);
  document.addEventListener("htmx:afterSwap", function (event) { sizeBars(event.target); });
})();
