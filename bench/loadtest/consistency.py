"""What must hold in the store's data after any amount of concurrent traffic.

`find_inconsistencies()` reads the configured database and returns one sentence per problem
(an empty list when all is well): the load test runs it after the traffic stops, and the
tests run it against the test database.
"""

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce

from courses.models import Enrollment
from shop.models import Coupon, CouponRedemption, Order, OrderLine

# The statuses in which an order has been paid and still grants its courses.
GRANTING = [Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED]


def find_inconsistencies() -> list[str]:
    """Every problem found in orders, enrollments, coupon uses and gift-card ledgers."""
    return [
        *paid_orders_missing_enrollments(),
        *orders_paid_twice(),
        *coupon_uses_out_of_step(),
        *gift_card_ledgers_out_of_step(),
    ]


def paid_orders_missing_enrollments() -> list[str]:
    """A paid order's buyer has an active enrollment in every course the order lists."""
    enrolled = Enrollment.objects.filter(
        user=OuterRef("order__user"), course=OuterRef("course"), revoked_at__isnull=True
    )
    lines = (
        OrderLine.objects.filter(
            order__status__in=GRANTING, order__user__isnull=False, course__isnull=False
        )
        .exclude(Exists(enrolled))
        .values_list("order__number", "title")
    )
    return [f"order {n} is paid but grants no enrollment in “{title}”" for n, title in lines]


def orders_paid_twice() -> list[str]:
    """No payment settles two orders, and nobody holds two paid orders for one course."""
    shared_payments = (
        Order.objects.filter(paid_at__isnull=False)
        .exclude(gateway_reference="")
        .values("gateway", "gateway_reference")
        .annotate(orders=Count("pk"))
        .filter(orders__gt=1)
    )
    bought_twice = (
        OrderLine.objects.filter(order__status__in=GRANTING, course__isnull=False)
        .values("order__user__email", "course__title")
        .annotate(orders=Count("order", distinct=True))
        .filter(orders__gt=1)
    )
    return [
        *(
            f"payment {row['gateway_reference']} settled {row['orders']} orders"
            for row in shared_payments
        ),
        *(
            f"{row['order__user__email']} holds {row['orders']} paid orders for "
            f"“{row['course__title']}”"
            for row in bought_twice
        ),
    ]


def coupon_uses_out_of_step() -> list[str]:
    """Each paid order with a coupon holds its one use, only pending and paid orders hold one,
    no coupon has more held uses than it allows, and its counter equals its held uses."""
    held = CouponRedemption.objects.filter(released_at__isnull=True)
    unrecorded = (
        Order.objects.filter(paid_at__isnull=False, coupon__isnull=False)
        .exclude(status=Order.Status.NEEDS_REFUND)
        .exclude(coupon_redemption__in=held)
        .values_list("number", "coupon_code")
    )
    unpaid = held.filter(
        order__status__in=[Order.Status.FAILED, Order.Status.CANCELED, Order.Status.NEEDS_REFUND]
    ).values_list("order__number", "coupon__code")
    mismatched = CouponRedemption.objects.exclude(coupon=F("order__coupon")).values_list(
        "order__number", "coupon__code"
    )
    uses = Count("redemptions", filter=Q(redemptions__released_at__isnull=True))
    overused = (
        Coupon.objects.filter(max_uses__isnull=False)
        .annotate(uses=uses)
        .filter(uses__gt=F("max_uses"))
        .values_list("code", "uses", "max_uses")
    )
    miscounted = (
        Coupon.objects.annotate(uses=uses)
        .exclude(uses_count=F("uses"))
        .values_list("code", "uses_count", "uses")
    )
    return [
        *(f"order {n} is paid with coupon {c} but its use is not recorded" for n, c in unrecorded),
        *(f"order {n} is not paid but a use of coupon {c} is recorded" for n, c in unpaid),
        *(f"order {n} records a use of coupon {c}, not the order's coupon" for n, c in mismatched),
        *(f"coupon {c} was used {u} times, more than its {m} allowed" for c, u, m in overused),
        *(f"coupon {c} counts {n} uses but {u} are held" for c, n, u in miscounted),
    ]


def gift_card_ledgers_out_of_step() -> list[str]:
    """Each gift card's ledger sums to its balance, and no balance is below zero.

    Gift cards land in the store later; until `shop.models.GiftCard` exists there is
    nothing to check.
    """
    try:
        from shop.models import GiftCard
    except ImportError:
        return []
    ledger = _ledger_relation(GiftCard)
    if ledger is None:
        return [
            "gift cards have no ledger with an amount_cents field that this check recognises; "
            "update bench/loadtest/consistency.py"
        ]
    cards = GiftCard.objects.annotate(ledger_cents=Coalesce(Sum(f"{ledger}__amount_cents"), 0))
    return [
        *(
            f"gift card {card.pk}: ledger sums to {card.ledger_cents} cents, "
            f"balance is {card.balance_cents}"
            for card in cards.exclude(balance_cents=F("ledger_cents"))
        ),
        *(
            f"gift card {card.pk} has a negative balance ({card.balance_cents} cents)"
            for card in GiftCard.objects.filter(balance_cents__lt=0)
        ),
    ]


def _ledger_relation(model) -> str | None:
    """The query name of the model's one-to-many relation whose rows carry amount_cents."""
    for relation in model._meta.related_objects:
        if relation.one_to_many and any(
            field.name == "amount_cents" for field in relation.related_model._meta.fields
        ):
            return relation.name
    return None
