/* Cleo Pay: the little the pages do in the browser. Every page also works without it.
 *
 * - Confirmation dialogs: an action link loads its confirm form into one <dialog> (htmx);
 *   a done action fires "cleopay:changed" (HX-Trigger), which closes the dialog, says what
 *   happened in the live region and refreshes the parts of the page that listen for it.
 * - The invoice editor: line totals and the total, shown as you type (exact cents with BigInt;
 *   the server recomputes everything with Decimal), rows removed in place.
 * - The payer's custom fields with a condition (visibleWhen) show and hide as the field they
 *   depend on changes; the server drops the value of a hidden field and does not require it.
 * - The inbox's bulk bar: the count and the running total of the ticked rows' amount due.
 * - An import's progress bar follows the import through the API until it is finished.
 * - Menus (<details>) close on Escape and on a click elsewhere.
 */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // --- status tabs: on a narrow screen the strip scrolls; keep the current tab in sight ------
  function showCurrentTab() {
    document.querySelectorAll(".tabs [aria-current]").forEach(function (tab) {
      var strip = tab.parentElement;
      if (strip.scrollWidth > strip.clientWidth) {
        strip.scrollLeft = tab.offsetLeft - strip.offsetLeft - (strip.clientWidth - tab.offsetWidth) / 2;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", showCurrentTab);
  document.addEventListener("htmx:afterSettle", showCurrentTab);

  // --- copy buttons: [data-copy="<id>"] copies that element's text ---------------------------
  function showCopyButtons() {
    if (!navigator.clipboard) { return; }
    document.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", showCopyButtons);
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      say("Copied " + source.textContent.trim() + ".");
    });
  });

  // --- dialogs ----------------------------------------------------------------------------------
  var lastTrigger = null;

  function dialog() { return document.getElementById("action-dialog"); }

  function focusFirst(container) {
    var target = container.querySelector("[autofocus]") ||
      container.querySelector("textarea, input:not([type=hidden]), select, button");
    if (target) { target.focus(); }
  }

  function say(message) {
    var flash = document.getElementById("flash");
    if (!flash || !message) { return; }
    flash.innerHTML = "";
    var p = document.createElement("p");
    p.className = "message success";
    p.tabIndex = -1;
    p.textContent = message;
    flash.appendChild(p);
    p.focus();
  }

  document.addEventListener("click", function (event) {
    var trigger = event.target.closest("[data-dialog]");
    if (trigger) { lastTrigger = trigger; }
    var closer = event.target.closest("[data-close-dialog]");
    if (closer) {
      event.preventDefault();
      var d = closer.closest("dialog");
      if (d) { d.close(); }
    }
  });

  // After settling: htmx has done its own focusing by then, ours comes last.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (target && target.id === "action-dialog-body" && target.children.length) {
      var d = dialog();
      if (!d.open) { d.showModal(); }
      focusFirst(target);
    }
    if (target && target.matches && target.matches("#line-rows")) {
      var rows = target.querySelectorAll("tr");
      var row = rows[rows.length - 1];
      if (row) { focusFirst(row); }
      recompute();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var d = dialog();
    if (!d) { return; }
    d.addEventListener("close", function () {
      document.getElementById("action-dialog-body").innerHTML = "";
      if (lastTrigger && document.body.contains(lastTrigger)) { lastTrigger.focus(); }
      lastTrigger = null;
    });
    recompute();
  });

  // The script is deferred: the body exists. HX-Trigger events bubble up to it.
  document.body.addEventListener("cleopay:changed", function (event) {
    var d = dialog();
    lastTrigger = null;
    if (d && d.open) { d.close(); }
    say(event.detail && event.detail.message);
  });

  // --- money, exactly -----------------------------------------------------------------------------
  function parseScaled(text, scale) {
    text = (text || "").trim();
    // "1,234.56" as the server takes it: commas grouping thousands are dropped.
    if (/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(text)) { text = text.replace(/,/g, ""); }
    var match = /^\s*(\d+)(?:\.(\d*))?\s*$/.exec(text);
    if (!match) { return null; }
    var fraction = match[2] || "";
    if (fraction.length > scale) { return null; }
    while (fraction.length < scale) { fraction += "0"; }
    return BigInt(match[1] + fraction);
  }

  function formatCents(cents) {
    var negative = cents < 0n;
    if (negative) { cents = -cents; }
    var dollars = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var rest = (cents % 100n).toString().padStart(2, "0");
    return (negative ? "-" : "") + "$" + dollars + "." + rest;
  }

  function recompute() {
    var table = document.getElementById("line-items");
    if (!table) { return; }
    var sum = 0n;
    var complete = true;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var qtyText = row.querySelector("[name=quantity]").value;
      var priceText = row.querySelector("[name=unitPrice]").value;
      var qty = parseScaled(qtyText, 4);
      var price = parseScaled(priceText, 2);
      var cell = row.querySelector("[data-line-total]");
      if (qty === null || price === null) {
        cell.textContent = "—";
        // A row not priced yet adds nothing; one with a price we cannot read leaves a gap.
        if (priceText.trim() !== "" || (qtyText.trim() !== "" && qty === null)) { complete = false; }
        return;
      }
      // quantity has 4 decimals, price is in cents: round half up back to cents.
      var cents = (qty * price + 5000n) / 10000n;
      cell.textContent = formatCents(cents);
      sum += cents;
    });
    var total = document.getElementById("invoice-total");
    if (total) { total.textContent = formatCents(sum) + (complete ? "" : " so far"); }
  }

  document.addEventListener("input", function (event) {
    if (event.target.closest("#line-items")) { recompute(); }
  });

  document.addEventListener("click", function (event) {
    var remove = event.target.closest("[data-remove-row]");
    if (!remove) { return; }
    event.preventDefault();
    var row = remove.closest("tr, fieldset");
    var list = row.parentElement;
    row.remove();
    recompute();
    var add = document.querySelector(list.getAttribute("data-add") || "[data-add-row]");
    if (add) { add.focus(); }
    var status = document.getElementById("flash");
    if (status) { status.textContent = remove.getAttribute("data-removed") || "Removed."; }
  });

  // --- the inbox's bulk actions: how many are ticked and what they total ----------------------
  function bulkBoxes(form) {
    return document.querySelectorAll('input[type=checkbox][name=payableIds][form="' + form.id + '"]');
  }

  function updateBulk() {
    var form = document.querySelector("[data-bulk]");
    if (!form) { return; }
    var boxes = bulkBoxes(form);
    var count = 0;
    var cents = 0n;
    boxes.forEach(function (box) {
      if (!box.checked) { return; }
      count += 1;
      cents += parseScaled(box.getAttribute("data-amount-due"), 2) || 0n;
    });
    var summary = form.querySelector("[data-bulk-summary]");
    summary.textContent = count === 0 ? "No bills selected." :
      count + (count === 1 ? " bill" : " bills") + " selected · " + formatCents(cents) + " due";
    form.querySelectorAll("button[name=action]").forEach(function (button) {
      button.disabled = count === 0;
    });
    var all = form.querySelector("[data-select-all]");
    if (all) {
      all.hidden = boxes.length === 0;
      var box = all.querySelector("input");
      box.checked = boxes.length > 0 && count === boxes.length;
      box.indeterminate = count > 0 && count < boxes.length;
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.closest && target.closest("[data-select-all]")) {
      var form = target.closest("[data-bulk]");
      bulkBoxes(form).forEach(function (box) { box.checked = target.checked; });
      updateBulk();
    } else if (target.name === "payableIds") {
      updateBulk();
    }
  });
  // Enter in the bar's date schedules (the form's first button would approve).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches || !event.target.matches("[data-bulk] input[type=date]")) { return; }
    var button = event.target.form && event.target.form.querySelector("button[value=schedule]");
    if (button) { event.preventDefault(); button.click(); }
  });

  // Money that cannot be called back: the pay button asks first (a plain post does not).
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.hasAttribute("data-confirm") &&
        !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  document.addEventListener("DOMContentLoaded", updateBulk);
  document.addEventListener("htmx:afterSettle", updateBulk);

  // --- custom fields shown on a condition ---------------------------------------------------------
  function controlValues(control) {
    if (control.multiple) {
      return Array.prototype.filter.call(control.options, function (o) { return o.selected; })
        .map(function (o) { return o.value; });
    }
    return control.value.split(",").map(function (v) { return v.trim(); });
  }

  function conditionHolds(wrapper) {
    var condition = JSON.parse(wrapper.getAttribute("data-visible-when"));
    var scope = wrapper.closest("[data-cf-scope]");
    var control = scope && scope.querySelector('[data-cf-key="' + condition.key + '"]');
    if (!control) { return false; }
    var holder = control.closest("[data-visible-when]");
    if (holder && holder.hidden) { return false; }
    var wanted = String(condition.equals);
    if (control.multiple || control.tagName === "INPUT" && control.value.indexOf(",") >= 0) {
      return controlValues(control).indexOf(wanted) >= 0;
    }
    var value = control.value.trim();
    if (typeof condition.equals === "number" && value !== "") {
      return Number(value) === condition.equals;
    }
    return value === wanted;
  }

  function applyConditions() {
    var wrappers = document.querySelectorAll("[data-visible-when]");
    // Chains (a field shown on a field shown on another): settle in a few passes.
    for (var pass = 0; pass < 5; pass++) {
      var changed = false;
      wrappers.forEach(function (wrapper) {
        var hide = !conditionHolds(wrapper);
        if (wrapper.hidden !== hide) { wrapper.hidden = hide; changed = true; }
      });
      if (!changed) { break; }
    }
  }
  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (event.target.closest && event.target.closest("[data-cf-key]")) { applyConditions(); }
    });
  });
  document.addEventListener("htmx:afterSwap", applyConditions);
  applyConditions();

  // --- an import's progress bar: polls GET /api/imports/{id} (the session's own API) until the
  //     import is finished, then reloads the page, which shows what it created or what to fix ---
  function followImport() {
    var card = document.querySelector("[data-import-progress]");
    if (!card || card.getAttribute("data-finished") === "true" || !window.fetch) { return; }
    var url = card.getAttribute("data-import-progress");
    var bar = card.querySelector("progress");
    var count = card.querySelector("[data-import-count]");
    var phase = card.querySelector("[data-import-phase]");
    var phases = { pending: "Checking rows", validating: "Checking rows", importing: "Creating invoices" };
    var finished = ["done", "invalid", "failed"];
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (job) {
          bar.max = job.total;
          bar.value = job.processed;
          count.textContent = job.processed.toLocaleString() + " of " + job.total.toLocaleString() + " rows";
          if (phases[job.status]) { phase.textContent = phases[job.status]; }
          if (finished.indexOf(job.status) >= 0) { window.location.reload(); return; }
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 500);
  }
  document.addEventListener("DOMContentLoaded", followImport);

  // --- menus ----------------------------------------------------------------------------------------
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });
})();
