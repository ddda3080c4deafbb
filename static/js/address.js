/*
 * Postal-code autofill (DESIGN rule 2). The form works without this file: the
 * server fills the same address on submit (listings.postal.address_fill).
 *
 * HTML contract
 * - A container marked `data-address-form` (a <fieldset> or the <form>) holds
 *   the inputs named `postal_code`, `prefecture`, `city` and `town`.
 *   `town` may be a text input or, when the server already asks for a choice,
 *   a <select>; both are filled.
 * - Optional on the container:
 *     data-postal-url="/api/postal-codes/"   where to ask (default shown);
 *     data-choose-town="Choose the town"      first option of the town choice.
 * - Optional: an element marked `data-postal-message` inside the container
 *   shows errors; without one, a <p class="error" role="alert"> is added
 *   after the postal-code input. It is hidden (attribute `hidden`) when empty.
 * - When a code covers several towns, a <select class="town-choice"
 *   id="town-choice"> is inserted after the town input (which is hidden);
 *   the picked town is copied into the town input, so the form posts `town`.
 * Error texts come from the server's JSON {"error": ...}, already translated.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 300;

  // 〒, spaces, dashes and full-width digits, as the server accepts them.
  function digitsOf(value) {
    return value
      .replace(/[\uff10-\uff19]/g, function (digit) {
        return String.fromCharCode(digit.charCodeAt(0) - 0xfee0);
      })
      .replace(/[\u3012\s\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff0d]/g, "");
  }

  function AddressForm(container) {
    this.container = container;
    this.postal = container.querySelector("[name=postal_code]");
    this.prefecture = container.querySelector("[name=prefecture]");
    this.city = container.querySelector("[name=city]");
    this.town = container.querySelector("[name=town]");
    this.url = container.getAttribute("data-postal-url") || "/api/postal-codes/";
    this.chooseLabel = container.getAttribute("data-choose-town") || "\u2014";
    this.message = container.querySelector("[data-postal-message]") || this.makeMessage();
    this.choice = null;
    this.timer = null;
    this.lastAsked = "";
    this.requestNumber = 0;
  }

  AddressForm.prototype.makeMessage = function () {
    var message = document.createElement("p");
    message.className = "error";
    message.setAttribute("role", "alert");
    message.setAttribute("data-postal-message", "");
    message.hidden = true;
    this.postal.insertAdjacentElement("afterend", message);
    return message;
  };

  AddressForm.prototype.showMessage = function (text) {
    this.message.textContent = text || "";
    this.message.hidden = !text;
    if (text) {
      this.postal.setAttribute("aria-invalid", "true");
    } else {
      this.postal.removeAttribute("aria-invalid");
    }
  };

  AddressForm.prototype.listen = function () {
    var self = this;
    this.postal.addEventListener("input", function () {
      window.clearTimeout(self.timer);
      // Ask as soon as seven digits are there; anything else waits for the change event.
      if (digitsOf(self.postal.value).length === 7) {
        self.timer = window.setTimeout(function () { self.ask(false); }, DEBOUNCE_MS);
      } else {
        self.showMessage("");
      }
    });
    this.postal.addEventListener("change", function () {
      window.clearTimeout(self.timer);
      self.ask(true);
    });
  };

  AddressForm.prototype.ask = function (evenIfSame) {
    var typed = this.postal.value.trim();
    if (!typed) {
      this.showMessage("");
      return;
    }
    if (!evenIfSame && typed === this.lastAsked) { return; }
    this.lastAsked = typed;
    var self = this;
    var number = ++this.requestNumber;
    fetch(this.url + encodeURIComponent(typed), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (number !== self.requestNumber) { return; } // a newer code was typed meanwhile
        if (answer.ok) {
          self.showMessage("");
          self.fill(answer.body.addresses);
        } else {
          self.showMessage(answer.body.error);
          self.removeChoice();
        }
      })
      .catch(function () {
        // Offline or a server error: the server fills the address on submit.
        if (number === self.requestNumber) { self.lastAsked = ""; }
      });
  };

  function setValue(field, value) {
    if (!field) { return; }
    if (field.tagName === "SELECT" && !field.querySelector("option[value='" + CSS.escape(value) + "']")) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      field.appendChild(option);
    }
    field.value = value;
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function shared(addresses, key) {
    var first = addresses[0][key];
    return addresses.every(function (address) { return address[key] === first; }) ? first : "";
  }

  AddressForm.prototype.fill = function (addresses) {
    if (!addresses || !addresses.length) { return; }
    setValue(this.prefecture, shared(addresses, "prefecture"));
    setValue(this.city, shared(addresses, "city"));
    if (addresses.length === 1) {
      this.removeChoice();
      // An empty town means the code covers the rest of the city: keep what was typed.
      if (addresses[0].town) { setValue(this.town, addresses[0].town); }
    } else {
      this.offerChoice(addresses);
    }
  };

  AddressForm.prototype.offerChoice = function (addresses) {
    var self = this;
    this.removeChoice();
    var select = document.createElement("select");
    select.id = "town-choice";
    select.className = "town-choice";
    if (this.town.labels && this.town.labels[0]) {
      select.setAttribute("aria-label", this.town.labels[0].textContent.trim());
    }
    var placeholder = document.createElement("option");
    placeholder.value = "";
    placeholder.textContent = this.chooseLabel;
    select.appendChild(placeholder);
    addresses.forEach(function (address) {
      var option = document.createElement("option");
      option.value = address.town;
      option.textContent = address.town + (address.town_romaji ? " (" + address.town_romaji + ")" : "");
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      setValue(self.town, select.value);
    });
    if (this.town.tagName === "SELECT") {
      // The server's own choice list: replace its options instead of adding a second list.
      this.town.replaceChildren.apply(this.town, Array.prototype.slice.call(select.options));
      this.town.value = "";
      return;
    }
    setValue(this.town, "");
    this.town.hidden = true;
    this.town.insertAdjacentElement("afterend", select);
    this.choice = select;
    select.focus();
  };

  AddressForm.prototype.removeChoice = function () {
    if (this.choice) {
      this.choice.remove();
      this.choice = null;
    }
    this.town.hidden = false;
  };

  function start() {
    document.querySelectorAll("[data-address-form]").forEach(function (container) {
      var form = new AddressForm(container);
      if (form.postal && form.prefecture && form.city && form.town) { form.listen(); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
