"""Carts: the courses and gift cards a visitor means to buy, with a coupon and cards to pay."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


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
        "shop.Coupon", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
    # Pay in the course's monthly instalments rather than in full (checked out on its own).
    in_instalments = models.BooleanField(default=False)
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


class CartPlanLine(models.Model):
    """A membership plan in a cart: at most one per cart, always checked out on its own."""

    cart = models.OneToOneField(Cart, on_delete=models.CASCADE, related_name="plan_line")
    plan = models.ForeignKey("shop.MembershipPlan", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return str(self.plan)
