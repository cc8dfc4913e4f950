"""Money is typed and shown as money in the admin: dollars (the site currency), never cents."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from courses.models import CoursePage
from shop.forms import MoneyField
from shop.models import Coupon, GiftCard, GiftCardDenomination, Promotion
from shop.money import parse_money
from tests.shop.factories import GiftCardDenominationFactory, PromotionFactory


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("49", 4900),
        ("49.9", 4990),
        ("49.99", 4999),
        (".5", 50),
        ("0", 0),
        ("1,234.50", 123450),
        ("$49.99", 4999),
        ("49.99 USD", 4999),
        ("  12  ", 1200),
        ("1000000.00", 100_000_000),
    ],
)
def test_an_amount_typed_in_dollars_becomes_integer_cents(text, cents):
    assert parse_money(text, "USD") == cents


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter an amount in US dollars, such as 49.99."),
        ("abc", "Enter an amount in US dollars"),
        ("1e3", "Enter an amount in US dollars"),
        ("49.99.1", "Enter an amount in US dollars"),
        ("1,23,4", "Enter an amount in US dollars"),
        ("٣", "Enter an amount in US dollars"),
        ("-5", "cannot be negative"),
        ("$-5", "cannot be negative"),
        ("−5", "cannot be negative"),
        ("49.999", "at most 2 decimals"),
        ("49,99", "Use a point for the decimals: 49.99."),
        ("1000000.01", "more than $1,000,000.00: type the amount in US dollars, not cents"),
        ("14900000", "not cents"),
    ],
)
def test_a_bad_amount_is_refused_with_a_sentence(text, message):
    with pytest.raises(ValueError, match=message.replace("$", r"\$").replace(".", r"\.")):
        parse_money(text, "USD")


def test_a_currency_with_other_decimals_is_parsed_by_its_own_exponent():
    assert parse_money("€10", "EUR") == 1000
    assert parse_money("1.234", "KWD") == 1234
    with pytest.raises(ValueError, match="whole amount"):
        parse_money("10.5", "JPY")


def _admin_forms():
    """Every model form the admin builds: each registered model viewset's, and the course's."""
    for viewset in hooks.get_hooks("register_admin_viewset"):
        group = viewset()
        for item in getattr(group, "registerables", [group]):
            if isinstance(item, ModelViewSet) and item.model._meta.app_label == "shop":
                for for_update in (False, True):
                    yield item.model, item.get_form_class(for_update=for_update)
    yield CoursePage, CoursePage.get_edit_handler().get_form_class()


def test_every_money_input_of_the_admin_is_a_money_field():
    seen = set()
    for model, form_class in _admin_forms():
        for name, field in form_class.base_fields.items():
            if name.endswith("_cents"):
                assert isinstance(field, MoneyField), f"{model.__name__}.{name}"
                seen.add(f"{model.__name__}.{name}")
    assert {
        "Coupon.amount_off_cents",
        "Coupon.minimum_subtotal_cents",
        "GiftCard.initial_cents",
        "GiftCardDenomination.amount_cents",
        "Promotion.reward_cents",
        "Promotion.minimum_order_cents",
        "CoursePage.price_cents",
        "CoursePage.compare_at_price_cents",
    } <= seen


pytestmark = pytest.mark.django_db


def _coupon(**fields):
    return {
        "code": "spring",
        "kind": "fixed",
        "amount_off_cents": "20",
        "minimum_subtotal_cents": "50.00",
        "is_active": "on",
        **fields,
    }


def test_a_coupon_amount_and_minimum_are_typed_in_dollars(client, shop_manager):
    client.force_login(shop_manager)
    response = client.post(reverse("coupon:add"), _coupon())
    assert response.status_code == 302
    coupon = Coupon.objects.get()
    assert (coupon.amount_off_cents, coupon.minimum_subtotal_cents) == (2000, 5000)


def test_the_coupon_form_shows_the_amounts_in_dollars_and_says_so(client, shop_manager):
    coupon = Coupon.objects.create(
        code="FIVE", kind="fixed", amount_off_cents=500, minimum_subtotal_cents=2550
    )
    client.force_login(shop_manager)
    page = client.get(reverse("coupon:edit", args=[coupon.pk])).content.decode()
    assert 'name="amount_off_cents" value="5.00"' in page
    assert 'name="minimum_subtotal_cents" value="25.50"' in page
    assert "In US dollars, such as 49.99." in page
    assert "(cents)" not in page


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("5.555", "at most 2 decimals"),
        ("-5", "cannot be negative"),
        ("five", "Enter an amount in US dollars"),
        ("99999999", "not cents"),
    ],
)
def test_a_bad_coupon_amount_gets_a_message_and_saves_nothing(
    client, shop_manager, amount, message
):
    client.force_login(shop_manager)
    response = client.post(reverse("coupon:add"), _coupon(amount_off_cents=amount))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Coupon.objects.exists()


def test_a_gift_card_is_issued_for_a_value_in_dollars(client, shop_manager, mailoutbox):
    client.force_login(shop_manager)
    client.post(
        reverse("shop_giftcard:add"),
        {"initial_cents": "75.50", "recipient_name": "", "recipient_email": "", "message": ""},
    )
    card = GiftCard.objects.get()
    assert (card.initial_cents, card.balance_cents) == (7550, 7550)


def test_a_gift_card_value_and_a_promotion_reward_are_typed_in_dollars(
    client, shop_manager, course
):
    client.force_login(shop_manager)
    client.post(reverse("giftcarddenomination:add"), {"amount_cents": "40", "is_active": "on"})
    assert GiftCardDenomination.objects.get().amount_cents == 4000
    client.post(
        reverse("promotion:add"),
        {
            "name": "Spring",
            "banner_text": "A $25 gift card with select purchases",
            "starts_at": "2026-03-01 00:00",
            "ends_at": "2026-04-01 00:00",
            "eligible_courses": [course.pk],
            "reward_cents": "25",
            "minimum_order_cents": "99.99",
            "is_active": "on",
        },
    )
    promotion = Promotion.objects.get()
    assert (promotion.reward_cents, promotion.minimum_order_cents) == (2500, 9999)


def test_lists_show_money_as_money_and_booleans_as_words(client, shop_manager, course):
    Coupon.objects.create(code="FIVE", kind="fixed", amount_off_cents=500, is_active=False)
    GiftCardDenominationFactory(amount_cents=2500)
    PromotionFactory(eligible_courses=[course], reward_cents=10000, minimum_order_cents=5000)
    client.force_login(shop_manager)
    coupons = client.get(reverse("coupon:index")).content.decode()
    assert "$5.00" in coupons and "$0.00" in coupons and "No" in coupons
    assert ">500<" not in coupons
    values = client.get(reverse("giftcarddenomination:index")).content.decode()
    assert "$25.00" in values and "Yes" in values
    promotions = client.get(reverse("promotion:index")).content.decode()
    assert "$100.00" in promotions and "$50.00" in promotions


def test_a_course_price_is_typed_in_dollars_in_the_page_editor(client, admin_user, course):
    client.force_login(admin_user)
    page = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()
    assert 'name="price_cents" value="149.00"' in page
    price = CoursePage.get_edit_handler().get_form_class().base_fields["price_cents"]
    assert price.clean("129.50") == 12950
    with pytest.raises(ValidationError, match="at most 2 decimals"):
        price.clean("129.505")


def test_a_gift_card_of_zero_is_refused_and_none_is_issued(client, shop_manager):
    client.force_login(shop_manager)
    response = client.post(
        reverse("shop_giftcard:add"),
        {"initial_cents": "0", "recipient_name": "", "recipient_email": "", "message": ""},
    )
    assert "Give the card a value above zero." in response.content.decode()
    assert not GiftCard.objects.exists()
