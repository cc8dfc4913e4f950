"""The admin: shop managers manage plans, read memberships and advance a demo membership's
clock (renew now / fail the next renewal); nobody else may."""

import pytest
from django.urls import reverse

from shop.models import Membership, MembershipPlan
from tests.shop.factories import MembershipPlanFactory, subscribe_and_pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership(user):
    subscribe_and_pay(user, MembershipPlanFactory(name="Monthly"))
    return Membership.objects.get()


def _clock(client, membership, action):
    return client.post(
        reverse("membership:clock", args=[membership.pk]), {"action": action}, follow=True
    )


def test_a_shop_manager_renews_a_demo_membership_now(client, shop_manager, membership):
    client.force_login(shop_manager)
    page = client.get(reverse("membership:inspect", args=[membership.pk])).content.decode()
    assert "Renew now" in page and "Fail the next renewal" in page
    end = membership.current_period_end
    response = _clock(client, membership, "renew")
    assert "Renewal paid: paid." in response.content.decode()
    membership.refresh_from_db()
    assert membership.current_period_end > end and membership.invoices.count() == 2


def test_a_shop_manager_fails_the_next_renewal_to_show_past_due(client, shop_manager, membership):
    client.force_login(shop_manager)
    _clock(client, membership, "fail")
    membership.refresh_from_db()
    assert membership.status == Membership.Status.PAST_DUE and membership.grace_ends_at


def test_an_editor_may_not_advance_the_clock(client, editor, membership):
    client.force_login(editor)
    response = client.post(reverse("membership:clock", args=[membership.pk]), {"action": "renew"})
    assert response.status_code in (302, 403)
    assert response.get("Location", "") != reverse("membership:inspect", args=[membership.pk])
    membership.refresh_from_db()
    assert membership.invoices.count() == 1


def test_a_shop_manager_lists_memberships_and_creates_a_plan(client, shop_manager, membership):
    client.force_login(shop_manager)
    assert "Monthly" in client.get(reverse("membership:index")).content.decode()
    response = client.post(
        reverse("membershipplan:add"),
        {
            "name": "Yearly",
            "interval": "year",
            "price_cents": "290.00",
            "trial_days": "0",
            "sort_order": "0",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert MembershipPlan.objects.get(name="Yearly").price_cents == 29000


def test_the_members_list_filters_by_status(client, shop_manager, membership, other_user):
    subscribe_and_pay(other_user, MembershipPlanFactory(name="Yearly", interval="year"))
    Membership.objects.filter(user=other_user).update(status=Membership.Status.PAST_DUE)
    client.force_login(shop_manager)
    index = reverse("membership:index")
    for status, shown, hidden in [
        ("past_due", other_user, membership.user),
        ("active", membership.user, other_user),
    ]:
        response = client.get(index, {"status": status})
        assert response.status_code == 200
        page = response.content.decode()
        assert shown.email in page and hidden.email not in page
    page = client.get(index, {"status": "canceled"}).content.decode()
    assert membership.user.email not in page and other_user.email not in page


def test_an_editor_may_not_list_the_members(client, editor, membership):
    client.force_login(editor)
    response = client.get(reverse("membership:index"))
    assert response.status_code in (302, 403)
    assert membership.user.email not in response.content.decode()


def test_the_members_list_shows_and_sorts_by_the_member_email(
    client, shop_manager, membership, other_user
):
    subscribe_and_pay(other_user, MembershipPlanFactory(name="Yearly", interval="year"))
    client.force_login(shop_manager)
    response = client.get(reverse("membership:index"), {"ordering": "user__email"})
    assert response.status_code == 200
    page = response.content.decode()
    # The default order (newest first) would put the other member first.
    emails = sorted([membership.user.email, other_user.email])
    assert page.index(emails[0]) < page.index(emails[1])
