// Newsletter sign-up without a page reload. Without JavaScript the same form posts normally
// and lands on the "check your inbox" page. The component may appear twice on a page (footer
// and article), and this file is loaded once per copy, so each form is enhanced only once.
(function () {
  "use strict";

  function showErrors(form, errors) {
    form.querySelectorAll("[data-errors-for]").forEach(function (holder) {
      const messages = (errors[holder.dataset.errorsFor] || []).map(function (error) { return error.message; });
      holder.textContent = messages.join(" ");
      const input = form.querySelector("[name='" + holder.dataset.errorsFor + "']");
      if (input) {
        if (messages.length) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      }
    });
    const general = (errors.__all__ || []).map(function (error) { return error.message; });
    return general.join(" ");
  }

  function enhance(form) {
    form.dataset.enhanced = "true";
    const status = form.nextElementSibling;
    const button = form.querySelector("button[type=submit]");

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      status.textContent = "";
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (result) {
          if (result.ok) {
            form.hidden = true;
            status.textContent = result.data.message;
            status.classList.add("newsletter-signup__status--done");
            status.focus();
            return;
          }
          const general = showErrors(form, result.data.errors || {});
          status.textContent = general;
          const invalid = form.querySelector("[aria-invalid=true]");
          if (invalid) invalid.focus();
        })
        .catch(function () {
          // The network or the server failed us: fall back to an ordinary form post.
          form.submit();
        })
        .finally(function () {
          button.disabled = false;
        });
    });
  }

  document.querySelectorAll("form[data-newsletter-signup]:not([data-enhanced])").forEach(enhance);
})();
