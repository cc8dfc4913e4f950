"""Coupons and their redemptions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


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
    amount_off_cents = models.PositiveIntegerField("amount off", null=True, blank=True)

    class Duration(models.TextChoices):
        ONCE = "once", "First payment only"
        FOREVER = "forever", "Every payment"

    # For memberships: whether renewals get the discount too (courses are paid once anyway).
    duration = models.CharField(
        "on memberships",
        max_length=10,
        choices=Duration.choices,
        default=Duration.ONCE,
        help_text="Whether a membership's renewals get the discount too, or only its first.",
    )
    minimum_subtotal_cents = models.PositiveIntegerField("minimum subtotal", default=0)
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
    # The uses taken now: held by pending orders and kept by paid ones. Moved only by the
    # conditional UPDATEs in `shop.services.coupons`, together with the redemption rows.
    uses_count = models.PositiveIntegerField("uses taken", default=0, editable=False)
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
            raise ValidationError({"amount_off_cents": "Give the amount off."})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must come after the start."})


class CouponRedemption(models.Model):
    """One use of a coupon by one order, taken when the order is placed (at most one per order).

    It holds the use while `released_at` is empty; a failed, canceled or abandoned order
    releases it, and a late payment takes it again. Among held uses, the customer's
    `customer_slot` (1 … max_uses_per_customer) is unique, which is what enforces the
    per-customer limit under concurrency.
    """

    coupon = models.ForeignKey("shop.Coupon", on_delete=models.CASCADE, related_name="redemptions")
    order = models.OneToOneField(
        "shop.Order", on_delete=models.CASCADE, related_name="coupon_redemption"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer_slot = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    redeemed_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["coupon", "user", "customer_slot"],
                condition=models.Q(released_at__isnull=True),
                name="coupon_redemption_customer_slot_held_once",
            )
        ]

    def __str__(self):
        return f"{self.coupon} on {self.order}"
