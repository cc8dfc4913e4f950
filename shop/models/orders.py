"""Orders, their lines, and the payment events that move orders along."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

# Unambiguous characters for order numbers a customer may read out on the phone.
ORDER_NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_order_number() -> str:
    return "CH-" + "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(8))


class Order(models.Model):
    """A purchase. Totals in cents: subtotal - discount - gift card = total, fixed when placed.

    Status moves only along the state machine in `shop.services.orders` (pending → paid →
    refunded / partially refunded; pending → failed / canceled; failed / canceled → paid on a
    late payment, or → paid, needs refund → refunded when what it held is gone).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting payment"
        PAID = "paid", "Paid"
        FAILED = "failed", "Payment failed"
        CANCELED = "canceled", "Canceled"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
        REFUNDED = "refunded", "Refunded"
        # Paid late (after being canceled or failing) but what it held was gone: not
        # fulfilled; the payment is refunded automatically.
        NEEDS_REFUND = "needs_refund", "Paid, needs refund"

    class DisputeStatus(models.TextChoices):
        OPEN = "open", "Disputed: access suspended"
        WON = "won", "Dispute won"
        LOST = "lost", "Dispute lost"

    number = models.CharField(max_length=20, unique=True, default=new_order_number, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="orders"
    )
    email = models.EmailField()
    cart = models.ForeignKey(
        "shop.Cart", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    cart_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    coupon = models.ForeignKey(
        "shop.Coupon", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    coupon_code = models.CharField(max_length=40, blank=True)
    subtotal_cents = models.PositiveBigIntegerField()
    discount_cents = models.PositiveBigIntegerField(default=0)
    gift_card_cents = models.PositiveBigIntegerField(default=0)
    total_cents = models.PositiveBigIntegerField()
    refunded_cents = models.PositiveBigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    gateway = models.CharField(max_length=20)
    gateway_reference = models.CharField(max_length=255, blank=True, db_index=True)
    gateway_charge = models.CharField(max_length=255, blank=True)
    # A membership order: the provider's subscription whose first invoice this order pays.
    gateway_subscription = models.CharField(max_length=255, blank=True, db_index=True)
    failure_message = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    # Refunded beyond what was refundable (a provider-side refund or a lost dispute after
    # cards the order gave were spent): the money has left; the team settles it by hand.
    refund_excess_cents = models.PositiveIntegerField(default=0, editable=False)
    dispute_status = models.CharField(
        max_length=10, choices=DisputeStatus.choices, blank=True, editable=False
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        # Giving money back is a shop manager's privilege of its own (the "Shop managers" group).
        permissions = [("refund_order", "Can refund orders")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    total_cents=models.F("subtotal_cents")
                    - models.F("discount_cents")
                    - models.F("gift_card_cents")
                ),
                name="order_total_is_subtotal_less_discount_and_gift_card",
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_cents__lte=models.F("total_cents")),
                name="order_refund_within_total",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("shop:order_detail", kwargs={"number": self.number})

    @property
    def grants_access(self) -> bool:
        return (
            self.status in {self.Status.PAID, self.Status.PARTIALLY_REFUNDED}
            and self.dispute_status != self.DisputeStatus.OPEN
        )

    @property
    def paid_but_not_fulfilled(self) -> bool:
        """Paid after what it held had gone, so nothing was delivered (refunded, or to be).

        Such an order keeps the reason in `failure_message`; a fulfilled one has it cleared.
        """
        if self.status == self.Status.NEEDS_REFUND:
            return True
        return self.status == self.Status.REFUNDED and bool(self.failure_message)


class OrderLine(models.Model):
    """What was bought, with its title and unit price as they were at the time."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    course = models.ForeignKey(
        "courses.CoursePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A membership line: the plan subscribed to (the price is the first period's).
    plan = models.ForeignKey(
        "shop.MembershipPlan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # … and what each renewal charges (its price then, less a "forever" coupon's discount).
    plan_price_cents = models.PositiveIntegerField(default=0)
    recurring_cents = models.PositiveIntegerField(default=0)
    # A course bought in instalments: how many, and what each charges (the price is the
    # first's); 0 for a course paid in full.
    instalment_count = models.PositiveSmallIntegerField(default=0)
    instalment_cents = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=255)
    unit_price_cents = models.PositiveBigIntegerField()
    quantity = models.PositiveSmallIntegerField(default=1)
    # A gift card line: each of its `quantity` cards is worth `unit_price_cents`.
    is_gift_card = models.BooleanField(default=False)
    recipient_name = models.CharField(max_length=100, blank=True)
    recipient_email = models.EmailField(blank=True)
    gift_message = models.TextField(blank=True)
    deliver_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.title

    @property
    def total_cents(self) -> int:
        return self.unit_price_cents * self.quantity


class PaymentEvent(models.Model):
    """A payment provider event we have handled; the unique id makes redelivery a no-op."""

    event_id = models.CharField(max_length=255, unique=True)
    event_type = models.CharField(max_length=100)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    membership = models.ForeignKey(
        "shop.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.event_type} {self.event_id}"
