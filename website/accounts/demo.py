"""Demo logins, printed by `make run` so a newcomer can sign in at once."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from website.accounts.models import User

DEMO_PASSWORD = "coachhouse-demo"  # noqa: S105 - a published demo login on the local demo site only

DEMO_USERS = [
    # email, role, superuser, groups
    ("admin@coachhouse.test", "Administrator and moderator", True, ["Moderators"]),
    ("editor@coachhouse.test", "Editor (drafts, submits for moderation)", False, ["Editors"]),
    (
        "shop@coachhouse.test",
        "Shop manager (orders, refunds, coupons, gift cards, promotions)",
        False,
        ["Shop managers"],
    ),
    ("customer@coachhouse.test", "Customer", False, []),
]


def demo_login(
    email: str, *, first_name: str, last_name: str = "", is_superuser: bool = False, groups=()
) -> User:
    """The demo account with this e-mail (verified), password DEMO_PASSWORD; made once."""
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "is_staff": is_superuser,
            "is_superuser": is_superuser,
            "first_name": first_name,
            "last_name": last_name,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.groups.set(Group.objects.filter(name__in=groups))
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def seed(*, stdout) -> None:
    for email, role, is_superuser, groups in DEMO_USERS:
        demo_login(email, first_name=role.split()[0], is_superuser=is_superuser, groups=groups)
        stdout.write(f"Login: {email} / {DEMO_PASSWORD}  ({role})")
