/* shuanggao — behaviour for every page. No inline scripts: the CSP allows only 'self'. */
(function () {
  "use strict";

  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  }

  // Every htmx request carries the CSRF token in a header; GET requests drop empty filters so
  // the pushed URL stays short and readable.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = meta("csrf-token");
    if (token) {
      event.detail.headers[meta("csrf-header") || "X-CSRF-Token"] = token;
    }
    if (event.detail.verb === "get") {
      var params = event.detail.parameters;
      Object.keys(params).forEach(function (key) {
        if (params[key] === "") { delete params[key]; }
      });
    }
  });

  // Forms and buttons that ask before acting: <form data-confirm="确定删除？">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.getAttribute && form.hasAttribute("data-confirm")) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    }
  }, true);

  // <select data-autosubmit> / <input data-autosubmit>: submit the enclosing form on change.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      if (window.htmx && el.form.hasAttribute("hx-get")) {
        window.htmx.trigger(el.form, "submit");
      } else {
        el.form.requestSubmit();
      }
    }
  });

  // Small screens: the menu button shows and hides the navigation.
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest(".nav-toggle") : null;
    if (!button) { return; }
    var open = document.body.classList.toggle("nav-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });

  // Progress bars: <div class="progress" data-value="42"> sets the width from data-value.
  function paintProgress(root) {
    var bars = (root || document).querySelectorAll(".progress[data-value]");
    Array.prototype.forEach.call(bars, function (bar) {
      var value = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-value")) || 0));
      bar.style.setProperty("--p", String(value));
    });
  }
  document.addEventListener("DOMContentLoaded", function () { paintProgress(document); });
  document.addEventListener("htmx:afterSwap", function (event) { paintProgress(event.target); });

  // A progress panel that polls (<div data-poll hx-trigger="load delay:…, poll-retry delay:2s">)
  // keeps polling through a busy answer (429, 5xx: the database was busy) or a dropped
  // connection: swapping the error in would end the polling and freeze the page.
  function pollRetry(event) {
    var el = event.detail && event.detail.elt;
    if (el && el.hasAttribute && el.hasAttribute("data-poll") && window.htmx) {
      window.htmx.trigger(el, "poll-retry");
      return true;
    }
    return false;
  }
  document.addEventListener("htmx:sendError", pollRetry);
  document.addEventListener("htmx:timeout", pollRetry);

  // A failed htmx request with an HTML body (error partial) is shown instead of ignored.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if ((status === 429 || status >= 500) && pollRetry(event)) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      return;
    }
    if (status >= 400 && status !== 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    if (status === 422) {
      // Form re-rendered with field errors: swap it in place.
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
