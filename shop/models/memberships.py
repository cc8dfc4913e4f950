"""Memberships: plans sold by the month or year, the members' subscriptions and their invoices.

Access is decided at read time from the membership's own dates (`Membership.objects.giving_access`
and `Membership.gives_access`), never only by a sweep: a renewal that never comes, a grace
period that runs out or a period end after "cancel at period end" closes access by itself.
"""

import calendar
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from shop.models.orders import Order


def add_interval(start: datetime, interval: str, count: int = 1) -> datetime:
    """`start` moved on by `count` months or years; the 31st becomes the month's last day."""
    months = count * (12 if interval == MembershipPlan.Interval.YEAR else 1)
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


class MembershipPlan(models.Model):
    """Recurring access for a price per month or year, optionally after a free trial.

    A change of price applies to new subscriptions only: each membership keeps the price it
    was sold at (`Membership.price_cents`). The courses it grants are live: a course added to
    the plan opens to its members at once.
    """

    class Interval(models.TextChoices):
        MONTH = "month", "Monthly"
        YEAR = "year", "Yearly"

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True, blank=True)
    description = models.TextField(blank=True)
    interval = models.CharField(max_length=5, choices=Interval.choices, default=Interval.MONTH)
    price_cents = models.PositiveIntegerField("price per period")
    trial_days = models.PositiveSmallIntegerField(
        "free trial (days)", default=0, help_text="0 for no trial."
    )
    grants_all_courses = models.BooleanField(
        "all courses", default=False, help_text="Members may open every course's lessons."
    )
    courses = models.ManyToManyField(
        "courses.CoursePage",
        blank=True,
        related_name="membership_plans",
        help_text="The courses members may open (ignored when 'all courses' is ticked).",
    )
    is_active = models.BooleanField(
        "on sale", default=True, help_text="Off: no new subscriptions; members keep theirs."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    # The provider's product for this plan, created on first use (prices are sent inline).
    gateway_product = models.CharField(max_length=255, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sort_order", "price_cents", "pk"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:100]
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if not self.price_cents:
            raise ValidationError({"price_cents": "A plan needs a price above zero."})

    @property
    def interval_word(self) -> str:
        return "month" if self.interval == self.Interval.MONTH else "year"


class MembershipQuerySet(models.QuerySet):
    def giving_access(self, *, now: datetime | None = None) -> "MembershipQuerySet":
        """Memberships that open their plan's courses and the member-only pages at `now`.

        Active or trialing: until the period ends — or, when a renewal is still expected,
        until the grace period after it has run out too (a renewal that never arrives is a
        failed one). Past due: until `grace_ends_at`. Canceled or incomplete: never. Whatever
        the status, not while the order that bought it is under an open payment dispute
        (chargeback): the dispute suspends access, winning it restores access, losing it
        refunds the order, which ends the membership.
        """
        now = now or timezone.now()
        grace = timedelta(days=settings.MEMBERSHIP_GRACE_DAYS)
        running = [Membership.Status.ACTIVE, Membership.Status.TRIALING]
        return self.filter(
            Q(status__in=running, cancel_at_period_end=True, current_period_end__gt=now)
            | Q(status__in=running, cancel_at_period_end=False, current_period_end__gt=now - grace)
            | Q(status=Membership.Status.PAST_DUE, grace_ends_at__gt=now)
        ).exclude(order__dispute_status=Order.DisputeStatus.OPEN)

    def granting_course(self, course_id: int, *, now: datetime | None = None):
        return self.giving_access(now=now).filter(
            Q(plan__grants_all_courses=True) | Q(plan__courses__pk=course_id)
        )


class Membership(models.Model):
    """One member's subscription to one plan, with the price and discount it was sold at.

    The status mirrors the provider's subscription (or, on the test gateway, the demo clock).
    `state_at` is when the provider last described it: an event older than that changes
    nothing, so events may arrive in any order. At most one running membership per user and
    plan (the unique constraint holds under concurrent checkouts).
    """

    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", "Awaiting first payment"
        TRIALING = "trialing", "Free trial"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Payment failed (grace period)"
        CANCELED = "canceled", "Canceled"

    RUNNING = [Status.TRIALING, Status.ACTIVE, Status.PAST_DUE]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    plan = models.ForeignKey(MembershipPlan, on_delete=models.PROTECT, related_name="memberships")
    order = models.ForeignKey(
        "shop.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships"
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.INCOMPLETE, db_index=True
    )
    # Snapshots at sale: later price changes of the plan do not touch them.
    interval = models.CharField(max_length=5, choices=MembershipPlan.Interval.choices)
    price_cents = models.PositiveIntegerField("price per period")
    # Taken off every renewal (a "forever" coupon); 0 when the coupon was for the first period.
    renewal_discount_cents = models.PositiveIntegerField(default=0)
    coupon_code = models.CharField(max_length=40, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    current_period_end = models.DateTimeField()
    cancel_at_period_end = models.BooleanField(default=False)
    past_due_since = models.DateTimeField(null=True, blank=True)
    grace_ends_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    # Dunning e-mails sent, keyed by the grace period they were for (so each goes once).
    failure_notice_for = models.DateTimeField(null=True, blank=True, editable=False)
    ending_notice_for = models.DateTimeField(null=True, blank=True, editable=False)
    gateway = models.CharField(max_length=20)
    gateway_customer = models.CharField(max_length=255, blank=True, db_index=True)
    gateway_subscription = models.CharField(max_length=255, blank=True)
    state_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The test gateway's "fail the next renewal" switch for the demo.
    fail_next_renewal = models.BooleanField(default=False, editable=False)
    # Unused value of a plan switched down (test gateway), taken off the next renewals; a
    # provider keeps its own (Stripe: the customer's balance).
    credit_cents = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "plan"],
                condition=Q(status__in=["trialing", "active", "past_due"]),
                name="membership_running_once_per_user_and_plan",
            ),
            models.UniqueConstraint(
                fields=["gateway_subscription"],
                condition=~Q(gateway_subscription=""),
                name="membership_gateway_subscription_once",
            ),
        ]

    def __str__(self):
        return f"{self.plan} for {self.user}"

    @property
    def renewal_cents(self) -> int:
        """What the next renewal charges: the sold price less a "forever" discount."""
        return max(self.price_cents - self.renewal_discount_cents, 0)

    def gives_access(self, *, now: datetime | None = None) -> bool:
        """The row-level form of `MembershipQuerySet.giving_access` (same rule)."""
        return Membership.objects.filter(pk=self.pk).giving_access(now=now).exists()

    @property
    def access_ends_at(self) -> datetime | None:
        """When access ends if nothing else happens (None when canceled)."""
        if self.status == self.Status.PAST_DUE:
            return self.grace_ends_at
        if self.status in (self.Status.ACTIVE, self.Status.TRIALING):
            if self.cancel_at_period_end:
                return self.current_period_end
            return self.current_period_end + timedelta(days=settings.MEMBERSHIP_GRACE_DAYS)
        return None


class MembershipInvoice(models.Model):
    """One charge of a membership: the first period (paid with its order) or a renewal."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PAID = "paid", "Paid"
        FAILED = "failed", "Payment failed"

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="invoices")
    amount_cents = models.PositiveIntegerField()
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_cents = models.PositiveIntegerField(default=0)
    refunded_at = models.DateTimeField(null=True, blank=True)
    gateway_reference = models.CharField(max_length=255)
    # The provider's payment of this invoice (what a refund returns money from); "" if none.
    payment_reference = models.CharField(max_length=255, blank=True, db_index=True)
    # What the invoice is for when not a plain period ("Plan change: Monthly → Yearly").
    description = models.CharField(max_length=200, blank=True)
    receipt_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway_reference"], name="membership_invoice_reference_once"
            ),
            models.CheckConstraint(
                condition=Q(refunded_cents__lte=models.F("amount_cents")),
                name="membership_invoice_refund_within_amount",
            ),
        ]

    def __str__(self):
        return f"{self.membership} {self.period_start:%Y-%m-%d}"
