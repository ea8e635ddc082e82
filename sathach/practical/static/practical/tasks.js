// Practical tasks on the exam page: the download of each file task points at this attempt,
// a finished file is sent with its progress shown, and the page says plainly whether the
// server has it: a file that did not arrive is sent again when the connection returns, and
// until then the page says it is not there. The typing task counts its typing time and
// refuses pasting.
(function () {
  "use strict";
  var root = document.getElementById("exam");
  if (!root || !window.sathachExam) return;
  var base = root.dataset.filesUrl;
  var words = document.getElementById("task-words").dataset;

  function csrf() {
    var field = document.querySelector("#finish [name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function status(fs, text, kind) {
    var el = fs.querySelector("[data-status]");
    el.textContent = text;
    el.className = "task-status " + (kind || "");
  }

  // A file the worker has not graded yet: ask again a little later, a few times.
  function poll(fs, tries) {
    if (tries > 12) return;
    setTimeout(function () {
      fetch(base + fs.dataset.pos + "/", { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .then(function (data) { show(fs, data, tries + 1); })
        .catch(function () { poll(fs, tries + 1); });
    }, 10000);
  }

  function show(fs, data, tries) {
    if (data.file && !data.file.graded) poll(fs, tries || 0);
    if (data.file) {
      fs.dataset.file = data.file.name;
      status(fs, words.received.replace("%(name)s", data.file.name).replace("%(time)s", data.file.at) +
        (data.file.graded ? "" : " " + words.grading), "ok");
    }
    window.sathachExam.refresh(fs);
  }

  function send(fs, file, tries) {
    var form = new FormData();
    form.append("t", window.sathachExam.token);
    form.append("file", file, file.name);
    var request = new XMLHttpRequest();
    request.open("POST", base + fs.dataset.pos + "/");
    request.setRequestHeader("X-CSRFToken", csrf());
    request.responseType = "json";
    request.upload.onprogress = function (event) {
      if (event.lengthComputable) status(fs, words.sending + " " + Math.floor(100 * event.loaded / event.total) + "%", "pending");
    };
    request.onload = function () {
      var data = request.response || {};
      if (request.status === 200) { show(fs, data); return; }
      status(fs, data.error || words.refused, "refused");
    };
    request.onerror = request.ontimeout = function () {
      status(fs, words.lost, "refused");
      var again = function () { window.removeEventListener("online", again); send(fs, file, tries + 1); };
      if (tries < 5) {
        if (navigator.onLine === false) window.addEventListener("online", again);
        else setTimeout(again, Math.min(30000, 2000 * Math.pow(2, tries)));
      }
    };
    request.timeout = 120000;
    status(fs, words.sending, "pending");
    request.send(form);
  }

  document.querySelectorAll("fieldset.q .task-file").forEach(function (box) {
    var fs = box.closest("fieldset.q");
    var link = box.querySelector("[data-download]");
    if (link) link.href = base + fs.dataset.pos + "/mau/";
    var chooser = box.querySelector("[data-upload]");
    chooser.addEventListener("change", function () {
      if (chooser.files.length) box.querySelector("[data-chosen]").textContent = chooser.files[0].name;
    });
    box.querySelector("[data-send]").addEventListener("click", function () {
      var input = box.querySelector("[data-upload]");
      if (!input.files.length) { status(fs, words.choose, "refused"); input.focus(); return; }
      send(fs, input.files[0], 0);
    });
    fetch(base + fs.dataset.pos + "/", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (data) { show(fs, data); })
      .catch(function () { /* the slot shows its state on the next try */ });
  });

  document.querySelectorAll("fieldset.q textarea[data-typing]").forEach(function (area) {
    var fs = area.closest("fieldset.q");
    var last = 0;
    area.addEventListener("input", function () {
      var now = Date.now();
      // Typing time: the gaps between keystrokes, a pause of more than 5 s counted as 5 s.
      if (last) fs.dataset.ms = (parseInt(fs.dataset.ms, 10) || 0) + Math.min(now - last, 5000);
      last = now;
    });
    ["paste", "drop"].forEach(function (name) {
      area.addEventListener(name, function (event) {
        event.preventDefault();
        fs.dataset.pastes = (parseInt(fs.dataset.pastes, 10) || 0) + 1;
        status(fs, words.nopaste, "refused");
        window.sathachExam.record(fs);
      });
    });
    var note = document.createElement("p");
    note.className = "task-status";
    note.setAttribute("data-status", "");
    note.setAttribute("role", "status");
    area.insertAdjacentElement("afterend", note);
  });
})();
