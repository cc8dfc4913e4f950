// Stripe Payment Element: the browser confirms the PaymentIntent (or, with data-intent="setup",
// the SetupIntent that saves a card); Stripe then sends the customer to our return page, which
// checks it with Stripe itself.
(function () {
  "use strict";
  const form = document.getElementById("payment-form");
  if (!form || !window.Stripe) return;
  const stripe = window.Stripe(form.dataset.stripeKey);
  const elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
  elements.create("payment").mount("#payment-element");
  const button = document.getElementById("payment-submit");
  const errors = document.getElementById("payment-errors");

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) return;
    button.disabled = true;
    errors.textContent = "";
    // A SetupIntent (a free trial's checkout, a card update) saves the card; nothing is paid.
    const confirm = form.dataset.intent === "setup" ? stripe.confirmSetup : stripe.confirmPayment;
    confirm
      .call(stripe, { elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
      .then(function (result) {
        // Only reached when confirmation fails; success redirects to the return URL.
        if (result.error) errors.textContent = result.error.message;
        button.disabled = false;
      });
  });
})();
