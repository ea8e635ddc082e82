// Keeps a part of a page current: every few seconds it fetches the part again from the URL
// in data-live-url and swaps it in, keeping open <details data-key> open. A failed fetch
// leaves the last good content in place; the next tick tries again. A part that holds an
// element marked data-live-final (a job that has finished) is the last one fetched.
(function () {
  "use strict";
  document.querySelectorAll("[data-live-url]").forEach(function (box) {
    var seconds = parseInt(box.getAttribute("data-live-seconds") || "30", 10);
    var timer = null;
    function refresh() {
      // Never swap the part under someone typing into it.
      if (document.hidden || box.contains(document.activeElement)) return;
      var open = [];
      box.querySelectorAll("details[open][data-key]").forEach(function (d) {
        open.push(d.getAttribute("data-key"));
      });
      fetch(box.getAttribute("data-live-url"), {
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.text();
        })
        .then(function (html) {
          box.innerHTML = html;
          box.querySelectorAll("details[data-key]").forEach(function (d) {
            if (open.indexOf(d.getAttribute("data-key")) >= 0) d.open = true;
          });
          if (box.querySelector("[data-live-final]")) clearInterval(timer);
        })
        .catch(function () {});
    }
    timer = setInterval(refresh, seconds * 1000);
  });
})();
