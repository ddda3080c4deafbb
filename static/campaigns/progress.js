/* A campaign's progress on its admin page, refreshed every 2 seconds from its JSON
   endpoint (data-url) until the campaign is finished or cancelled. */
"use strict";

(function () {
  const PERIOD = 2000;
  const FINAL = ["finished", "cancelled"];

  function show(section, data) {
    const bar = section.querySelector("progress");
    if (bar) {
      bar.max = Math.max(data.total, 1);
      bar.value = data.done;
      bar.textContent = data.percent + "%";
    }
    section.querySelectorAll("[data-field]").forEach(function (element) {
      const key = element.dataset.field;
      if (key in data) {
        element.textContent = String(data[key]);
      }
    });
    section.dataset.status = data.status;
    if (FINAL.includes(data.status)) {
      // Pause, resume and cancel no longer apply once the campaign has ended.
      document.querySelectorAll("[data-until-final]").forEach(function (element) {
        element.hidden = true;
      });
    }
  }

  function watch(section) {
    const url = section.dataset.url;
    if (!url || FINAL.includes(section.dataset.status)) {
      return;
    }
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (data) {
          show(section, data);
          if (!FINAL.includes(data.status)) {
            window.setTimeout(poll, PERIOD);
          }
        })
        .catch(function () {
          // Signed out, or the server is away: try again later, more slowly.
          window.setTimeout(poll, PERIOD * 5);
        });
    }
    window.setTimeout(poll, PERIOD);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-campaign-progress]").forEach(watch);
  });
})();
