"""'My courses' lists the courses an active membership opens, marked as such, and stops
listing them when the membership's access ends (issue 19)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from courses.selectors import user_library
from shop.models import Membership
from shop.services import membership_cancel, order_dispute_open
from tests.shop.factories import MembershipPlanFactory, subscribe_and_pay

pytestmark = pytest.mark.django_db

MARK = "With your membership"


@pytest.fixture
def plan(course):
    return MembershipPlanFactory(name="Monthly", price_cents=2900, courses=[course])


def _library(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("courses:library")).content.decode()


def test_my_courses_lists_the_plan_courses_of_an_active_membership_marked_as_such(
    client, user, plan, second_course, paid_lesson
):
    subscribe_and_pay(user, plan)
    page = _library(client, user)
    assert "The Balance Gym" in page and MARK in page
    assert "Start: Gaze drills" in page
    assert second_course.title not in page  # not in the plan


def test_my_courses_stops_listing_the_membership_courses_when_access_ends(client, user, plan):
    subscribe_and_pay(user, plan)
    membership_cancel(membership=Membership.objects.get())
    page = _library(client, user)
    assert "The Balance Gym" not in page and MARK not in page
    assert "You have no courses yet" in page


def test_my_courses_hides_the_membership_courses_while_its_order_is_disputed(client, user, plan):
    order = subscribe_and_pay(user, plan)
    order_dispute_open(order=order)
    assert "The Balance Gym" not in _library(client, user)


def test_an_all_courses_plan_lists_every_live_course_by_title(user, course, second_course):
    subscribe_and_pay(user, MembershipPlanFactory(name="All", grants_all_courses=True))
    entries = user_library(user=user)
    # "Pain-Free Posture" before "The Balance Gym".
    assert [entry.course.pk for entry in entries] == [second_course.pk, course.pk]
    assert all(entry.is_with_membership for entry in entries)


def test_an_owned_course_is_listed_once_as_owned_not_with_the_membership(
    client, user, plan, course
):
    subscribe_and_pay(user, plan)
    Enrollment.objects.create(user=user, course=course, granted_at=timezone.now())
    [entry] = user_library(user=user)
    assert entry.course.pk == course.pk and not entry.is_with_membership
    assert MARK not in _library(client, user)
