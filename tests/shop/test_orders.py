"""Customers see their own orders; shop managers see every order in the admin, read-only."""

import pytest
from django.urls import reverse

from shop.models import Coupon, Order, OrderLine

pytestmark = pytest.mark.django_db


def _order(user, **fields):
    fields = {"subtotal_cents": 14900, "total_cents": 14900, "status": "paid", **fields}
    order = Order.objects.create(user=user, email=user.email, currency="USD", **fields)
    OrderLine.objects.create(order=order, title="The Balance Gym", unit_price_cents=14900)
    return order


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user(email="other@example.com", password="x-pass-123")


def test_my_orders_lists_only_the_customers_own_orders(client, user, other_user):
    mine, theirs = _order(user), _order(other_user)
    client.force_login(user)
    page = client.get(reverse("shop:order_list")).content.decode()
    assert mine.number in page
    assert theirs.number not in page


def test_an_order_page_shows_its_receipt_to_its_owner(client, user):
    order = _order(user, discount_cents=1490, subtotal_cents=16390, coupon_code="WELCOME10")
    client.force_login(user)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "The Balance Gym" in page and "−$14.90" in page and "$149.00" in page


def test_another_customers_order_is_not_found(client, user, other_user):
    order = _order(other_user)
    client.force_login(user)
    assert client.get(order.get_absolute_url()).status_code == 404


def test_order_pages_require_login(client, user):
    assert client.get(reverse("shop:order_list")).status_code == 302
    assert client.get(_order(user).get_absolute_url()).status_code == 302


def test_my_account_links_to_my_courses_and_orders(client, user):
    client.force_login(user)
    page = client.get(reverse("accounts:overview")).content.decode()
    assert reverse("courses:library") in page
    assert reverse("shop:order_list") in page


def test_shop_managers_see_every_order_in_the_admin_filtered_by_status(
    client, shop_manager, user, other_user
):
    paid, failed = _order(user), _order(other_user)
    Order.objects.filter(pk=failed.pk).update(status="failed")
    client.force_login(shop_manager)
    page = client.get(reverse("order:index"), {"status": "paid"}).content.decode()
    assert paid.number in page
    assert failed.number not in page


def test_nobody_can_add_edit_or_delete_orders_in_the_admin(client, admin_user, user):
    order = _order(user)
    client.force_login(admin_user)
    assert client.get(reverse("order:add")).status_code in (302, 403)
    assert client.get(reverse("order:edit", args=[order.pk])).status_code in (302, 403)
    assert client.post(reverse("order:delete", args=[order.pk])).status_code in (302, 403)
    assert Order.objects.filter(pk=order.pk, status="paid").exists()
    assert client.get(reverse("order:inspect", args=[order.pk])).status_code == 200


def test_shop_managers_manage_coupons_in_the_admin(client, shop_manager):
    client.force_login(shop_manager)
    response = client.post(
        reverse("coupon:add"),
        {
            "code": "spring",
            "kind": "percent",
            "percent_off": 15,
            "minimum_subtotal_cents": "0",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Coupon.objects.get().code == "SPRING"


def test_a_percent_coupon_without_a_percent_is_refused_in_the_admin(client, shop_manager):
    client.force_login(shop_manager)
    response = client.post(
        reverse("coupon:add"), {"code": "X", "kind": "percent", "minimum_subtotal_cents": "0"}
    )
    assert response.status_code == 200
    assert not Coupon.objects.exists()
