// Header mini-cart: the page HTML says just "Cart" (the same for every visitor, so pages stay
// cacheable); the count and subtotal come from a small JSON endpoint after load. The same answer
// says whether the visitor is signed in, so a shared rendering shows the right account links.
(function () {
  "use strict";
  const link = document.querySelector("[data-mini-cart]");
  if (!link || !window.fetch) return;
  const summary = link.querySelector("[data-mini-cart-summary]");
  fetch(link.dataset.miniCartUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      if (!data) return;
      summary.textContent = data.label;
      link.dataset.count = data.count;
      link.setAttribute("aria-label", "Cart: " + data.label);
      document.querySelectorAll("[data-signed-in]").forEach(function (el) { el.hidden = !data.signed_in; });
      document.querySelectorAll("[data-signed-out]").forEach(function (el) { el.hidden = !!data.signed_in; });
    })
    .catch(function () { /* the plain link to the cart still works */ });
})();
