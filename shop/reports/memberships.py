"""The Sales dashboard's membership figures: monthly recurring revenue and churn.

What counts (docs/decisions.md):
- **MRR** is what the memberships that will renew bring in per month, in integer cents: every
  active membership that gives access and is not set to end at its period's end, at its
  renewal price (the sold price less a "forever" discount); a yearly price counts for a
  twelfth (the yearly sum divided by 12, rounded half up once). Trials, past-due and
  ending memberships are not recurring revenue.
- **Churn** over the 30 days to now: of the memberships that were running at its start
  (started by then, not ended by then), the share that ended within it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, Sum
from django.utils import timezone

from shop.models import Membership, MembershipPlan

from .selectors import average_cents

CHURN_DAYS = 30


@dataclass(frozen=True)
class MembershipFigures:
    mrr_cents: int
    recurring_members: int
    ended: int  # of `running_at_start`, ended in the churn window
    running_at_start: int

    @property
    def churn_tenths(self) -> int:
        """Churn in tenths of a percent, rounded half up (0 when nobody was running)."""
        return average_cents(1000 * self.ended, self.running_at_start)

    @property
    def churn_percent(self) -> str:
        return f"{self.churn_tenths // 10}.{self.churn_tenths % 10}%"


def membership_figures(*, now: datetime | None = None) -> MembershipFigures:
    """MRR and the last 30 days' churn as of `now` (the rules: this module's docstring)."""
    now = now or timezone.now()
    recurring = Membership.objects.giving_access(now=now).filter(
        status=Membership.Status.ACTIVE, cancel_at_period_end=False
    )
    cents = {MembershipPlan.Interval.MONTH: 0, MembershipPlan.Interval.YEAR: 0}
    for row in recurring.values("interval").annotate(
        price=Sum("price_cents"), discount=Sum("renewal_discount_cents")
    ):
        cents[row["interval"]] += row["price"] - row["discount"]
    start = now - timedelta(days=CHURN_DAYS)
    running_at_start = (
        Membership.objects.exclude(status=Membership.Status.INCOMPLETE)
        .filter(started_at__lte=start)
        .filter(Q(canceled_at__isnull=True) | Q(canceled_at__gt=start))
    )
    return MembershipFigures(
        mrr_cents=cents[MembershipPlan.Interval.MONTH]
        + average_cents(cents[MembershipPlan.Interval.YEAR], 12),
        recurring_members=recurring.count(),
        ended=running_at_start.filter(canceled_at__lte=now).count(),
        running_at_start=running_at_start.count(),
    )
