// Skip logic in the browser: a question with data-show-if is hidden (and its inputs
// disabled) unless the named question has one of the listed answers. The server applies
// the same rule, so the form also works without this script.
(function () {
  "use strict";
  var form = document.getElementById("questionnaire");
  if (!form) { return; }
  var conditional = Array.prototype.slice.call(form.querySelectorAll("[data-show-if]"));
  function answers(code) {
    var values = [];
    form.querySelectorAll('[name="' + code + '"]').forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
      if (input.disabled) { return; }
      values.push(input.value);
    });
    return values;
  }
  function update() {
    conditional.forEach(function (fieldset) {
      var wanted = fieldset.getAttribute("data-show-values").split("|");
      var parent = document.getElementById("q-" + fieldset.getAttribute("data-show-if"));
      var parentShown = !parent || !parent.hidden;
      var shown = parentShown && answers(fieldset.getAttribute("data-show-if")).some(function (v) { return wanted.indexOf(v) >= 0; });
      fieldset.hidden = !shown;
      fieldset.querySelectorAll("input, textarea, select").forEach(function (el) { el.disabled = !shown; });
      var note = fieldset.querySelector(".territori-skip-note");
      if (note) { note.hidden = true; }
    });
  }
  form.addEventListener("change", update);
  update();
  update();
})();
