from django.core import mail

from website.accounts.models import User


def test_sign_up_needs_only_an_email_and_password_and_sends_a_verification_email(client, home_page):
    response = client.post(
        "/account/signup/",
        {
            "email": "New.Reader@Example.com",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "new.reader@example.com"
    assert not hasattr(user, "username") or user.username is None
    assert len(mail.outbox) == 1
    assert "Confirm" in mail.outbox[0].subject


def test_sign_up_with_an_email_already_in_use_re_renders_with_an_error(client, user):
    response = client.post(
        "/account/signup/",
        {"email": user.email, "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
    )
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    assert User.objects.count() == 1


def test_log_in_by_email_leads_to_my_account(client, user):
    response = client.post(
        "/account/login/", {"login": user.email, "password": "correct-horse-battery"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/account/"
    assert "My account" in response.content.decode()


def test_a_wrong_password_re_renders_the_login_form_with_an_error(client, user):
    response = client.post("/account/login/", {"login": user.email, "password": "wrong"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_password_reset_sends_a_reset_link(client, user):
    client.post("/account/password/reset/", {"email": user.email})
    assert len(mail.outbox) == 1
    assert "/account/password/reset/key/" in mail.outbox[0].body


def test_my_account_sends_an_anonymous_visitor_to_log_in(client, db):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=/account/")


def test_login_page_uses_the_site_design(client, db):
    body = client.get("/account/login/").content.decode()
    assert 'aria-label="Main"' in body
    assert 'class="form auth-form"' in body
