"""Demo store data: the WELCOME10 coupon, gift card values and a running promotion,
printed by `make run` beside the demo logins."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import PageViewRestriction

from courses.models import CoursePage
from shop.models import Coupon, GiftCardDenomination, MembershipPlan, Promotion
from website.content.demo import _body, _publish_child, home_page
from website.content.models import StandardPage

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


MEMBERS_PAGE_SLUG = "members-corner"


def seed_memberships(*, stdout) -> None:
    """Two plans (monthly, and yearly with a 14-day trial) granting every course, a
    FOREVER20 coupon for every membership payment, and a members-only page."""
    plans = [
        {"name": "All-access monthly", "interval": "month", "price_cents": 2900, "trial_days": 0},
        {"name": "All-access yearly", "interval": "year", "price_cents": 29000, "trial_days": 14},
    ]
    for order, spec in enumerate(plans):
        MembershipPlan.objects.get_or_create(
            name=spec["name"],
            defaults={
                **spec,
                "grants_all_courses": True,
                "sort_order": order,
                "description": "Every course, the live Q&A replays and the members' corner.",
            },
        )
    Coupon.objects.get_or_create(
        code="FOREVER20",
        defaults={
            "kind": Coupon.Kind.PERCENT,
            "percent_off": 20,
            "duration": Coupon.Duration.FOREVER,
        },
    )
    page = StandardPage.objects.filter(slug=MEMBERS_PAGE_SLUG).first()
    if page is None:
        page = _publish_child(
            home_page(),
            StandardPage(
                title="Members' corner",
                slug=MEMBERS_PAGE_SLUG,
                intro="Replays of the monthly live Q&A and this month's practice plan.",
                body=_body(
                    [
                        (
                            "paragraph",
                            "This month: three ten-minute balance sessions a week, "
                            "with the backward-walking progression from episode 403.",
                        )
                    ]
                ),
            ),
        )
    if not PageViewRestriction.objects.filter(page=page).exists():
        restriction = PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.set([Group.objects.get_or_create(name="Members")[0]])
    stdout.write(
        "Membership: /membership/ (monthly $29, yearly $290 with a 14-day trial; coupon "
        f"FOREVER20 for every payment); members-only page /{MEMBERS_PAGE_SLUG}/"
    )
