"""The pool of customer accounts the load test's checkouts log in as, one buyer per checkout.

Signing up under load would run into the sign-up rate limit (all traffic comes from
127.0.0.1), so the runner creates the accounts in the database beforehand.
"""

BUYER_PASSWORD = "load-test-pass-phrase"  # noqa: S105 - accounts of a throwaway database


def buyer_email(number: int) -> str:
    return f"load-buyer-{number}@example.com"


def create_buyers(count: int) -> None:
    """Create `count` customers with verified e-mails, all with BUYER_PASSWORD (hashed once)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from website.accounts.models import User

    password = make_password(BUYER_PASSWORD)
    users = User.objects.bulk_create(
        User(email=buyer_email(number), password=password) for number in range(count)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
