"""Order emails: a text and an HTML part rendered from templates/shop/emails/."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from shop.models import Order

SUBJECTS = {
    "receipt": "Your receipt for order {number}",
    "refund": "Your refund for order {number}",
}


def send_order_email_now(*, order_id: int, kind: str) -> None:
    order = Order.objects.select_related("user").prefetch_related("lines").get(pk=order_id)
    context = {"order": order, "site_url": settings.WAGTAILADMIN_BASE_URL}
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{SUBJECTS[kind].format(number=order.number)}",
        body=render_to_string(f"shop/emails/{kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.email],
    )
    message.attach_alternative(render_to_string(f"shop/emails/{kind}.html", context), "text/html")
    message.send()
