"""Reports → Sales: monthly recurring revenue and churn of the memberships, to the cent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shop.models import Membership
from shop.reports.memberships import membership_figures
from tests.factories import UserFactory
from tests.shop.factories import MembershipPlanFactory

pytestmark = pytest.mark.django_db

URL = "/admin/reports/sales/"


def _membership(plan, *, started_days_ago=60, **fields):
    now = timezone.now()
    values = {
        "status": Membership.Status.ACTIVE,
        "interval": plan.interval,
        "price_cents": plan.price_cents,
        "current_period_end": now + timedelta(days=10),
        "started_at": now - timedelta(days=started_days_ago),
        "gateway": "test",
        **fields,
    }
    return Membership.objects.create(user=UserFactory(), plan=plan, **values)


@pytest.fixture
def members():
    now = timezone.now()
    monthly = MembershipPlanFactory(name="Monthly", price_cents=2900)
    yearly = MembershipPlanFactory(name="Yearly", interval="year", price_cents=29000)
    _membership(monthly)  # 29.00
    _membership(monthly, renewal_discount_cents=500)  # 24.00, a "forever" coupon
    # 290.10 + 290.00 a year: 580.10 / 12 = 48.3416… → 48.34 (summed, then rounded once)
    _membership(yearly, price_cents=29010)
    _membership(yearly)
    # Not recurring revenue: a trial, one ending at its period's end, one past due.
    _membership(monthly, status=Membership.Status.TRIALING, started_days_ago=5)
    _membership(monthly, cancel_at_period_end=True)
    _membership(monthly, status=Membership.Status.PAST_DUE, grace_ends_at=now + timedelta(days=3))
    # Churn: one of the running 30 days ago ended since; one ended before; one is new.
    _membership(monthly, status="canceled", canceled_at=now - timedelta(days=10))
    _membership(
        monthly, status="canceled", canceled_at=now - timedelta(days=40), started_days_ago=100
    )
    _membership(monthly, started_days_ago=10)


def test_mrr_counts_renewing_active_memberships_at_their_renewal_price_yearly_as_a_twelfth(
    members,
):
    figures = membership_figures()
    # 2900 + 2400 + 4834 (the new one started 10 days ago renews too: + 2900)
    assert figures.mrr_cents == 2900 + 2400 + 4834 + 2900 == 13034
    assert figures.recurring_members == 5


def test_churn_is_the_share_of_memberships_running_30_days_ago_that_ended_since(members):
    figures = membership_figures()
    # Running 30 days ago: 4 active, the ending one, the past due one, the since-canceled one.
    assert (figures.ended, figures.running_at_start) == (1, 7)
    assert figures.churn_tenths == 143 and figures.churn_percent == "14.3%"  # 14.285…%


def test_no_memberships_is_no_revenue_and_no_churn(db):
    figures = membership_figures()
    assert (figures.mrr_cents, figures.churn_percent) == (0, "0.0%")


def test_the_sales_dashboard_shows_mrr_and_churn(client, shop_manager, members):
    client.force_login(shop_manager)
    html = client.get(URL).content.decode()
    assert '<dd data-figure="mrr">$130.34</dd>' in html
    assert '<dd data-figure="recurring_members">5</dd>' in html
    assert '<dd data-figure="churn">14.3% <small>(1 of 7 ended)</small></dd>' in html
