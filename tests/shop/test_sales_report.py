"""Reports → Sales: every figure matches the orders to the cent, in the site's time zone, and
only shop managers may see it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from shop.models import Order
from shop.reports.charts import nice_ceiling
from shop.reports.forms import PeriodForm
from shop.reports.selectors import Period, average_cents, sales_report
from shop.services import order_fulfil
from shop.services.refunds import order_record_refund
from tests.newsletter.factories import SubscriberFactory
from tests.shop.factories import OrderFactory, OrderLineFactory, bare_order
from website.newsletter.models import Subscriber

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
NOVEMBER = Period(start=date(2026, 11, 1), end=date(2026, 11, 30), granularity="day")


def at(day: int, hour: int = 12, month: int = 11) -> datetime:
    """A moment in Chicago, the site's time zone in these tests."""
    return datetime(2026, month, day, hour, tzinfo=CHICAGO)


@pytest.fixture(autouse=True)
def chicago(settings):
    settings.TIME_ZONE = "America/Chicago"


def _sale(*, lines, paid_at, **fields):
    order = OrderFactory(
        paid_at=paid_at, subtotal_cents=sum(p * q for _, p, q, _ in lines), **fields
    )
    for title, price, quantity, is_gift_card in lines:
        OrderLineFactory(
            order=order,
            title=title,
            unit_price_cents=price,
            quantity=quantity,
            is_gift_card=is_gift_card,
        )
    return order


GYM = ("The Balance Gym", 14900, 1, False)
POSTURE = ("Pain-Free Posture", 9900, 1, False)
CARDS = ("$25 gift card", 2500, 2, True)


@pytest.fixture
def november():
    """Orders of every kind around November 2026 (Chicago time)."""
    return {
        # A coupon: $149.00 less 10%.
        "coupon": _sale(
            lines=[GYM], paid_at=at(3, 9), discount_cents=1490, coupon_code="WELCOME10"
        ),
        # Paid wholly with a gift card: order value, no money taken.
        "cards_only": _sale(lines=[POSTURE], paid_at=at(3, 18), gift_card_cents=9900),
        # Partly with a gift card, then $25.00 refunded on the 10th.
        "partial": _sale(
            lines=[GYM],
            paid_at=at(5),
            gift_card_cents=4000,
            status=Order.Status.PARTIALLY_REFUNDED,
            refunded_cents=2500,
            refunded_at=at(10),
        ),
        # Two gift cards bought on the 6th, refunded in full on the 7th.
        "refunded": _sale(
            lines=[CARDS],
            paid_at=at(6),
            status=Order.Status.REFUNDED,
            refunded_cents=5000,
            refunded_at=at(7),
        ),
        # Sold in October, refunded in full on 2 November: the refund counts in November.
        "october": _sale(
            lines=[POSTURE],
            paid_at=at(20, month=10),
            status=Order.Status.REFUNDED,
            refunded_cents=9900,
            refunded_at=at(2),
        ),
        # 31 October, 23:30 in Chicago (already 1 November in UTC): October's.
        "late_october": _sale(lines=[GYM], paid_at=at(31, 23, month=10).replace(minute=30)),
        # Never paid, or paid after what it held had gone (nothing delivered): no sales.
        "pending": _sale(lines=[GYM], paid_at=None, status=Order.Status.PENDING),
        "needs_refund": _sale(
            lines=[GYM], paid_at=at(8), status=Order.Status.NEEDS_REFUND, failure_message="gone"
        ),
        "unfulfilled_refunded": _sale(
            lines=[GYM],
            paid_at=at(8),
            status=Order.Status.REFUNDED,
            refunded_cents=14900,
            refunded_at=at(9),
            failure_message="gone",
        ),
    }


def test_period_totals_match_the_orders_to_the_cent(november):
    totals = sales_report(period=NOVEMBER).totals
    assert totals.orders == 4
    assert totals.value_cents == 13410 + 9900 + 14900 + 5000
    assert totals.money_cents == 13410 + 0 + 10900 + 5000
    assert totals.gift_card_cents == 9900 + 4000
    assert totals.discount_cents == 1490
    assert totals.refunds_cents == 2500 + 5000 + 9900
    assert totals.refunded_orders == 3
    assert totals.net_cents == 29310 - 17400
    assert totals.average_cents == 10803  # 43,210 / 4 = 10,802.5, rounded half up


def test_each_day_holds_its_own_sales_and_refunds_in_the_site_time_zone(november):
    report = sales_report(period=NOVEMBER)
    assert len(report.buckets) == 30
    days = {b.start.day: b for b in report.buckets if b.orders or b.refunds_cents}
    assert sorted(days) == [2, 3, 5, 6, 7, 10]
    assert (days[3].orders, days[3].money_cents, days[3].value_cents) == (2, 13410, 23310)
    assert days[3].gift_card_cents == 9900 and days[3].average_cents == 11655
    assert (days[5].money_cents, days[5].refunds_cents) == (10900, 0)
    assert (days[2].orders, days[2].refunds_cents, days[2].net_cents) == (0, 9900, -9900)
    assert days[7].refunds_cents == 5000 and days[10].refunds_cents == 2500


def test_weeks_start_on_monday_and_months_add_up(november):
    weeks = sales_report(period=Period(date(2026, 11, 1), date(2026, 11, 30), "week")).buckets
    assert [w.start for w in weeks][:2] == [date(2026, 10, 26), date(2026, 11, 2)]
    assert weeks[0].refunds_cents == 0 and weeks[1].orders == 4
    months = sales_report(period=Period(date(2026, 10, 1), date(2026, 11, 30), "month")).buckets
    assert [(m.start, m.orders, m.money_cents) for m in months] == [
        (date(2026, 10, 1), 2, 9900 + 14900),
        (date(2026, 11, 1), 4, 29310),
    ]


def test_products_coupons_gift_cards_and_refund_kinds(november):
    report = sales_report(period=NOVEMBER)
    assert [(p.title, p.quantity, p.cents) for p in report.products] == [
        ("The Balance Gym", 2, 29800),
        ("Pain-Free Posture", 1, 9900),
        ("Gift cards", 2, 5000),
    ]
    assert [(c.code, c.orders, c.discount_cents) for c in report.coupons] == [
        ("welcome10", 1, 1490)
    ]
    assert (report.gift_card_orders, report.gift_card_only_orders) == (2, 1)
    assert (report.full_refunds, report.partial_refunds) == (2, 1)


def test_an_empty_period_is_all_zeros(november):
    report = sales_report(period=Period(date(2025, 1, 1), date(2025, 1, 31)))
    totals = report.totals
    assert (totals.orders, totals.money_cents, totals.refunds_cents, totals.average_cents) == (
        0,
        0,
        0,
        0,
    )
    assert len(report.buckets) == 31 and not any(b.orders for b in report.buckets)
    assert report.products == report.coupons == report.funnel == []


def test_the_figures_follow_the_shops_own_payment_and_refund_services(user):
    order = bare_order(user, subtotal_cents=4900, total_cents=4900)
    order_fulfil(order=order)
    order_record_refund(order=order, refunded_cents=1200)
    order_record_refund(order=order, refunded_cents=2000)  # cumulative: $20.00 in all
    order.refresh_from_db()
    assert order.status == Order.Status.PARTIALLY_REFUNDED
    today = order.paid_at.astimezone(CHICAGO).date()
    totals = sales_report(period=Period(today, today)).totals
    assert (totals.orders, totals.money_cents, totals.refunds_cents, totals.net_cents) == (
        1,
        4900,
        2000,
        2900,
    )
    order_record_refund(order=order, refunded_cents=4900)
    totals = sales_report(period=Period(today, today)).totals
    assert (totals.refunds_cents, totals.net_cents) == (4900, 0)


def test_newsletter_funnel_counts_subscribers_by_source_page_and_what_they_later_bought(
    home_page, november
):
    episode = home_page.add_child(instance=type(home_page)(title="Episode 403", slug="ep-403"))
    early, _buyer, _browser = (
        SubscriberFactory(email=e, source_page=episode, status=Subscriber.Status.CONFIRMED)
        for e in ("early@example.com", "buyer@example.com", "browser@example.com")
    )
    SubscriberFactory(email="nopage@example.com", status=Subscriber.Status.CONFIRMED)
    SubscriberFactory(email="pending@example.com", source_page=episode)  # never confirmed
    Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).update(
        created_at=at(4), confirmed_at=at(4)
    )
    Subscriber.objects.filter(pk=early.pk).update(created_at=at(1), confirmed_at=at(1))
    # The buyer bought twice after signing up (a mixed-case address), once before.
    _sale(lines=[GYM], paid_at=at(12), email="Buyer@Example.com")
    _sale(lines=[CARDS], paid_at=at(20), email="buyer@example.com")
    _sale(lines=[POSTURE], paid_at=at(2), email="buyer@example.com")
    # The early subscriber bought after the period: not in it.
    _sale(lines=[POSTURE], paid_at=at(2, month=12), email="early@example.com")

    funnel = {f.title: f for f in sales_report(period=NOVEMBER).funnel}
    ep = funnel["Episode 403"]
    assert (ep.subscribers, ep.buyers, ep.conversion_percent) == (3, 1, 33)
    assert ep.money_cents == 14900 + 5000
    assert ep.products == [("Gift cards", 2), ("The Balance Gym", 1)]
    nopage = funnel["(no page recorded)"]
    assert (nopage.subscribers, nopage.buyers, nopage.money_cents) == (1, 0, 0)


def test_average_rounds_half_up_and_axis_tops_are_round():
    assert average_cents(5, 2) == 3 and average_cents(4, 3) == 1 and average_cents(0, 0) == 0
    assert [nice_ceiling(v) for v in (0, 1, 3, 7, 9, 11, 29310, 80001)] == [
        1, 1, 4, 8, 10, 20, 40000, 100000,
    ]  # fmt: skip


def test_presets_and_bad_dates(settings):
    today = date(2026, 11, 18)
    assert PeriodForm({"preset": "last_month"}).period(today=today) == Period(
        date(2026, 10, 1), date(2026, 10, 31), "day"
    )
    assert PeriodForm({"preset": "this_year"}).period(today=today).granularity == "month"
    assert PeriodForm({}).period(today=today) == Period(date(2026, 10, 20), today, "day")
    backwards = PeriodForm({"preset": "custom", "start": "2026-11-10", "end": "2026-11-01"})
    assert not backwards.is_valid() and "before the start" in str(backwards.errors)
    assert backwards.period(today=today) == PeriodForm({}).period(today=today)
    assert not PeriodForm({"start": "2020-01-01", "end": "2026-01-01"}).is_valid()
    assert not PeriodForm({"start": "yesterday", "end": "2026-01-01"}).is_valid()
    by_day = PeriodForm({"start": "2026-01-01", "end": "2026-06-30", "granularity": "day"})
    assert by_day.period(today=today).granularity == "week"


# The page ---------------------------------------------------------------------------

URL = "/admin/reports/sales/"


def test_a_shop_manager_sees_the_dashboard_with_its_figures_and_accessible_charts(
    client, shop_manager, november
):
    client.force_login(shop_manager)
    html = client.get(URL, {"start": "2026-11-01", "end": "2026-11-30"}).content.decode()
    assert '<dd data-figure="orders">4</dd>' in html
    assert '<dd data-figure="money">$293.10</dd>' in html
    assert '<dd data-figure="refunds">$174.00</dd>' in html
    assert '<dd data-figure="net">$119.10</dd>' in html
    assert '<dd data-figure="average">$108.03</dd>' in html
    assert '<dd data-figure="gift_cards">$139.00</dd>' in html
    assert html.count('<svg class="sales-chart__svg"') == 8
    assert '<title id="chart-money-title">Money taken per day</title>' in html
    assert 'aria-labelledby="chart-money-title chart-money-desc"' in html
    assert '<th scope="row">The Balance Gym</th><td>2</td><td>$298.00</td>' in html
    assert "<script" not in html.split("<main")[-1].split("</main>")[0]


def test_an_empty_period_shows_zeros_and_says_so(client, shop_manager):
    client.force_login(shop_manager)
    html = client.get(URL, {"preset": "7d"}).content.decode()
    assert '<dd data-figure="orders">0</dd>' in html and "Nothing in this period" in html


def test_bad_dates_get_a_message_not_an_error(client, shop_manager):
    client.force_login(shop_manager)
    response = client.get(URL, {"start": "2026-11-30", "end": "2026-11-01"})
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()


def test_an_editor_without_shop_permissions_gets_403(client, editor):
    client.force_login(editor)
    response = client.get(URL)
    assert response.status_code == 403
    assert "for shop managers" in response.content.decode()
    assert "data-figure" not in response.content.decode()


def test_the_sales_menu_item_is_for_shop_managers_only(client, shop_manager, editor):
    client.force_login(shop_manager)
    assert URL in client.get("/admin/").content.decode()
    client.force_login(editor)
    assert URL not in client.get("/admin/").content.decode()


def test_the_figures_take_a_fixed_number_of_queries_however_many_orders(
    november, django_assert_max_num_queries
):
    for day in range(1, 29):
        _sale(lines=[GYM, CARDS], paid_at=at(day), discount_cents=100, coupon_code=f"C{day}")
    with django_assert_max_num_queries(11):
        report = sales_report(period=NOVEMBER)
    assert report.totals.orders == 4 + 28
