// The scoring grid: arrow keys move between cells; the side panel saves without reloading.
(function () {
  "use strict";
  var table = document.getElementById("coherence-grid");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  function linkAt(r, c) {
    var row = rows[r];
    if (!row) { return null; }
    var cell = row.cells[c];
    return cell ? cell.querySelector("a") : null;
  }
  table.addEventListener("keydown", function (event) {
    var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    var move = moves[event.key];
    var td = event.target.closest("td");
    if (!move || !td) { return; }
    var r = rows.indexOf(td.parentElement), c = td.cellIndex;
    // skip the diagonal (cells without a link) and stop at the edges
    for (var step = 1; step < Math.max(rows.length, rows[0].cells.length); step++) {
      var target = linkAt(r + move[0] * step, c + move[1] * step);
      if (target) { target.focus(); event.preventDefault(); return; }
      if (r + move[0] * step < 0 || r + move[0] * step >= rows.length) { return; }
      if (c + move[1] * step < 1 || c + move[1] * step >= rows[0].cells.length) { return; }
    }
  });
  var current = table.querySelector("a[aria-current='true']");
  if (current && window.location.hash === "#cell-panel") { current.focus(); }

  var form = document.getElementById("score-form");
  if (!form || !window.fetch) { return; }
  var lang = document.documentElement.lang || "it";
  var words = lang.indexOf("en") === 0
    ? { saved: "Saved.", conflict: "Someone saved this cell after you opened it. Their score: ", keep: " Your text is kept: save again to replace theirs." }
    : { saved: "Salvato.", conflict: "Qualcuno ha salvato questa cella dopo che l'hai aperta. Il suo punteggio: ", keep: " Il tuo testo è conservato: salva di nuovo per sostituirlo." };
  var status = document.createElement("div");
  status.setAttribute("role", "status");
  status.className = "small mt-2";
  form.appendChild(status);
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.value !== "save") { return; }  // clearing reloads the page
    event.preventDefault();
    var data = new FormData(form);
    data.set("action", "save");
    status.setAttribute("data-outcome", "pending");
    fetch(window.location.pathname, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      var body = result.body;
      if (body.ok) {
        form.querySelector("input[name=version]").value = body.version;
        var key = data.get("row") + "-" + data.get("column");
        var link = table.querySelector("td[data-cell='" + key + "'] a");
        if (link) {
          var hidden = link.querySelector(".visually-hidden");
          link.childNodes.forEach(function (node) {
            if (node.nodeType === 3 && node.textContent.trim()) { node.textContent = (body.score > 0 ? "+" : "") + body.score; }
          });
          if (hidden) { link.focus(); }
        }
        status.textContent = words.saved;
        status.setAttribute("data-outcome", "saved");
      } else if (result.status === 409) {
        var theirs = body.current || {};
        if (theirs.version) { form.querySelector("input[name=version]").value = theirs.version; }
        status.textContent = words.conflict + (theirs.score === null || theirs.score === undefined ? "–" : theirs.score) + ". " + (theirs.rationale || "") + words.keep;
        status.setAttribute("data-outcome", "conflict");
      } else {
        status.textContent = (body.errors || []).join("; ") || body.message || String(result.status);
        status.setAttribute("data-outcome", "error");
      }
    }).catch(function (error) {
      status.textContent = error.message;
      status.setAttribute("data-outcome", "error");
    });
  });
})();
