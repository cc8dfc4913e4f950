"""Payment plans: a course bought in N monthly instalments, and each instalment's charge.

Access is the course's Enrollment, granted when the first instalment (the order's payment)
is paid. The plan completes by itself after its N-th paid instalment (access then stays
for good); a failed instalment makes it past due with the membership grace period; a grace
period that runs out, a cancellation before the last payment or a refund of the order ends
it and revokes the enrollment.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from shop.models.memberships import add_interval


class InstalmentPlan(models.Model):
    """One customer's plan for one course, with the number and amount it was sold at.

    `paid_count` counts the paid instalments, each once (it moves only when an instalment
    row turns paid, in a conditional UPDATE). Completed and canceled are final.
    """

    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", "Awaiting first payment"
        ACTIVE = "active", "Paying"
        PAST_DUE = "past_due", "Payment failed (grace period)"
        COMPLETED = "completed", "Paid in full"
        CANCELED = "canceled", "Canceled"

    RUNNING = [Status.ACTIVE, Status.PAST_DUE]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="instalment_plans"
    )
    course = models.ForeignKey(
        "courses.CoursePage", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.OneToOneField(
        "shop.Order", on_delete=models.CASCADE, related_name="instalment_plan"
    )
    title = models.CharField(max_length=255)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.INCOMPLETE, db_index=True
    )
    # Snapshots at sale: later changes of the course's plan or price do not touch them.
    instalment_count = models.PositiveSmallIntegerField()
    instalment_cents = models.PositiveIntegerField()
    price_cents = models.PositiveIntegerField("course price at sale")
    paid_count = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    next_charge_at = models.DateTimeField(null=True, blank=True)
    past_due_since = models.DateTimeField(null=True, blank=True)
    grace_ends_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    # Dunning e-mails sent, keyed by the grace period they were for (so each goes once).
    failure_notice_for = models.DateTimeField(null=True, blank=True, editable=False)
    ending_notice_for = models.DateTimeField(null=True, blank=True, editable=False)
    gateway = models.CharField(max_length=20, blank=True)
    gateway_customer = models.CharField(max_length=255, blank=True)
    gateway_subscription = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway_subscription"],
                condition=~Q(gateway_subscription=""),
                name="instalment_plan_gateway_subscription_once",
            ),
            models.CheckConstraint(
                condition=Q(paid_count__lte=models.F("instalment_count")),
                name="instalment_plan_paid_at_most_n",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def total_cents(self) -> int:
        return self.instalment_count * self.instalment_cents

    @property
    def remaining_count(self) -> int:
        return max(self.instalment_count - self.paid_count, 0)

    def due_at(self, number: int) -> datetime | None:
        """When instalment `number` (1-based) falls due: monthly from the start."""
        if self.started_at is None:
            return None
        return add_interval(self.started_at, "month", number - 1)


class InstalmentPayment(models.Model):
    """One instalment's charge, keyed by the provider's invoice (the first one by its order).

    A paid row is never failed again; its refund never exceeds its amount.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PAID = "paid", "Paid"
        FAILED = "failed", "Payment failed"

    plan = models.ForeignKey(InstalmentPlan, on_delete=models.CASCADE, related_name="payments")
    amount_cents = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    paid_at = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    refunded_cents = models.PositiveIntegerField(default=0)
    refunded_at = models.DateTimeField(null=True, blank=True)
    gateway_reference = models.CharField(max_length=255)
    payment_reference = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway_reference"], name="instalment_payment_reference_once"
            ),
            models.CheckConstraint(
                condition=Q(refunded_cents__lte=models.F("amount_cents")),
                name="instalment_payment_refund_within_amount",
            ),
        ]

    def __str__(self):
        return f"{self.plan} {self.gateway_reference}"
