// Small enhancements; every page works without them.
(function () {
  "use strict";

  // On a narrow screen the search filters fold behind one button, so that the
  // results come first; without this script they stay open.
  document.querySelectorAll("details[data-fold-below]").forEach(function (fold) {
    var narrow = window.innerWidth <= Number(fold.getAttribute("data-fold-below"));
    if (narrow && !fold.hasAttribute("data-keep-open")) { fold.open = false; }
  });

  // Fields required only for one account type are shown only for it.
  function syncAccountType(form) {
    var checked = form.querySelector("input[name=account_type]:checked");
    if (!checked) { return; }
    form.querySelectorAll("[data-field-for]").forEach(function (field) {
      field.hidden = field.getAttribute("data-field-for") !== checked.value;
    });
  }
  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector("input[name=account_type]")) { return; }
    form.addEventListener("change", function (event) {
      if (event.target.name === "account_type") { syncAccountType(form); }
    });
    syncAccountType(form);
  });
})();
