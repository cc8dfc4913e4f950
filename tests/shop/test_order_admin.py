"""The coach's order admin: an order page one can read, a list one can filter, search and
export, and refunds from the admin after a confirmation that states what they take back."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses.models import Enrollment
from shop.models import Coupon, GiftCard, GiftCardTransaction, Order
from shop.selectors import order_refund_preview
from shop.services import order_record_refund
from tests.factories import UserFactory
from tests.shop.factories import (
    GiftCardDenominationFactory,
    PromotionFactory,
    buy_and_pay,
    issue_card,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def promotion(course, second_course):
    return PromotionFactory(
        eligible_courses=[course, second_course], reward_cents=10000, minimum_order_cents=5000
    )


def _refund(client, order, *, amount="", reason="asked"):
    """Press Refund: the form, then the confirmation page, then Confirm. Returns both pages."""
    url = reverse("order:refund", args=[order.pk])
    review = client.post(url, {"amount_cents": amount, "reason": reason})
    assert review.status_code == 200, review.content.decode()[:500]
    reviewed = review.context["form"]["reviewed"].value()
    assert reviewed, review.context["form"].errors
    done = client.post(
        url, {"amount_cents": amount, "reason": reason, "reviewed": reviewed}, follow=True
    )
    return review, done


def _state(order):
    """Everything a refund could change, to compare before and after."""
    order.refresh_from_db()
    return (
        order.status,
        order.refunded_cents,
        order.refund_excess_cents,
        sorted(Enrollment.objects.filter(order=order).values_list("pk", "revoked_at")),
        sorted(GiftCard.objects.values_list("pk", "balance_cents", "is_active")),
        GiftCardTransaction.objects.count(),
        ModelLogEntry.objects.filter(action="shop.order.refund").count(),
    )


# The order page ---------------------------------------------------------------


def test_the_order_page_shows_lines_money_coupon_cards_issued_and_history(
    client, shop_manager, user, course, promotion
):
    coupon = Coupon.objects.create(code="TENOFF", kind="fixed", amount_off_cents=1000)
    card = issue_card(2000)
    order = buy_and_pay(user, courses=[course], gift_card_cents=5000, cards=[card])
    Order.objects.filter(pk=order.pk).update(coupon=coupon, coupon_code="TENOFF")
    client.force_login(shop_manager)
    page = client.get(reverse("order:inspect", args=[order.pk])).content.decode()
    assert order.number in page and user.email in page and "Paid" in page
    assert "The Balance Gym" in page and "$149.00" in page  # a line, its price
    assert "$50.00" in page and "friend@example.com" in page  # the gift card line
    assert "TENOFF" in page
    assert card.masked_code in page and "$20.00" in page  # the card that paid
    assert "Access to The Balance Gym" in page
    bought = GiftCard.objects.get(order_line__order=order)
    reward = GiftCard.objects.get(order=order)
    assert bought.masked_code in page and reward.masked_code in page
    assert "reward: Give the Gift of Coachhouse" in page and "pending until" in page
    assert "Placed" in page and "History" in page
    assert "14900" not in page and "cents" not in page.lower().replace("coachhouse", "")
    assert bought.code not in page and card.code not in page


def test_the_history_shows_the_payment_events_and_the_refund_with_who_and_why(
    client, shop_manager, user, course
):
    order = buy_and_pay(user, courses=[course])
    order.events.create(event_id="evt_1", event_type="payment_intent.succeeded")
    client.force_login(shop_manager)
    _refund(client, order, amount="20", reason="late start")
    page = client.get(reverse("order:inspect", args=[order.pk])).content.decode()
    assert "Payment succeeded at Stripe" in page and "evt_1" in page
    assert "Refund of $20.00 from the admin (partial)" in page
    assert f"by {shop_manager.email}: “late start”" in page
    assert "Partially refunded" in page


def test_the_order_page_reads_in_a_flat_number_of_queries(
    client, shop_manager, user, course, second_course, promotion, django_assert_max_num_queries
):
    small = buy_and_pay(user, courses=[course], gift_card_cents=2500, cards=[issue_card(1000)])
    big = buy_and_pay(
        user,
        courses=[second_course],
        gift_card_cents=2500,
        gift_card_quantity=4,
        cards=[issue_card(1000), issue_card(500), issue_card(700)],
    )
    for number in range(5):
        big.events.create(event_id=f"evt_{number}", event_type="charge.refunded")
    client.force_login(shop_manager)
    client.get(reverse("order:inspect", args=[small.pk]))  # warm the per-process caches
    with django_assert_max_num_queries(30) as small_queries:
        assert client.get(reverse("order:inspect", args=[small.pk])).status_code == 200
    with django_assert_max_num_queries(len(small_queries)):
        assert client.get(reverse("order:inspect", args=[big.pk])).status_code == 200


def test_an_unknown_order_is_not_found(client, shop_manager):
    client.force_login(shop_manager)
    assert client.get(reverse("order:inspect", args=[999999])).status_code == 404


# The list -----------------------------------------------------------------------


def test_the_list_filters_by_status_date_course_and_coupon(
    client, shop_manager, user, course, second_course
):
    coupon = Coupon.objects.create(code="TENOFF", kind="percent", percent_off=10)
    first = buy_and_pay(user, courses=[course])
    second = buy_and_pay(user, courses=[second_course])
    Order.objects.filter(pk=second.pk).update(
        coupon=coupon, created_at=timezone.now() - timedelta(days=40), status="refunded"
    )
    client.force_login(shop_manager)
    index = reverse("order:index")

    def listed(**params):
        page = client.get(index, params).content.decode()
        return {o.number for o in (first, second) if o.number in page}

    assert listed() == {first.number, second.number}
    assert listed(status="refunded") == {second.number}
    assert listed(course=course.pk) == {first.number}
    assert listed(coupon=coupon.pk) == {second.number}
    since = (timezone.now() - timedelta(days=7)).date().isoformat()
    assert listed(created_at_from=since) == {first.number}


def test_the_list_searches_by_number_and_email(client, shop_manager, user, other_user, course):
    mine = buy_and_pay(user, courses=[course])
    theirs = buy_and_pay(other_user, courses=[course])
    client.force_login(shop_manager)
    by_number = client.get(reverse("order:index"), {"q": mine.number}).content.decode()
    assert mine.number in by_number and theirs.number not in by_number
    by_email = client.get(reverse("order:index"), {"q": other_user.email}).content.decode()
    assert theirs.number in by_email and mine.number not in by_email


def test_the_list_shows_money_and_reads_in_a_flat_number_of_queries(
    client, shop_manager, user, course, second_course, django_assert_max_num_queries
):
    """Filters and columns read no row's relations: seven orders cost what one does."""
    buy_and_pay(user, courses=[course])
    # The gift card the later orders buy, offered before the list is first read: a new
    # denomination changes prices, which retires the site-wide memos (and their queries).
    GiftCardDenominationFactory(amount_cents=2500)
    client.force_login(shop_manager)
    client.get(reverse("order:index"))
    with django_assert_max_num_queries(30) as one:
        page = client.get(reverse("order:index")).content.decode()
    assert "$149.00" in page and "Paid" in page
    for _ in range(6):
        buy_and_pay(UserFactory(), courses=[second_course], gift_card_cents=2500)
    with django_assert_max_num_queries(len(one)):
        client.get(reverse("order:index"))


def test_the_list_exports_csv_and_xlsx_with_money_as_amounts(client, shop_manager, user, course):
    order = buy_and_pay(user, courses=[course])
    client.force_login(shop_manager)
    response = client.get(reverse("order:index"), {"export": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["Order"] == order.number
    assert rows[0]["E-mail"] == user.email
    assert rows[0]["Status"] == "Paid"
    assert rows[0]["Total (USD)"] == "149.00"
    response = client.get(reverse("order:index"), {"export": "xlsx", "status": "paid"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, first = list(sheet.iter_rows(values_only=True))[:2]
    row = dict(zip(header, first, strict=True))
    assert row["Order"] == order.number and float(row["Total (USD)"]) == 149.0


def test_the_csv_export_keeps_a_customer_typed_formula_as_text(client, shop_manager, course):
    """An address may legally start with "="; a spreadsheet must show it, never run it."""
    buyer = UserFactory(email="=HYPERLINK(1)@example.com")
    buy_and_pay(buyer, courses=[course])
    client.force_login(shop_manager)
    response = client.get(reverse("order:index"), {"export": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["E-mail"] == "'=HYPERLINK(1)@example.com"


# Refunds ------------------------------------------------------------------------


def test_a_full_refund_from_the_admin_takes_back_everything_end_to_end(
    client, shop_manager, user, course, promotion, django_capture_on_commit_callbacks
):
    card = issue_card(2000)
    order = buy_and_pay(user, courses=[course], gift_card_cents=5000, cards=[card])
    bought = GiftCard.objects.get(order_line__order=order)
    reward = GiftCard.objects.get(order=order)
    mail.outbox.clear()
    client.force_login(shop_manager)
    before = _state(order)
    with django_capture_on_commit_callbacks(execute=True):
        url = reverse("order:refund", args=[order.pk])
        review = client.post(url, {"amount_cents": "", "reason": "changed their mind"})
        page = review.content.decode()
        # The confirmation states what the policy takes back, and has changed nothing.
        assert _state(order) == before
        assert "give back <strong>$179.00</strong> in money" in page
        assert "credit <strong>$20.00</strong> back onto the gift cards" in page
        assert "access to <strong>The Balance Gym</strong>" in page
        assert bought.masked_code in page and reward.masked_code in page
        assert "Confirm refund of $199.00" in page
        reviewed = review.context["form"]["reviewed"].value()
        done = client.post(
            url,
            {"amount_cents": "", "reason": "changed their mind", "reviewed": reviewed},
            follow=True,
        )
    assert f"Order {order.number}: $199.00 refunded." in done.content.decode()
    order.refresh_from_db()
    assert (order.status, order.refunded_cents) == (Order.Status.REFUNDED, 17900)
    assert not Enrollment.objects.get(order=order).is_active
    bought.refresh_from_db()
    reward.refresh_from_db()
    card.refresh_from_db()
    assert (bought.is_active, bought.balance_cents) == (False, 0)
    assert (reward.is_active, reward.balance_cents) == (False, 0)
    assert card.balance_cents == 2000  # the paying card is credited back
    assert list(card.transactions.values_list("kind", "amount_cents")) == [
        ("issue", 2000),
        ("redeem", -2000),
        ("refund_credit", 2000),
    ]
    assert bought.transactions.filter(kind="void", amount_cents=-5000).exists()
    assert [m.subject for m in mail.outbox] == [
        f"[Coachhouse] Your refund for order {order.number}"
    ]
    assert mail.outbox[0].to == [user.email]
    entry = ModelLogEntry.objects.get(action="shop.order.refund", object_id=str(order.pk))
    assert entry.user == shop_manager
    assert entry.data["values"]["refunded_cents"] == 19900
    assert entry.data["values"]["reason"] == "changed their mind"
    assert entry.data["values"]["kind"] == "full"
    assert "access to The Balance Gym" in entry.data["values"]["taken_back"]


def test_a_partial_refund_is_money_only_and_says_so(client, shop_manager, user, course):
    order = buy_and_pay(user, courses=[course])
    client.force_login(shop_manager)
    review, done = _refund(client, order, amount="49.50", reason="goodwill")
    assert f"Order {order.number}: $49.50 refunded." in done.content.decode()
    assert "a partial refund is money only" in review.content.decode()
    assert "Confirm refund of $49.50" in review.content.decode()
    order.refresh_from_db()
    assert (order.status, order.refunded_cents) == (Order.Status.PARTIALLY_REFUNDED, 4950)
    assert Enrollment.objects.get(order=order).is_active
    entry = ModelLogEntry.objects.get(action="shop.order.refund")
    assert entry.data["values"]["kind"] == "partial"


def test_the_confirmation_and_the_refund_share_the_policy(user, course, promotion):
    order = buy_and_pay(user, courses=[course])
    preview = order_refund_preview(order=order, amount_cents=14900)
    assert preview.is_full  # a partial refund reaching what is refundable is a full one
    assert [e.course.title for e in preview.enrollments] == ["The Balance Gym"]
    assert [c.pk for c in preview.cards_voided] == [GiftCard.objects.get(order=order).pk]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "must be between $0.01 and $149.00"),
        ("149.01", "must be between $0.01 and $149.00"),
        ("lots", "Enter an amount in US dollars"),
        ("12.345", "at most 2 decimals"),
        ("-5", "cannot be negative"),
    ],
)
def test_a_bad_refund_amount_gets_a_message_and_changes_nothing(
    client, shop_manager, user, course, amount, message
):
    order = buy_and_pay(user, courses=[course])
    client.force_login(shop_manager)
    before = _state(order)
    response = client.post(
        reverse("order:refund", args=[order.pk]), {"amount_cents": amount, "reason": "x"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Confirm refund" not in response.content.decode()
    # Even a forged confirmation changes nothing.
    client.post(
        reverse("order:refund", args=[order.pk]),
        {"amount_cents": amount, "reason": "x", "reviewed": "paid:0:0:0:0:0:1"},
    )
    assert _state(order) == before


def test_a_refund_without_a_reason_is_refused(client, shop_manager, user, course):
    order = buy_and_pay(user, courses=[course])
    client.force_login(shop_manager)
    before = _state(order)
    response = client.post(reverse("order:refund", args=[order.pk]), {"amount_cents": ""})
    assert "This field is required." in response.content.decode()
    assert _state(order) == before


def test_a_refund_confirmed_for_an_order_that_changed_meanwhile_is_shown_again(
    client, shop_manager, user, course
):
    order = buy_and_pay(user, courses=[course])
    client.force_login(shop_manager)
    url = reverse("order:refund", args=[order.pk])
    review = client.post(url, {"amount_cents": "20", "reason": "goodwill"})
    reviewed = review.context["form"]["reviewed"].value()
    order_record_refund(order=order, refunded_cents=2000)  # the same refund, from Stripe
    before = _state(order)
    again = client.post(url, {"amount_cents": "20", "reason": "goodwill", "reviewed": reviewed})
    assert "The order changed since you reviewed this refund" in again.content.decode()
    assert _state(order) == before


def test_pressing_confirm_twice_refunds_once(client, shop_manager, user, course):
    order = buy_and_pay(user, courses=[course])
    client.force_login(shop_manager)
    url = reverse("order:refund", args=[order.pk])
    review = client.post(url, {"amount_cents": "20", "reason": "goodwill"})
    data = {"amount_cents": "20", "reason": "goodwill"}
    data["reviewed"] = review.context["form"]["reviewed"].value()
    client.post(url, data)
    client.post(url, data)
    order.refresh_from_db()
    assert order.refunded_cents == 2000


def test_only_the_refund_permission_opens_the_refund_page(client, editor, admin_user, user, course):
    order = buy_and_pay(user, courses=[course])
    url = reverse("order:refund", args=[order.pk])
    client.force_login(editor)
    assert client.get(url).status_code in (302, 403)
    client.post(url, {"amount_cents": "", "reason": "x", "reviewed": "anything"})
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    client.force_login(admin_user)
    assert client.get(url).status_code == 200


def test_a_manager_who_may_view_but_not_refund_sees_no_refund_button(
    client, shop_manager, user, course
):
    from django.contrib.auth.models import Permission

    order = buy_and_pay(user, courses=[course])
    shop_manager.user_permissions.clear()
    group = shop_manager.groups.get()
    group.permissions.remove(Permission.objects.get(codename="refund_order"))
    client.force_login(shop_manager)
    page = client.get(reverse("order:inspect", args=[order.pk])).content.decode()
    assert order.number in page and "Refund…" not in page
    assert client.get(reverse("order:refund", args=[order.pk])).status_code in (302, 403)
