"""Member-only pages: a Wagtail "groups" restriction naming Members opens to whoever holds a
membership giving access now — decided on every request, never from the shared page cache."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import PageViewRestriction

from shop.models import Membership
from tests.content.conftest import episode_index  # noqa: F401 - the fixture, by name
from tests.content.factories import EpisodePageFactory, publish
from tests.shop.factories import MembershipPlanFactory, subscribe_and_pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def members_page(episode_index):  # noqa: F811 - the imported fixture
    page = publish(EpisodePageFactory(parent=episode_index, title="Members' drills", number=777))
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name="Members")])
    return page


@pytest.fixture
def member(user):
    subscribe_and_pay(user, MembershipPlanFactory(name="Monthly"))
    return user


def test_a_member_reads_a_member_only_page(client, member, members_page):
    client.force_login(member)
    response = client.get(members_page.url)
    assert response.status_code == 200
    assert "Members&#x27; drills" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_a_signed_in_non_member_is_shown_the_plans_not_the_page(client, user, members_page):
    MembershipPlanFactory(name="Yearly", interval="year", price_cents=29000)
    client.force_login(user)
    response = client.get(members_page.url)
    page = response.content.decode()
    assert response.status_code == 403
    assert "Members only" in page and "Yearly" in page
    assert "Gaze" not in page


def test_an_anonymous_visitor_is_sent_to_log_in(client, members_page):
    response = client.get(members_page.url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_members_visit_is_never_served_to_anyone_else_from_the_cache(
    client, member, members_page
):
    client.force_login(member)
    assert client.get(members_page.url).status_code == 200
    client.logout()
    for _ in range(2):
        assert client.get(members_page.url).status_code == 302


def test_access_follows_membership_state_at_read_time(client, member, members_page, settings):
    client.force_login(member)
    assert client.get(members_page.url).status_code == 200
    membership = Membership.objects.get()
    Membership.objects.update(status=Membership.Status.PAST_DUE, grace_ends_at=timezone.now())
    assert client.get(members_page.url).status_code == 403
    assert not member.groups.filter(name="Members").exists()
    Membership.objects.update(
        status=Membership.Status.ACTIVE, current_period_end=membership.current_period_end
    )
    assert client.get(members_page.url).status_code == 200
    lapsed = membership.current_period_end + timedelta(days=settings.MEMBERSHIP_GRACE_DAYS + 1)
    with mock.patch.object(timezone, "now", return_value=lapsed):
        assert client.get(members_page.url).status_code == 403


def test_a_canceled_member_is_refused(client, member, members_page):
    client.force_login(member)
    assert client.get(members_page.url).status_code == 200
    Membership.objects.update(status=Membership.Status.CANCELED)
    assert client.get(members_page.url).status_code == 403
