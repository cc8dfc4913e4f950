"""Payment gateways. Stripe when its keys are set, otherwise the labelled test gateway."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from shop.payments.base import PaymentGateway


def get_gateway() -> PaymentGateway:
    """The gateway the settings ask for; read at call time so tests can switch it.

    A deployment gets the test gateway only when its operator opted in with PAYMENTS=test:
    missing Stripe keys there are an error, never a silent switch to payments without money.
    """
    if settings.STRIPE_SECRET_KEY and settings.PAYMENTS != "test":
        from shop.payments.stripe_gateway import StripeGateway

        return StripeGateway(
            secret_key=settings.STRIPE_SECRET_KEY,
            api_base=settings.STRIPE_API_BASE,
            webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
        )
    if settings.IS_PRODUCTION and settings.PAYMENTS != "test":
        raise ImproperlyConfigured(
            "STRIPE_SECRET_KEY is not set in a deployment; set the Stripe keys or PAYMENTS=test."
        )
    from shop.payments.local import TestGateway

    return TestGateway()
