"""The pool of customer accounts the load test's checkouts use, one buyer per checkout.

Signing up under load would run into the sign-up rate limit, and logging in into allauth's
30 logins a minute: all the traffic comes from 127.0.0.1. So the runner creates the
accounts beforehand, each with a logged-in session; a checkout logs in through the form
while the login budget allows (see locustfile.py) and otherwise uses its buyer's session.
"""

from datetime import timedelta

BUYER_PASSWORD = "load-test-pass-phrase"  # noqa: S105 - accounts of a throwaway database


def buyer_email(number: int) -> str:
    return f"load-buyer-{number}@example.com"


def create_buyers(count: int) -> list[str]:
    """Create `count` customers (verified e-mail, BUYER_PASSWORD); return their session keys.

    The password is hashed once for all of them, and the sessions are written in one go,
    so a pool of a thousand takes a second or two.
    """
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from website.accounts.models import User

    password = make_password(BUYER_PASSWORD)
    users = User.objects.bulk_create(
        User(email=buyer_email(number), password=password) for number in range(count)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    store, expires = SessionStore(), timezone.now() + timedelta(days=1)
    sessions = Session.objects.bulk_create(
        Session(
            session_key=get_random_string(32, VALID_KEY_CHARS),
            session_data=store.encode(
                {
                    SESSION_KEY: str(user.pk),
                    BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
                    HASH_SESSION_KEY: user.get_session_auth_hash(),
                }
            ),
            expire_date=expires,
        )
        for user in users
    )
    return [session.session_key for session in sessions]
