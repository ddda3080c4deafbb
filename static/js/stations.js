/*
 * Station picker and live walk time. The form works without this file: the
 * server resolves a typed station name and computes the walk time on submit.
 *
 * HTML contract (N is 1, 2, 3 ... one per station row)
 * - <input type="text" data-station-picker="N">: the station name typed.
 *   Optional data-station-url="/api/stations/" (default shown).
 * - <input type="hidden" data-station-id="N">: the picked station's id; it is
 *   emptied as soon as the name is edited, set when a suggestion is picked.
 * - A list of suggestions, <ul class="station-suggestions" role="listbox"
 *   id="station-suggestions-N">, is inserted after the text input; each
 *   <li role="option"> shows "渋谷 (Shibuya) 東京都 · JR山手線, ...".
 *   Arrow keys move, Enter picks, Escape closes.
 * - <output data-walk-output-for="N" for="ID"> where ID is the id of the
 *   distance input (metres). It shows the walk time as you type, by the rule
 *   minutes = ceil(metres / 80), at least 1 (listings/walking.py). Optional
 *   translated texts on the <output>:
 *     data-walk-format="{minutes} min walk"
 *     data-too-short="The distance from the station must be more than 0 metres."
 *     data-too-long="The distance from the station must be at most 8,000 metres."
 *   The output gets class "error" while it shows one of those messages.
 */
(function () {
  "use strict";

  var METRES_PER_MINUTE = 80;
  var MAX_DISTANCE_M = 8000;
  var DEBOUNCE_MS = 200;

  /* ---- walk time ---- */

  function walkText(output, metresText) {
    var text = metresText.trim();
    if (!text) { return { text: "", error: false }; }
    var metres = Number(text.replace(/[\uff10-\uff19]/g, function (digit) {
      return String.fromCharCode(digit.charCodeAt(0) - 0xfee0);
    }).replace(/,/g, ""));
    if (!isFinite(metres)) { return { text: "", error: false }; }
    if (metres <= 0) {
      return {
        text: output.getAttribute("data-too-short") ||
          "The distance from the station must be more than 0 metres.",
        error: true,
      };
    }
    if (metres > MAX_DISTANCE_M) {
      return {
        text: output.getAttribute("data-too-long") ||
          "The distance from the station must be at most 8,000 metres.",
        error: true,
      };
    }
    var minutes = Math.max(1, Math.ceil(metres / METRES_PER_MINUTE));
    var format = output.getAttribute("data-walk-format") || "{minutes} min walk";
    return { text: format.replace("{minutes}", String(minutes)), error: false };
  }

  function startWalkOutput(output) {
    var distance = document.getElementById(output.getAttribute("for") || "");
    if (!distance) { return; }
    function update() {
      var shown = walkText(output, distance.value);
      output.textContent = shown.text;
      output.classList.toggle("error", shown.error);
    }
    distance.addEventListener("input", update);
    update();
  }

  /* ---- station picker ---- */

  function StationPicker(input) {
    var number = input.getAttribute("data-station-picker");
    var scope = input.form || document;
    this.input = input;
    this.hidden = scope.querySelector("input[data-station-id='" + number + "']");
    this.url = input.getAttribute("data-station-url") || "/api/stations/";
    this.results = [];
    this.active = -1;
    this.timer = null;
    this.requestNumber = 0;
    this.list = document.createElement("ul");
    this.list.id = "station-suggestions-" + number;
    this.list.className = "station-suggestions";
    this.list.setAttribute("role", "listbox");
    this.list.hidden = true;
    input.insertAdjacentElement("afterend", this.list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", this.list.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
  }

  StationPicker.prototype.listen = function () {
    var self = this;
    this.input.addEventListener("input", function () {
      if (self.hidden) { self.hidden.value = ""; }
      window.clearTimeout(self.timer);
      self.timer = window.setTimeout(function () { self.ask(); }, DEBOUNCE_MS);
    });
    this.input.addEventListener("keydown", function (event) { self.key(event); });
    this.input.addEventListener("blur", function () {
      // Let a click on a suggestion land before the list goes.
      window.setTimeout(function () { self.close(); }, 150);
    });
    this.list.addEventListener("mousedown", function (event) {
      var item = event.target.closest("li[data-index]");
      if (item) {
        event.preventDefault();
        self.pick(Number(item.getAttribute("data-index")));
      }
    });
  };

  StationPicker.prototype.ask = function () {
    var query = this.input.value.trim();
    if (!query || query.length > 50) {
      this.close();
      return;
    }
    var self = this;
    var number = ++this.requestNumber;
    fetch(this.url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (body) {
        if (number === self.requestNumber) { self.show(body.results || []); }
      })
      .catch(function () { self.close(); });
  };

  function describe(result) {
    var lines = result.lines.map(function (line) { return line.name; }).join(", ");
    var romaji = result.romaji ? " (" + result.romaji + ")" : "";
    return result.name + romaji + " " + result.prefecture + " \u00b7 " + lines;
  }

  StationPicker.prototype.show = function (results) {
    var self = this;
    this.results = results;
    this.active = -1;
    this.list.replaceChildren();
    results.forEach(function (result, index) {
      var item = document.createElement("li");
      item.id = self.list.id + "-" + index;
      item.setAttribute("role", "option");
      item.setAttribute("data-index", String(index));
      item.textContent = describe(result);
      self.list.appendChild(item);
    });
    this.list.hidden = results.length === 0;
    this.input.setAttribute("aria-expanded", results.length ? "true" : "false");
  };

  StationPicker.prototype.close = function () {
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  StationPicker.prototype.highlight = function (index) {
    var items = this.list.querySelectorAll("li");
    if (!items.length) { return; }
    this.active = (index + items.length) % items.length;
    items.forEach(function (item, position) {
      item.setAttribute("aria-selected", position === this.active ? "true" : "false");
    }, this);
    this.input.setAttribute("aria-activedescendant", items[this.active].id);
  };

  StationPicker.prototype.key = function (event) {
    if (this.list.hidden) { return; }
    if (event.key === "ArrowDown") {
      event.preventDefault();
      this.highlight(this.active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      this.highlight(this.active - 1);
    } else if (event.key === "Enter" && this.active >= 0) {
      event.preventDefault(); // pick, don't submit the form
      this.pick(this.active);
    } else if (event.key === "Escape") {
      this.close();
    }
  };

  StationPicker.prototype.pick = function (index) {
    var result = this.results[index];
    if (!result) { return; }
    this.input.value = result.name;
    if (this.hidden) { this.hidden.value = String(result.id); }
    this.close();
    this.input.dispatchEvent(new CustomEvent("station-picked", { bubbles: true, detail: result }));
  };

  function start() {
    document.querySelectorAll("input[data-station-picker]").forEach(function (input) {
      new StationPicker(input).listen();
    });
    document.querySelectorAll("output[data-walk-output-for]").forEach(startWalkOutput);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
