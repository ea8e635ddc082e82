// The e-office test's countdown, on the server's clock (data-deadline, data-now in ms). At
// zero the page reloads after the grace window, when the server has submitted the test.
(function () {
  "use strict";
  var el = document.getElementById("clock");
  if (!el) return;
  var skew = Date.now() - Number(el.dataset.now);
  var end = Number(el.dataset.deadline);
  function tick() {
    var left = Math.max(0, Math.round((end - (Date.now() - skew)) / 1000));
    el.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
    if (left <= 0) {
      setTimeout(function () { location.reload(); }, 31000);
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();
})();
