"""Demo store data: the WELCOME10 coupon, printed by `make run` beside the demo logins."""

from shop.models import Coupon


def seed(*, stdout) -> None:
    Coupon.objects.get_or_create(
        code="WELCOME10", defaults={"kind": Coupon.Kind.PERCENT, "percent_off": 10}
    )
    stdout.write(
        "Coupon: WELCOME10  (10% off, no minimum; payments use the test gateway, no money moves)"
    )
