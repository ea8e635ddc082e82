// The exam page: every answer is kept in localStorage first, then sent to the server, and
// kept until the server acknowledges it with its sequence number. Nothing is lost to a
// network drop or a reload: unacknowledged answers are resent, and a late retry cannot
// overwrite a newer answer because the server keeps the highest sequence number only.
(function () {
  "use strict";
  var root = document.getElementById("exam");
  if (!root) return;
  // The access code's answer is this page: its own address replaces the code's in the
  // history, so a reload asks for the page and never sends the code again.
  if (root.dataset.pageUrl && window.location.pathname !== root.dataset.pageUrl && window.history.replaceState) {
    window.history.replaceState(null, "", root.dataset.pageUrl);
  }
  var attemptId = root.dataset.attempt;
  var token = root.dataset.token;
  var saveUrl = root.dataset.saveUrl;
  var reviewUrl = root.dataset.reviewUrl;
  var deadline = parseInt(root.dataset.deadline, 10);
  var skew = parseInt(root.dataset.now, 10) - Date.now(); // server time minus ours
  var key = "sathach:attempt:" + attemptId;
  var stopped = false;
  var sending = false;
  var retryMs = 1000;
  var timer = null;
  var lastHeard = Date.now(); // the last answer from the server

  function load() {
    try {
      return JSON.parse(localStorage.getItem(key)) || { seq: 0, pending: {} };
    } catch (e) {
      return { seq: 0, pending: {} };
    }
  }
  var store = load();
  function persist() {
    try { localStorage.setItem(key, JSON.stringify(store)); } catch (e) { /* full or private mode */ }
  }

  var fieldsets = Array.prototype.slice.call(document.querySelectorAll("fieldset.q"));
  fieldsets.forEach(function (fs) {
    store.seq = Math.max(store.seq, parseInt(fs.dataset.seq, 10) || 0);
  });

  // Practical tasks: a file sent by practical.js (the slot knows its name once the server
  // has it), or a typed passage with its typing time and paste attempts.
  var FILE_TASKS = ["document", "spreadsheet", "presentation"];

  function read(fs) {
    var type = fs.dataset.type;
    var inputs = fs.querySelectorAll("[name]");
    if (FILE_TASKS.indexOf(type) >= 0) return fs.dataset.file ? { file: fs.dataset.file } : null;
    if (type === "typing") {
      var typed = inputs[0].value;
      return typed.trim() ? { text: typed, ms: parseInt(fs.dataset.ms, 10) || 0, pastes: parseInt(fs.dataset.pastes, 10) || 0 } : null;
    }
    if (type === "single") {
      var c = fs.querySelector("input:checked:not([data-flag])");
      return c ? { choice: parseInt(c.value, 10) } : null;
    }
    if (type === "multiple") {
      var chosen = [];
      fs.querySelectorAll("input[name]:checked").forEach(function (i) { chosen.push(parseInt(i.value, 10)); });
      return chosen.length ? { choices: chosen } : null;
    }
    if (type === "truefalse") {
      var t = fs.querySelector("input[name]:checked");
      return t ? { value: t.value === "true" } : null;
    }
    if (type === "matching") {
      var pairs = {}, any = false;
      inputs.forEach(function (s) { if (s.value) { pairs[s.dataset.prompt] = s.value; any = true; } });
      return any ? { pairs: pairs } : null;
    }
    var text = inputs[0].value;
    return text.trim() ? { text: text } : null;
  }

  function write(fs, r) {
    var type = fs.dataset.type;
    r = r || {};
    if (FILE_TASKS.indexOf(type) >= 0) { if (r.file) fs.dataset.file = r.file; return; }
    if (type === "typing") { fs.dataset.ms = r.ms || 0; fs.dataset.pastes = r.pastes || 0; }
    fs.querySelectorAll("[name]").forEach(function (i) {
      if (type === "single") i.checked = String(r.choice) === i.value;
      else if (type === "multiple") i.checked = (r.choices || []).indexOf(parseInt(i.value, 10)) >= 0;
      else if (type === "truefalse") i.checked = r.value !== undefined && String(r.value) === i.value;
      else if (type === "matching") i.value = (r.pairs || {})[i.dataset.prompt] || "";
      else i.value = r.text || "";
    });
  }

  function mark(fs) {
    var pos = fs.dataset.pos;
    var nav = document.getElementById("nav" + pos);
    var pending = store.pending[pos];
    var answered = read(fs) !== null;
    var flagged = fs.querySelector("[data-flag]").checked;
    fs.classList.toggle("pending", !!pending);
    var refused = fs.classList.contains("refused");
    fs.querySelector(".saved-mark").textContent = refused ? root.dataset.refused : (pending ? "…" : (answered ? "✓" : ""));
    if (nav) {
      nav.classList.toggle("answered", answered);
      nav.classList.toggle("pending", !!pending);
      nav.classList.toggle("flagged", flagged);
    }
  }

  // The navigator's summary line: how many questions are answered and marked for review.
  function count() {
    var answered = 0, flagged = 0;
    fieldsets.forEach(function (fs) {
      if (read(fs) !== null) answered += 1;
      if (fs.querySelector("[data-flag]").checked) flagged += 1;
    });
    document.getElementById("nav-answered").textContent = answered;
    document.getElementById("nav-flagged").textContent = flagged;
    document.getElementById("nav-flagged-box").hidden = flagged === 0;
  }

  function status(kind) {
    var el = document.getElementById("sync");
    el.textContent = el.dataset[kind];
    el.className = kind;
  }

  function banner(kind) {
    var el = document.getElementById("banner");
    if (!kind) { el.hidden = true; return; }
    el.textContent = el.dataset[kind];
    el.hidden = false;
  }

  // Server answers, then answers kept here that the server has not acknowledged.
  fieldsets.forEach(function (fs) {
    if (fs.dataset.response) write(fs, JSON.parse(fs.dataset.response));
    var p = store.pending[fs.dataset.pos];
    if (p && p.s > (parseInt(fs.dataset.seq, 10) || 0)) {
      write(fs, p.r);
      fs.querySelector("[data-flag]").checked = !!p.f;
    } else if (p) {
      delete store.pending[fs.dataset.pos];
    }
    mark(fs);
  });
  persist();
  count();

  function record(fs) {
    if (stopped) return;
    store.seq += 1;
    store.pending[fs.dataset.pos] = { s: store.seq, r: read(fs), f: fs.querySelector("[data-flag]").checked };
    persist();
    mark(fs);
    count();
    schedule(["shortanswer", "numerical", "typing"].indexOf(fs.dataset.type) >= 0 ? 800 : 0);
  }

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(flush, ms);
  }

  function pendingList() {
    return Object.keys(store.pending).map(function (pos) {
      var p = store.pending[pos];
      return { p: parseInt(pos, 10), s: p.s, r: p.r, f: p.f };
    });
  }

  function flush() {
    if (sending) return;
    var batch = pendingList();
    if (!batch.length) { status("ok"); return; }
    sending = true;
    status("pending");
    fetch(saveUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ t: token, a: batch.slice(0, 50) }),
      credentials: "same-origin",
      keepalive: batch.length < 20,
    })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (data) {
        sending = false;
        lastHeard = Date.now();
        retryMs = 1000;
        Object.keys(data.ack || {}).forEach(function (pos) {
          var p = store.pending[pos];
          if (p && p.s <= data.ack[pos]) delete store.pending[pos];
          var fs = document.getElementById("q" + pos);
          if (fs) { fs.classList.remove("refused"); mark(fs); }
        });
        // Answers the server cannot store: resending them would never help.
        Object.keys(data.bad || {}).forEach(function (pos) {
          var p = store.pending[pos];
          if (p && p.s <= data.bad[pos]) delete store.pending[pos];
          var fs = document.getElementById("q" + pos);
          if (fs) { fs.classList.add("refused"); mark(fs); }
        });
        persist();
        handle(data);
        if (data.state === "open" && pendingList().length) schedule(0);
        else if (data.state === "open") status("ok");
      })
      .catch(function () {
        sending = false;
        status("offline");
        retryMs = Math.min(retryMs * 2, 15000);
        schedule(retryMs);
      });
  }

  function handle(data) {
    if (typeof data.left === "number" && data.state === "open") {
      deadline = Date.now() + skew + data.left * 1000;
    }
    if (data.state === "paused") { banner("paused"); schedule(10000); return; }
    // "unknown": the token of this page is no longer the attempt's (the server says no more,
    // as it would for an attempt that does not exist); another computer took the test over.
    if (data.state === "unknown") { stop("taken"); return; }
    if (data.state === "submitted") { stop("submitted"); window.location.href = reviewUrl; return; }
    banner(null);
  }

  function stop(kind) {
    stopped = true;
    banner(kind);
    document.querySelectorAll("#answers input, #answers select, #answers textarea, #answers button, #submit-open").forEach(function (i) { i.disabled = true; });
  }

  // The answers are sent by the autosave, never by submitting this form (Enter in a text box).
  document.getElementById("answers").addEventListener("submit", function (event) { event.preventDefault(); });
  document.getElementById("answers").addEventListener("change", function (event) {
    var fs = event.target.closest("fieldset.q");
    if (fs && !event.target.hasAttribute("data-upload")) record(fs);
  });
  document.getElementById("answers").addEventListener("input", function (event) {
    if (event.target.type === "text" || event.target.tagName === "TEXTAREA") record(event.target.closest("fieldset.q"));
  });
  window.addEventListener("online", function () { schedule(0); });

  // The countdown follows the server's clock; at zero the page sends what it has and submits.
  function tick() {
    var left = Math.max(0, Math.floor((deadline - (Date.now() + skew)) / 1000));
    var m = Math.floor(left / 60), s = left % 60;
    document.getElementById("clock").textContent = m + ":" + (s < 10 ? "0" : "") + s;
    if (left === 0 && !stopped) {
      if (!pendingList().length) { stopped = true; document.getElementById("finish").submit(); }
      else flush();
    }
  }
  setInterval(tick, 1000);
  tick();
  // A heartbeat after 30 s without a word from the server (every save's answer says the same):
  // the server tells about pauses, extra time and another computer.
  setInterval(function () { if (!sending && !pendingList().length && Date.now() - lastHeard >= 30000) {
    lastHeard = Date.now();
    fetch(saveUrl, { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ t: token, a: [] }), credentials: "same-origin" })
      .then(function (r) { return r.json(); }).then(handle).catch(function () { status("offline"); });
  } }, 5000);

  // The navigator stays at the top of the screen: open on a wide screen, a one-line strip
  // on a phone that opens on a tap and closes again once a question is chosen.
  var navBox = document.getElementById("navigator");
  var narrow = window.matchMedia("(max-width: 720px)");
  if (!narrow.matches) navBox.open = true;
  navBox.querySelector("nav").addEventListener("click", function (event) {
    var link = event.target.closest("a");
    var fs = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!fs) return;
    event.preventDefault();
    if (narrow.matches) navBox.open = false;
    var bar = document.querySelector(".exam-sticky");
    window.scrollTo(0, fs.getBoundingClientRect().top + window.pageYOffset - bar.offsetHeight - 8);
    var first = fs.querySelector("input, select");
    if (first) first.focus({ preventScroll: true });
  });

  var summary = document.getElementById("summary");
  document.getElementById("submit-open").addEventListener("click", function () {
    var unanswered = [], flagged = [];
    fieldsets.forEach(function (fs) {
      if (read(fs) === null) unanswered.push(fs.dataset.pos);
      if (fs.querySelector("[data-flag]").checked) flagged.push(fs.dataset.pos);
    });
    var u = document.getElementById("summary-unanswered"), f = document.getElementById("summary-flagged");
    u.textContent = u.dataset.label + ": " + (unanswered.join(", ") || "0");
    f.textContent = f.dataset.label + ": " + (flagged.join(", ") || "0");
    document.getElementById("summary-unsaved").hidden = pendingList().length === 0;
    summary.hidden = false;
    summary.scrollIntoView();
    // The keyboard follows the eye: the question "Nộp bài?" takes the focus, and the next
    // Tab reaches "Nộp bài ngay"; going back returns the focus to the button that opened it.
    var heading = summary.querySelector("h2");
    heading.tabIndex = -1;
    heading.focus();
    flush();
  });
  document.getElementById("summary-close").addEventListener("click", function () {
    summary.hidden = true;
    document.getElementById("submit-open").focus();
  });
  document.getElementById("finish").addEventListener("submit", function (event) {
    if (pendingList().length) {
      event.preventDefault();
      document.getElementById("summary-unsaved").hidden = false;
      flush();
      return;
    }
    try { localStorage.removeItem(key); } catch (e) { /* nothing kept */ }
  });
  if (root.dataset.state === "paused") banner("paused");
  schedule(0);
  // What practical.js needs: the attempt's token, and to show a slot's new state.
  window.sathachExam = { token: token, refresh: function (fs) { mark(fs); count(); }, record: record };
})();
