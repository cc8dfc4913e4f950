"""Reads about payment plans: a customer's plans with their instalments."""

from courses.selectors import Visitor
from shop.models import InstalmentPlan


def instalment_plans_for(*, user: Visitor) -> list[InstalmentPlan]:
    """The user's payment plans that started (the first instalment paid), newest first,
    with their courses and instalments."""
    if not user.is_authenticated:
        return []
    return list(
        InstalmentPlan.objects.filter(user=user)
        .exclude(status=InstalmentPlan.Status.INCOMPLETE)
        .select_related("course", "order")
        .prefetch_related("payments")
    )
