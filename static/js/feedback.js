/* Cleo Pay: feedback while the server works. Every page also works without it.
 *
 * - A form that posts shows that it is busy (the button pressed turns to a spinner, the form is
 *   aria-busy) and is sent once: a second click or Enter while the first is on its way does
 *   nothing. Back from another page (the browser's cache), the form is ready again.
 * - A form marked [data-upload-progress] with files chosen is sent with its progress shown;
 *   the page that answers replaces this one, as a plain post would.
 * - A form marked [data-unsaved-warning] asks before the page is left with changes unsaved.
 * - The first error on a page (the summary, else the first field marked invalid) is scrolled
 *   into view and focused; in a confirm dialog, the field the error names.
 */
(function () {
  "use strict";

  // --- busy state, sent once ----------------------------------------------------------------------
  function isPost(form) {
    return (form.getAttribute("method") || "get").toLowerCase() === "post";
  }

  function setBusy(form, button) {
    form.setAttribute("data-busy", "");
    form.setAttribute("aria-busy", "true");
    if (button) {
      button.classList.add("is-busy");
      button.setAttribute("aria-disabled", "true");
    }
  }

  function clearBusy(form) {
    form.removeAttribute("data-busy");
    form.removeAttribute("aria-busy");
    form.querySelectorAll(".is-busy").forEach(function (button) {
      button.classList.remove("is-busy");
      button.removeAttribute("aria-disabled");
    });
    document.querySelectorAll('.is-busy[form="' + form.id + '"]').forEach(function (button) {
      button.classList.remove("is-busy");
      button.removeAttribute("aria-disabled");
    });
  }

  // Registered after cleopay.js's (this script comes after it), so a confirm() refused there
  // has already called preventDefault, and the form is not busy. On the document, not the
  // window: a page that replaces this one (an upload's answer) starts with none of them.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!isPost(form)) { return; }
    if (form.hasAttribute("data-busy")) {
      event.preventDefault();
      return;
    }
    if (event.defaultPrevented && !form.hasAttribute("hx-post")) { return; }
    setBusy(form, event.submitter);
    if (form.hasAttribute("data-upload-progress") && !event.defaultPrevented && hasFiles(form)) {
      event.preventDefault();
      sendWithProgress(form, event.submitter);
    }
  });

  // htmx posts without leaving the page: ready again once it has its answer.
  document.addEventListener("htmx:afterRequest", function (event) {
    var element = event.detail.elt;
    var form = element && (element.tagName === "FORM" ? element : element.closest("form"));
    if (form) { clearBusy(form); }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-busy]").forEach(clearBusy);
    }
  });

  // --- upload progress ------------------------------------------------------------------------------
  function hasFiles(form) {
    return Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  function progressBar(form) {
    var holder = form.querySelector("[data-upload-status]");
    if (!holder) {
      holder = document.createElement("p");
      holder.setAttribute("data-upload-status", "");
      holder.className = "upload-status";
      holder.setAttribute("role", "status");
      var bar = document.createElement("progress");
      bar.max = 100;
      var label = document.createElement("span");
      holder.appendChild(bar);
      holder.appendChild(label);
      var input = form.querySelector("input[type=file]");
      input.parentNode.insertBefore(holder, input.nextSibling);
    }
    holder.hidden = false;
    return holder;
  }

  function sendWithProgress(form, button) {
    var data = new FormData(form);
    if (button && button.name) { data.append(button.name, button.value); }
    var holder = progressBar(form);
    var bar = holder.querySelector("progress");
    var label = holder.querySelector("span");
    label.textContent = " Uploading…";
    var xhr = new XMLHttpRequest();
    // getAttribute: a control named "action" (the editor's buttons) shadows form.action.
    xhr.open("POST", form.getAttribute("action") || window.location.href);
    xhr.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) { return; }
      var percent = Math.round((event.loaded / event.total) * 100);
      bar.value = percent;
      label.textContent = " Uploading… " + percent + "%";
    });
    xhr.upload.addEventListener("load", function () {
      bar.value = 100;
      label.textContent = " Uploaded, saving…";
    });
    xhr.addEventListener("load", function () {
      // The answer (after any redirect) is the page a plain post would have shown.
      if (xhr.responseURL && xhr.responseURL !== window.location.href) {
        window.history.pushState({}, "", xhr.responseURL);
      }
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () {
      holder.hidden = true;
      clearBusy(form);
      label.textContent = "";
      // Sent the plain way instead: the browser shows whatever happens.
      form.removeAttribute("data-upload-progress");
      if (form.requestSubmit) { form.requestSubmit(button || undefined); } else { form.submit(); }
    });
    xhr.send(data);
  }

  // --- unsaved changes ------------------------------------------------------------------------------
  var dirty = new Set();

  function watched(target) {
    return target && target.closest && target.closest("form[data-unsaved-warning]");
  }

  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var form = watched(event.target);
      if (form) { dirty.add(form); }
    });
  });
  // Rows added or removed in place change the form too.
  document.addEventListener("click", function (event) {
    var form = watched(event.target);
    if (form && event.target.closest("[data-remove-row]")) { dirty.add(form); }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var form = watched(event.detail.target);
    if (form) { dirty.add(form); }
  });
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented || event.target.hasAttribute("data-busy")) {
      dirty.delete(event.target);
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty.size === 0) { return; }
    event.preventDefault();
    event.returnValue = "";  // what older browsers need to ask
  });

  // --- errors in sight --------------------------------------------------------------------------------
  function showFirstError() {
    var summary = document.querySelector("main .errors[role=alert]");
    var field = document.querySelector("main [aria-invalid=true]");
    var target = summary || field;
    if (!target) { return; }
    if (target === summary && !summary.hasAttribute("tabindex")) { summary.tabIndex = -1; }
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showFirstError);
  } else {
    showFirstError();
  }
  // A confirm step answered with an error: the field it names, not the list behind.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    var field = target && target.id === "action-dialog-body" && target.querySelector("[aria-invalid=true]");
    if (field) { field.focus(); }
  });
})();
