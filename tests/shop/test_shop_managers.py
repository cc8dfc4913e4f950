"""Money is a privilege of its own: Shop managers run the store's admin, Editors keep content,
unclaimed codes stay masked, and every money-affecting change is in Wagtail's audit log."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import ModelLogEntry

from shop.models import Coupon, GiftCard, Order, Promotion
from tests.shop.factories import issue_card

pytestmark = pytest.mark.django_db

SHOP_ADMIN_URLS = [
    ("order:index", []),
    ("coupon:index", []),
    ("coupon:add", []),
    ("promotion:index", []),
    ("promotion:add", []),
    ("shop_giftcard:index", []),
    ("shop_giftcard:add", []),
    ("giftcarddenomination:index", []),
    ("shop_gift_card_liability", []),
]


def _refused(response) -> bool:
    """Wagtail answers a refused admin page with 403, or a redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302
        and response["Location"] in ("/admin/", reverse("wagtailadmin_home"))
    )


@pytest.mark.parametrize(("name", "args"), SHOP_ADMIN_URLS)
def test_an_editor_is_refused_every_shop_admin_page(client, editor, name, args):
    client.force_login(editor)
    assert _refused(client.get(reverse(name, args=args))), name


@pytest.mark.parametrize(("name", "args"), SHOP_ADMIN_URLS)
def test_a_shop_manager_opens_every_shop_admin_page(client, shop_manager, name, args):
    client.force_login(shop_manager)
    assert client.get(reverse(name, args=args)).status_code == 200, name


def test_an_editor_cannot_issue_a_gift_card_or_create_a_coupon(client, editor):
    client.force_login(editor)
    client.post(reverse("shop_giftcard:add"), {"initial_cents": "1000000.00"})
    client.post(
        reverse("coupon:add"),
        {"code": "ALLFREE", "kind": "percent", "percent_off": 100, "minimum_subtotal_cents": "0"},
    )
    assert not GiftCard.objects.exists()
    assert not Coupon.objects.exists()


def test_an_editor_cannot_resend_a_gift_card(client, editor, mailoutbox):
    card = issue_card(5000, recipient_email="ana@example.com")
    client.force_login(editor)
    client.post(reverse("shop_giftcard:resend", args=[card.pk]))
    assert mailoutbox == []


def test_editors_and_moderators_hold_no_shop_permission_and_shop_managers_may_refund():
    for name in ("Editors", "Moderators"):
        group = Group.objects.get(name=name)
        assert not group.permissions.filter(content_type__app_label="shop").exists(), name
        assert group.permissions.filter(codename="access_admin").exists()
    managers = Group.objects.get(name="Shop managers")
    codenames = set(managers.permissions.values_list("codename", flat=True))
    assert {
        "view_order",
        "refund_order",
        "add_coupon",
        "add_giftcard",
        "change_promotion",
    } <= codenames
    assert "access_admin" in codenames
    assert not managers.permissions.filter(content_type__app_label="wagtailcore").exists()


def test_a_shop_manager_holds_the_refund_permission(shop_manager):
    assert shop_manager.has_perm("shop.refund_order")
    assert not shop_manager.has_perm("shop.change_order")


# Masked codes ------------------------------------------------------------------


def test_unclaimed_codes_are_masked_to_their_last_four_in_the_admin(client, shop_manager):
    card = issue_card(5000)
    client.force_login(shop_manager)
    for url in (
        reverse("shop_giftcard:index"),
        reverse("shop_giftcard:inspect", args=[card.pk]),
        reverse("shop_giftcard:edit", args=[card.pk]),
    ):
        page = client.get(url).content.decode()
        assert card.masked_code in page, url
        assert card.display_code not in page and card.code not in page, url
    assert card.masked_code.endswith(card.code[-4:])
    assert card.masked_code.count("•") == len(card.code) - 4


def test_whoever_issues_a_card_sees_its_full_code_once(client, shop_manager):
    client.force_login(shop_manager)
    response = client.post(
        reverse("shop_giftcard:add"),
        {"initial_cents": "25.00", "recipient_name": "", "recipient_email": "", "message": ""},
        follow=True,
    )
    card = GiftCard.objects.get()
    assert card.display_code in response.content.decode()
    assert card.display_code not in client.get(reverse("shop_giftcard:index")).content.decode()


def test_whoever_resends_a_card_sees_its_full_code(client, shop_manager):
    card = issue_card(5000, recipient_email="ana@example.com")
    client.force_login(shop_manager)
    response = client.post(reverse("shop_giftcard:resend", args=[card.pk]), follow=True)
    assert (
        f"Gift card {card.display_code} sent again to ana@example.com" in response.content.decode()
    )


# Audit log ------------------------------------------------------------------------


def _entries(instance, action):
    return ModelLogEntry.objects.filter(
        content_type__model=instance._meta.model_name, object_id=str(instance.pk), action=action
    )


def test_issuing_deactivating_and_resending_a_card_are_in_the_audit_log(client, shop_manager):
    client.force_login(shop_manager)
    client.post(
        reverse("shop_giftcard:add"),
        {"initial_cents": "25.00", "recipient_name": "Ana", "recipient_email": "ana@example.com"},
    )
    card = GiftCard.objects.get()
    client.post(reverse("shop_giftcard:resend", args=[card.pk]))
    client.post(reverse("shop_giftcard:edit", args=[card.pk]), {"expires_at": ""})

    issued = _entries(card, "shop.gift_card.issue").get()
    assert issued.user == shop_manager
    assert issued.data["values"]["amount_cents"] == "2500"
    assert card.code not in issued.label  # the log names the card masked
    assert _entries(card, "shop.gift_card.resend").get().user == shop_manager
    assert _entries(card, "shop.gift_card.deactivate").get().user == shop_manager


def test_coupon_and_promotion_changes_are_in_the_audit_log_with_the_values(
    client, shop_manager, course
):
    client.force_login(shop_manager)
    client.post(
        reverse("coupon:add"),
        {
            "code": "HALF",
            "kind": "percent",
            "percent_off": 50,
            "minimum_subtotal_cents": "0",
            "is_active": "on",
        },
    )
    coupon = Coupon.objects.get()
    client.post(
        reverse("coupon:edit", args=[coupon.pk]),
        {
            "code": "HALF",
            "kind": "percent",
            "percent_off": 60,
            "minimum_subtotal_cents": "0",
            "is_active": "on",
        },
    )
    created = _entries(coupon, "shop.create").get()
    assert (created.user, created.data["values"]["percent_off"]) == (shop_manager, "50")
    edited = _entries(coupon, "shop.edit").get()
    assert edited.data["values"] == {"percent_off": "60"}
    assert "percent_off = 60" in edited.message

    client.post(
        reverse("promotion:add"),
        {
            "name": "Spring",
            "banner_text": "A $100 gift card with select purchases",
            "starts_at": "2026-03-01 00:00",
            "ends_at": "2026-04-01 00:00",
            "eligible_courses": [course.pk],
            "reward_cents": "100.00",
            "minimum_order_cents": "0",
            "is_active": "on",
        },
    )
    promotion = Promotion.objects.get()
    logged = _entries(promotion, "shop.create").get()
    assert logged.user == shop_manager
    assert logged.data["values"]["reward_cents"] == "10000"
    assert logged.data["values"]["eligible_courses"] == [course.title]


def test_shop_actions_are_registered_for_the_site_history_report(client, admin_user, shop_manager):
    card = issue_card(5000)
    from shop.viewsets.audit import log_shop_action

    log_shop_action(instance=card, action="shop.gift_card.resend", user=shop_manager)
    client.force_login(admin_user)
    page = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "Gift card e-mail sent again" in page
    assert Order.objects.count() == 0
