// The e-office test's actions (forward a document, give a coordination opinion) are kept in
// localStorage first, then sent to the server, and kept until the server answers. Nothing
// is lost to a network drop or a reload: what the server has not answered is resent from
// any page of the test. Each action carries a sequence number; the server ignores one
// older than the last it applied to that document, so a late retry never undoes a newer
// action. The PIN is never stored: signing needs the connection.
(function () {
  "use strict";
  var root = document.getElementById("eoffice-queue");
  if (!root) return;
  var url = root.dataset.url;
  var key = "sathach:eoffice:" + root.dataset.task;
  var status = document.getElementById("queue-status");
  var csrf = (document.querySelector("[name=csrfmiddlewaretoken]") || {}).value || "";
  var sending = false;
  var timer = null;

  function load() {
    try { return JSON.parse(localStorage.getItem(key)) || {}; } catch (e) { return {}; }
  }
  var pending = load();
  function persist() {
    try { localStorage.setItem(key, JSON.stringify(pending)); } catch (e) { /* private mode */ }
  }
  function count() { return Object.keys(pending).length; }

  function say(text, kind) {
    if (!status) return;
    status.textContent = text;
    status.className = "queue-status " + (kind || "");
    status.hidden = !text;
  }

  function read(form) {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      if (data[name] === undefined) data[name] = value;
      else data[name] = [].concat(data[name], value);
    });
    return data;
  }

  function restore(form, data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || data[el.name] === undefined || el.type === "hidden") return;
      var values = [].concat(data[el.name]).map(String);
      if (el.type === "checkbox" || el.type === "radio") el.checked = values.indexOf(el.value) >= 0;
      else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) >= 0; });
      } else el.value = values[0];
    });
  }

  function body(entry) {
    var params = new URLSearchParams();
    params.append("position", entry.position);
    params.append("seq", entry.seq);
    Object.keys(entry.data).forEach(function (name) {
      [].concat(entry.data[name]).forEach(function (v) { params.append(name, v); });
    });
    return params;
  }

  function later() {
    if (timer) return;
    timer = setTimeout(function () { timer = null; flush(); }, 5000);
  }

  function flush() {
    var keys = Object.keys(pending);
    if (sending || !keys.length) return;
    sending = true;
    var id = keys[0];
    var entry = pending[id];
    fetch(url, {
      method: "POST",
      body: body(entry),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
    }).then(function (response) {
      return response.json().then(function (answer) { return [response.status, answer]; });
    }).then(function (result) {
      var code = result[0], answer = result[1];
      sending = false;
      if (code >= 500) throw new Error("server");
      if (pending[id] && pending[id].seq === entry.seq) delete pending[id];
      persist();
      if (answer.ok) {
        say(root.dataset.saved, "ok");
        if (!count()) {
          if (answer.goto) location.href = answer.goto;
          else if (root.dataset.reload || String(entry.position) === root.dataset.position) location.reload();
        }
      } else {
        say(answer.error || root.dataset.refused, "error");
        if (answer.goto) setTimeout(function () { location.href = answer.goto; }, 3000);
      }
      flush();
    }).catch(function () {
      sending = false;
      say(root.dataset.offline, "warning");
      later();
    });
  }

  document.querySelectorAll("form[data-queue]").forEach(function (form) {
    var id = root.dataset.position + ":" + form.dataset.queue;
    if (pending[id]) {
      restore(form, pending[id].data);
      say(root.dataset.offline, "warning");
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      pending[id] = { position: root.dataset.position, data: read(form), seq: Date.now() };
      persist();
      say(root.dataset.sending, "");
      flush();
    });
  });

  var finish = document.getElementById("finish-form");
  if (finish) {
    finish.addEventListener("submit", function (event) {
      if (count()) {
        event.preventDefault();
        event.stopImmediatePropagation();
        say(root.dataset.unsent, "error");
        flush();
      }
    }, true);
  }

  window.addEventListener("online", flush);
  if (count()) say(root.dataset.offline, "warning");
  flush();
})();
