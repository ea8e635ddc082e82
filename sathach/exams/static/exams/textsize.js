// The exam page's text-size control (A− / A / A+): older examinees enlarge the text, and
// the choice is kept in this browser (localStorage), so it holds across reloads and for the
// next test taken on the same computer. The size is a class on <html> (site.css scales rem);
// the script runs at the end of the page, not deferred, so the stored size applies at once.
(function () {
  "use strict";
  var KEY = "sathach.textSize";
  var SIZES = ["", "text-115", "text-130", "text-150"];
  var root = document.documentElement;

  function stored() {
    var value;
    try { value = parseInt(window.localStorage.getItem(KEY) || "0", 10); } catch (e) { value = 0; }
    return value >= 0 && value < SIZES.length ? value : 0;
  }

  function apply(index) {
    SIZES.forEach(function (name) { if (name) { root.classList.remove(name); } });
    if (SIZES[index]) { root.classList.add(SIZES[index]); }
    root.dataset.textSize = String(index);
    current = index;
  }

  // The buttons stay enabled at either end (a disabled button would drop the keyboard's focus).
  var current = 0;
  apply(stored());
  document.addEventListener("DOMContentLoaded", function () {
    document.addEventListener("click", function (event) {
      var button = event.target instanceof Element ? event.target.closest("[data-text-size]") : null;
      if (!button) { return; }
      var step = parseInt(button.dataset.textSize, 10);
      var index = step === 0 ? 0 : Math.min(SIZES.length - 1, Math.max(0, current + step));
      try { window.localStorage.setItem(KEY, String(index)); } catch (e) { /* private mode */ }
      apply(index);
    });
  });
})();
