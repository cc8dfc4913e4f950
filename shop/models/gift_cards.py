"""Gift cards, their ledger, the values they are sold in and the amounts orders take from them."""

import re
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from shop.money import format_money

# No 0/O, 1/I/L: a code read aloud or copied from paper cannot be mistyped into another.
GIFT_CARD_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GIFT_CARD_CODE_LENGTH = (
    16  # 31^16 ≈ 2^79 codes: guessing one is hopeless, and attempts are rate-limited
)


def new_gift_card_code() -> str:
    """A fresh random code in its stored form: 16 characters, no dashes."""
    return "".join(secrets.choice(GIFT_CARD_CODE_ALPHABET) for _ in range(GIFT_CARD_CODE_LENGTH))


def normalise_gift_card_code(raw: str) -> str:
    """What a customer typed, in stored form: upper case, without spaces and dashes."""
    return re.sub(r"[\s\-]", "", raw or "").upper()


def format_gift_card_code(code: str) -> str:
    """The stored code shown in groups of four: XXXX-XXXX-XXXX-XXXX."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class GiftCardDenomination(models.Model):
    """A value the store sells gift cards in; editors choose them."""

    amount_cents = models.PositiveBigIntegerField("amount", unique=True)
    is_active = models.BooleanField("on sale", default=True)

    class Meta:
        ordering = ["amount_cents"]

    def __str__(self):
        return f"{format_money(self.amount_cents, settings.SITE_CURRENCY)} gift card"


class GiftCard(models.Model):
    """A code worth a balance. The ledger (`transactions`) is the truth; `balance_cents`
    is kept equal to the ledger's sum in the same transaction and can never go below zero."""

    class Source(models.TextChoices):
        PURCHASE = "purchase", "Bought"
        PROMOTION = "promotion", "Promotion reward"
        MANUAL = "manual", "Issued by an editor"

    code = models.CharField(max_length=GIFT_CARD_CODE_LENGTH, unique=True, editable=False)
    initial_cents = models.PositiveBigIntegerField("value")
    balance_cents = models.PositiveBigIntegerField("balance", default=0, editable=False)
    source = models.CharField(max_length=20, choices=Source.choices, editable=False)
    is_active = models.BooleanField("active", default=True, help_text="Untick to deactivate.")
    expires_at = models.DateTimeField(null=True, blank=True)
    recipient_name = models.CharField(max_length=100, blank=True)
    recipient_email = models.EmailField(blank=True)
    message = models.TextField(blank=True)
    deliver_on = models.DateField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A sender's claim on the email while it is being sent; delivered_at is set only after.
    delivery_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gift_cards",
    )
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A promotion reward cannot pay until its order's refund window has passed.
    pending_until = models.DateTimeField(null=True, blank=True, editable=False)
    # An open payment dispute on the order that gave the card: it cannot pay meanwhile.
    frozen_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Bought: the order line and which of its cards. Reward: the order and the promotion.
    order_line = models.ForeignKey(
        "shop.OrderLine", null=True, blank=True, on_delete=models.PROTECT, related_name="gift_cards"
    )
    sequence = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    order = models.ForeignKey(
        "shop.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="reward_cards"
    )
    promotion = models.ForeignKey(
        "shop.Promotion", null=True, blank=True, on_delete=models.PROTECT, related_name="gift_cards"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance_cents__gte=0), name="gift_card_balance_not_negative"
            ),
            models.UniqueConstraint(
                fields=["order_line", "sequence"], name="gift_card_once_per_order_line_item"
            ),
            models.UniqueConstraint(
                fields=["order", "promotion"], name="gift_card_reward_once_per_order"
            ),
        ]

    def __str__(self):
        # Admin titles, breadcrumbs and audit entries name the card without giving its code away.
        return f"Gift card {self.masked_code}"

    @property
    def display_code(self) -> str:
        return format_gift_card_code(self.code)

    @property
    def masked_code(self) -> str:
        """The code with all but its last 4 characters hidden: ••••-••••-••••-WXYZ."""
        return format_gift_card_code("•" * (len(self.code) - 4) + self.code[-4:])

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and (now or timezone.now()) >= self.expires_at

    def is_pending(self, now=None) -> bool:
        return self.pending_until is not None and (now or timezone.now()) < self.pending_until

    @property
    def is_reward(self) -> bool:
        return self.source == self.Source.PROMOTION


class GiftCardTransaction(models.Model):
    """One signed movement of a card's balance; their sum is the balance."""

    class Kind(models.TextChoices):
        ISSUE = "issue", "Issued"
        REDEEM = "redeem", "Redeemed"
        RELEASE = "release", "Released (payment not completed)"
        REFUND_CREDIT = "refund_credit", "Credited back (refund)"
        VOID = "void", "Voided"
        EXPIRE = "expire", "Expired"

    card = models.ForeignKey(GiftCard, on_delete=models.CASCADE, related_name="transactions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount_cents = models.BigIntegerField(help_text="Positive adds to the balance, negative takes.")
    balance_after_cents = models.PositiveBigIntegerField()
    order = models.ForeignKey(
        "shop.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gift_card_transactions",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount_cents} on {self.card}"


class OrderGiftCard(models.Model):
    """How much an order takes from one gift card, fixed when the order is placed."""

    order = models.ForeignKey("shop.Order", on_delete=models.CASCADE, related_name="gift_card_uses")
    card = models.ForeignKey(GiftCard, on_delete=models.PROTECT, related_name="order_uses")
    amount_cents = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "card"], name="order_gift_card_once")
        ]

    def __str__(self):
        return f"{self.card} on {self.order}"
