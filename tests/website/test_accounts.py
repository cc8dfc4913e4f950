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


def _sign_up(client, email):
    return client.post(
        "/account/signup/",
        {"email": email, "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
        follow=True,
    )


def test_sign_up_with_an_address_in_use_does_not_say_so_and_mails_its_owner(client, user):
    response = _sign_up(client, user.email.upper())
    page = response.content.decode()
    assert "already" not in page.lower()
    assert response.redirect_chain[-1][0] == "/account/confirm-email/"
    assert "Verify Your Email Address" in page
    assert User.objects.count() == 1 and "_auth_user_id" not in client.session
    (sent,) = mail.outbox
    assert sent.to == [user.email]
    assert "/account/password/reset/" in sent.body


def test_the_check_your_inbox_page_is_the_one_a_sign_up_needing_verification_shows(
    client, user, settings
):
    # allauth's own answer to a new address when verification is mandatory: the same page.
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    fresh = _sign_up(client, "someone.new@example.com")
    client.logout()
    taken = _sign_up(client, user.email)
    assert fresh.redirect_chain[-1][0] == taken.redirect_chain[-1][0]
    assert fresh.status_code == taken.status_code == 200


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
