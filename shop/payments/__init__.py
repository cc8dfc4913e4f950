"""Payment gateways. Stripe when its keys are set, otherwise the labelled test gateway."""

from django.conf import settings

from shop.payments.base import PaymentGateway


def get_gateway() -> PaymentGateway:
    """The gateway the settings ask for; read at call time so tests can switch it."""
    if settings.STRIPE_SECRET_KEY:
        from shop.payments.stripe_gateway import StripeGateway

        return StripeGateway(
            secret_key=settings.STRIPE_SECRET_KEY,
            api_base=settings.STRIPE_API_BASE,
            webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
        )
    from shop.payments.local import TestGateway

    return TestGateway()
