"""Demo store data: the WELCOME10 coupon, gift card values and a running promotion,
printed by `make run` beside the demo logins."""

from datetime import timedelta

from django.utils import timezone

from courses.models import CoursePage
from shop.models import Coupon, GiftCardDenomination, Promotion

GIFT_CARD_VALUES_CENTS = [2500, 5000, 10000, 25000]
PROMOTION_NAME = "Give the Gift of Coachhouse"


def seed(*, stdout) -> None:
    Coupon.objects.get_or_create(
        code="WELCOME10", defaults={"kind": Coupon.Kind.PERCENT, "percent_off": 10}
    )
    stdout.write(
        "Coupon: WELCOME10  (10% off, no minimum; payments use the test gateway, no money moves)"
    )


def seed_gift_cards(*, stdout) -> None:
    """Gift cards at $25, $50, $100 and $250, and a year-long promotion on The Balance Gym
    and one other course (a $100 gift card with each)."""
    for cents in GIFT_CARD_VALUES_CENTS:
        GiftCardDenomination.objects.get_or_create(amount_cents=cents)
    now = timezone.now()
    promotion, created = Promotion.objects.get_or_create(
        name=PROMOTION_NAME,
        defaults={
            "banner_text": "Give the Gift of Coachhouse — $100 Gift Card with Select Purchases",
            "starts_at": now - timedelta(days=1),
            "ends_at": now + timedelta(days=365),
            "reward_cents": 10000,
        },
    )
    if created:
        balance_gym = CoursePage.objects.filter(title="The Balance Gym").first()
        others = CoursePage.objects.exclude(title="The Balance Gym").order_by("path")[:1]
        promotion.eligible_courses.set([c for c in [balance_gym, *others] if c is not None])
    courses = ", ".join(promotion.eligible_courses.values_list("title", flat=True))
    stdout.write(f"Gift cards: /shop/gift-cards/ ($25, $50, $100, $250); promotion on {courses}")
