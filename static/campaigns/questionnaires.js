// Shows a conditional question only while the answer it depends on is chosen.
// The server applies the same rule on submit, so the page works without this script.
(function () {
  "use strict";

  function chosen(form, name) {
    return Array.prototype.map.call(
      form.querySelectorAll("input[name='" + name + "']:checked"),
      function (input) { return input.value; }
    );
  }

  function sync(form) {
    // In page order, so that a question hidden above also hides the ones that follow it.
    form.querySelectorAll("[data-condition-field]").forEach(function (field) {
      var name = field.getAttribute("data-condition-field");
      var parent = document.getElementById("id_" + name + "_field");
      var shown = !(parent && parent.hidden) &&
        chosen(form, name).indexOf(field.getAttribute("data-condition-value")) !== -1;
      field.hidden = !shown;
    });
  }

  document.querySelectorAll("form[data-questionnaire]").forEach(function (form) {
    form.addEventListener("change", function () { sync(form); });
    sync(form);
  });
})();
