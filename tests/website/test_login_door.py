"""One login door: the Wagtail admin signs people in through the site's (allauth's) login."""

import time
import types

from django.contrib.auth.models import Group

from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def _throttled(response) -> bool:
    """allauth's answer to a limited login: 429 (per address) or the lockout message."""
    return (
        response.status_code == 429 or "Too many failed login attempts" in response.content.decode()
    )


def _admin_door(client) -> str:
    """Follow the admin's login redirects from /admin/ to the login form they end at."""
    response = client.get("/admin/", follow=True)
    return response.redirect_chain[-1][0]


def test_the_admin_sends_visitors_to_the_sites_login_with_next(client, db):
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/admin/pages/"


def test_admin_login_redirects_to_the_sites_login_keeping_next(client, db):
    response = client.get("/admin/login/?next=/admin/snippets/")
    assert response["Location"] == "/account/login/?next=%2Fadmin%2Fsnippets%2F"
    assert client.get("/admin/login/")["Location"] == "/account/login/?next=%2Fadmin%2F"
    foreign = client.get("/admin/login/?next=https://evil.example/")
    assert foreign["Location"] == "/account/login/?next=%2Fadmin%2F"


def test_a_password_posted_to_admin_login_never_signs_anyone_in(client, db):
    staff = UserFactory(is_staff=True, is_superuser=True)
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
    assert "_auth_user_id" not in client.session


def test_thirty_wrong_guesses_at_the_admin_door_are_throttled_and_hold_back_the_right_password(
    client, db, monkeypatch
):
    staff = UserFactory(is_staff=True, is_superuser=True)
    door = _admin_door(client)
    assert door.startswith("/account/login/")
    answers = [
        client.post(door, {"login": staff.email, "password": f"guess-{n}"}) for n in range(30)
    ]
    assert not any(_throttled(a) for a in answers[:5])
    assert all(_throttled(a) for a in answers[5:])
    right = client.post(door, {"login": staff.email, "password": PASSWORD})
    assert _throttled(right)
    assert "_auth_user_id" not in client.session

    # Once the lockout has run out (allauth: 5 failures per 5 minutes per account), it opens.
    from allauth.core.internal import ratelimit

    later = types.SimpleNamespace(
        time=lambda: time.time() + 6 * 60, monotonic=time.monotonic, sleep=time.sleep
    )
    monkeypatch.setattr(ratelimit, "time", later)
    response = client.post(door, {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_wagtails_password_reset_gives_way_to_the_sites_rate_limited_one(client, db):
    assert client.get("/admin/password_reset/")["Location"] == "/account/password/reset/"
    response = client.post("/admin/password_reset/", {"email": "someone@example.com"})
    assert response["Location"] == "/account/password/reset/"


def test_a_customer_who_signs_in_is_refused_the_admin_with_a_clear_page(client, user):
    door = _admin_door(client)
    response = client.post(door, {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/admin/"
    refused = client.get("/admin/")
    assert refused.status_code == 403
    assert "This account has no access to the admin" in refused.content.decode()
    assert client.get("/admin/pages/").status_code == 403
    assert client.get("/admin/login/", follow=True).status_code == 403


def test_an_editor_signs_in_at_the_sites_door_and_reaches_the_admin(client, db):
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    response = client.post(_admin_door(client), {"login": editor.email, "password": PASSWORD})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_sends_no_staff_e_mail_hash_to_gravatar(client, db):
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    response = client.get("/admin/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "gravatar.com" not in html
    assert "default-user-avatar" in html  # Wagtail's own placeholder, served from static


def test_the_admin_dashboard_does_not_ask_wagtail_for_updates(client, db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert 'data-controller="w-upgrade' not in response.content.decode()
