// Payment forms submit once: a double click sends one request (the server is idempotent too).
(function () {
  "use strict";
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted) {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "1";
      form.setAttribute("aria-busy", "true");
    });
  });
})();
