// shanghui: the little JavaScript the pages need. Loaded as a file (no inline scripts: strict CSP).
(function () {
  "use strict";

  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  // htmx requests that change something carry the CSRF token (forms also send it as a field).
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") {
      event.detail.headers["X-CSRFToken"] = csrfToken();
    }
  });

  // Autocomplete: when a search leaves exactly one match, pick it.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.tagName === "SELECT") {
      var real = Array.prototype.filter.call(target.options, function (o) { return o.value !== ""; });
      if (real.length === 1) {
        target.value = real[0].value;
      }
    }
  });

  // A "select all" box (data-check-all="name") ticks every enabled checkbox of that name in its form.
  document.addEventListener("change", function (event) {
    var box = event.target;
    var name = box && box.getAttribute && box.getAttribute("data-check-all");
    if (!name || !box.form) {
      return;
    }
    Array.prototype.forEach.call(box.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]'), function (c) {
      if (!c.disabled) {
        c.checked = box.checked;
      }
    });
  });
})();
