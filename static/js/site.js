// Small enhancements; every page works without them.
(function () {
  "use strict";

  // The header menu: on a narrow screen one button opens and closes it (Escape
  // closes it too and gives the focus back to the button); without this script
  // the button stays hidden and the menu open.
  document.querySelectorAll("button.nav-toggle[aria-controls]").forEach(function (button) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) { return; }
    function setOpen(open) { button.setAttribute("aria-expanded", open ? "true" : "false"); }
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || button.getAttribute("aria-expanded") !== "true") { return; }
      if (!menu.contains(document.activeElement) && document.activeElement !== button) { return; }
      setOpen(false);
      button.focus();
    });
    setOpen(false);
    button.hidden = false;
  });

  // A form sent back with errors: the focus goes to the list of errors above it,
  // which a screen reader then reads; each item's link moves the focus to its field.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      var field = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
      if (!field) { return; }
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    });
  }

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
