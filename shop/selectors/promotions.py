"""Promotions: which run now, the site-wide banner, and what a cart's courses earn."""

from datetime import datetime

from django.conf import settings
from django.db.models import Min, Q, QuerySet, Sum
from django.utils import timezone

from courses.models import CoursePage
from shop.models import GiftCard, Order, Promotion
from shop.money import format_money


def promotions_running(*, now: datetime | None = None) -> QuerySet[Promotion]:
    """Promotions active and within their window now."""
    now = now or timezone.now()
    return Promotion.objects.filter(is_active=True, starts_at__lte=now, ends_at__gt=now)


def promotions_next_change(*, now: datetime | None = None) -> datetime | None:
    """When the running promotions next change by the clock alone: the soonest start or end
    of an active promotion after `now` (None when none is ahead). Edits purge on their own."""
    now = now or timezone.now()
    soonest = Promotion.objects.filter(is_active=True).aggregate(
        start=Min("starts_at", filter=Q(starts_at__gt=now)),
        end=Min("ends_at", filter=Q(ends_at__gt=now)),
    )
    return min((at for at in soonest.values() if at is not None), default=None)


def promotion_banner(*, now: datetime | None = None) -> Promotion | None:
    """The running promotion the site-wide banner shows (the most recently started)."""
    return promotions_running(now=now).order_by("-starts_at", "-pk").first()


def promotions_earned(
    *, courses: list[CoursePage], qualifying_cents: int, now: datetime | None = None
) -> list[Promotion]:
    """Running promotions these courses qualify for: an eligible course, and real money
    (`qualifying_cents`, see `order_qualifying_cents`) above zero that meets the minimum."""
    if not courses or qualifying_cents <= 0:
        return []
    return list(
        promotions_running(now=now)
        .filter(
            eligible_courses__in=[c.pk for c in courses],
            minimum_order_cents__lte=qualifying_cents,
        )
        .distinct()
    )


def order_qualifying_cents(*, order: Order) -> int:
    """What the order's courses were really paid with: their price less the coupon and less
    what promotion rewards paid (rewards pay courses only). Gift cards bought do not count."""
    courses = sum(line.total_cents for line in order.lines.all() if not line.is_gift_card)
    rewards = (
        order.gift_card_uses.filter(card__source=GiftCard.Source.PROMOTION).aggregate(
            total=Sum("amount_cents")
        )["total"]
        or 0
    )
    return courses - order.discount_cents - rewards


def promotion_reward_warning(*, promotion: Promotion) -> str:
    """The admin's warning when the reward is worth at least an eligible course's price
    (a $100 reward on a $99 course makes that course free money), or ""."""
    if not promotion.pk or not promotion.reward_cents:
        return ""
    cheap = [
        course
        for course in promotion.eligible_courses.all()
        if course.price_cents and course.price_cents <= promotion.reward_cents
    ]
    if not cheap:
        return ""
    currency = settings.SITE_CURRENCY
    names = ", ".join(f"“{c.title}” ({format_money(c.price_cents, currency)})" for c in cheap)
    return (
        f"Check the reward: {format_money(promotion.reward_cents, currency)} is worth at least "
        f"the price of {names}, so a buyer of that course gets back at least what they paid."
    )


def promotion_for_course(*, course: CoursePage) -> Promotion | None:
    """A running promotion this course is eligible for, for its "earns a gift card" note."""
    return promotions_running().filter(eligible_courses=course).order_by("-starts_at").first()
