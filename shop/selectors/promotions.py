"""Promotions: which run now, the site-wide banner, and what a cart's courses earn."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from courses.models import CoursePage
from shop.models import Promotion


def promotions_running(*, now: datetime | None = None) -> QuerySet[Promotion]:
    """Promotions active and within their window now."""
    now = now or timezone.now()
    return Promotion.objects.filter(is_active=True, starts_at__lte=now, ends_at__gt=now)


def promotion_banner(*, now: datetime | None = None) -> Promotion | None:
    """The running promotion the site-wide banner shows (the most recently started)."""
    return promotions_running(now=now).order_by("-starts_at", "-pk").first()


def promotions_earned(
    *, courses: list[CoursePage], subtotal_cents: int, now: datetime | None = None
) -> list[Promotion]:
    """Running promotions these courses qualify for (an eligible course, the minimum met)."""
    if not courses:
        return []
    return list(
        promotions_running(now=now)
        .filter(
            eligible_courses__in=[c.pk for c in courses],
            minimum_order_cents__lte=subtotal_cents,
        )
        .distinct()
    )


def promotion_for_course(*, course: CoursePage) -> Promotion | None:
    """A running promotion this course is eligible for, for its "earns a gift card" note."""
    return promotions_running().filter(eligible_courses=course).order_by("-starts_at").first()
