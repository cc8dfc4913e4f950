// Stripe Payment Element: the browser confirms the PaymentIntent; Stripe then sends the
// customer to our return page, which checks the payment with Stripe itself.
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
    stripe
      .confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
      .then(function (result) {
        // Only reached when confirmation fails; success redirects to the return URL.
        if (result.error) errors.textContent = result.error.message;
        button.disabled = false;
      });
  });
})();
