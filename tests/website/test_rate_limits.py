"""allauth's rate limits on signing in, signing up and password resets."""


def test_after_five_failed_logins_even_the_right_password_is_refused_for_a_while(client, user):
    for n in range(5):
        client.post("/account/login/", {"login": user.email, "password": f"wrong-{n}"})
    response = client.post(
        "/account/login/", {"login": user.email, "password": "correct-horse-battery"}
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_ups_from_one_address_are_limited_per_hour(client, db):
    from website.accounts.models import User

    for n in range(21):
        response = client.post(
            "/account/signup/",
            {
                "email": f"new{n}@example.com",
                "password1": "a-long-pass-phrase",
                "password2": "a-long-pass-phrase",
            },
        )
        client.logout()
    assert response.status_code == 429
    assert User.objects.count() == 20


def test_password_reset_requests_for_one_address_are_limited(client, user):
    from django.core import mail

    statuses = [
        client.post("/account/password/reset/", {"email": user.email}).status_code for _ in range(6)
    ]
    assert statuses[5] == 429
    assert len(mail.outbox) == 5
