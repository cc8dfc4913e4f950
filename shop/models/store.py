"""The store: carts, coupons, orders and the payment events that move orders along."""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

# Unambiguous characters for order numbers a customer may read out on the phone.
ORDER_NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_order_number() -> str:
    return "CH-" + "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(8))


class Coupon(models.Model):
    """A discount code: a percent or a fixed amount, with an optional minimum, window and limits."""

    class Kind(models.TextChoices):
        PERCENT = "percent", "Percent off"
        FIXED = "fixed", "Fixed amount off"

    code = models.CharField(max_length=40, unique=True, help_text="Customers type it in any case.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    percent_off = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    amount_off_cents = models.PositiveIntegerField("amount off (cents)", null=True, blank=True)
    minimum_subtotal_cents = models.PositiveIntegerField("minimum subtotal (cents)", default=0)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(
        "total uses allowed", null=True, blank=True, help_text="Empty for no limit."
    )
    max_uses_per_customer = models.PositiveIntegerField(
        "uses allowed per customer", null=True, blank=True, help_text="Empty for no limit."
    )
    eligible_courses = models.ManyToManyField(
        "courses.CoursePage",
        blank=True,
        related_name="+",
        help_text="Empty: the whole cart. Otherwise the discount applies to these courses only.",
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.kind == self.Kind.PERCENT and not self.percent_off:
            raise ValidationError({"percent_off": "Give the percent off (1 to 100)."})
        if self.kind == self.Kind.FIXED and not self.amount_off_cents:
            raise ValidationError({"amount_off_cents": "Give the amount off in cents."})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must come after the start."})


class Cart(models.Model):
    """One open cart per visitor (by cookie token) or per user."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cart",
    )
    coupon = models.ForeignKey(
        Coupon, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    gift_cards = models.ManyToManyField(
        "shop.GiftCard", blank=True, related_name="+", help_text="Gift cards applied to pay."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Cart {self.token}"


class CartLine(models.Model):
    """A course in a cart; a course appears at most once."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "course"], name="cart_line_course_once")
        ]

    def __str__(self):
        return str(self.course)


class CartGiftCardLine(models.Model):
    """Gift cards to buy: a denomination, how many, and who receives them (and when)."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="gift_card_lines")
    denomination = models.ForeignKey(
        "shop.GiftCardDenomination", on_delete=models.CASCADE, related_name="+"
    )
    quantity = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    recipient_name = models.CharField(max_length=100)
    recipient_email = models.EmailField()
    message = models.TextField(max_length=500, blank=True)
    deliver_on = models.DateField(null=True, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self):
        return f"{self.quantity} × {self.denomination} for {self.recipient_email}"

    @property
    def total_cents(self) -> int:
        return self.denomination.amount_cents * self.quantity


class Order(models.Model):
    """A purchase. Totals in cents: subtotal - discount - gift card = total, fixed when placed.

    Status moves only along the state machine in `shop.services` (pending → paid →
    refunded / partially refunded; pending → failed / canceled; failed → paid on a retry).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting payment"
        PAID = "paid", "Paid"
        FAILED = "failed", "Payment failed"
        CANCELED = "canceled", "Canceled"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
        REFUNDED = "refunded", "Refunded"

    number = models.CharField(max_length=20, unique=True, default=new_order_number, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="orders"
    )
    email = models.EmailField()
    cart = models.ForeignKey(
        Cart, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    cart_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    coupon = models.ForeignKey(
        Coupon, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    coupon_code = models.CharField(max_length=40, blank=True)
    subtotal_cents = models.PositiveIntegerField()
    discount_cents = models.PositiveIntegerField(default=0)
    gift_card_cents = models.PositiveIntegerField(default=0)
    total_cents = models.PositiveIntegerField()
    refunded_cents = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    gateway = models.CharField(max_length=20)
    gateway_reference = models.CharField(max_length=255, blank=True, db_index=True)
    gateway_charge = models.CharField(max_length=255, blank=True)
    failure_message = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
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
        return self.status in {self.Status.PAID, self.Status.PARTIALLY_REFUNDED}


class OrderLine(models.Model):
    """What was bought, with its title and unit price as they were at the time."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    course = models.ForeignKey(
        "courses.CoursePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=255)
    unit_price_cents = models.PositiveIntegerField()
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


class CouponRedemption(models.Model):
    """One use of a coupon, recorded when its order is paid (at most once per order)."""

    coupon = models.ForeignKey(Coupon, on_delete=models.CASCADE, related_name="redemptions")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="coupon_redemption")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    redeemed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.coupon} on {self.order}"


class PaymentEvent(models.Model):
    """A payment provider event we have handled; the unique id makes redelivery a no-op."""

    event_id = models.CharField(max_length=255, unique=True)
    event_type = models.CharField(max_length=100)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.event_type} {self.event_id}"
