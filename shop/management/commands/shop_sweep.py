"""Do the store's time-based work that is due: release abandoned orders' holds (gift card
amounts, coupon uses), send gift cards whose delivery date has come, write off expired
balances, e-mail members (and payment plan customers) whose failed payment's grace period
ends soon, and end the payment plans whose grace period has run out.

With the database task backend these happen on time by themselves (tasks are scheduled
with `run_after`); this command is the safety net, and the way on backends that cannot
defer. Running it again changes nothing.
"""

from django.core.management.base import BaseCommand

from shop.services import (
    gift_cards_deliver_due,
    gift_cards_expire_due,
    instalment_plans_end_overdue,
    instalment_plans_send_ending_notices,
    memberships_send_ending_notices,
    orders_release_abandoned,
)


class Command(BaseCommand):
    help = (
        "Release abandoned orders' gift card holds and coupon uses, deliver due gift cards, "
        "expire balances."
    )

    def handle(self, *args, **options):
        released = orders_release_abandoned()
        delivered = gift_cards_deliver_due()
        expired = gift_cards_expire_due()
        notices = memberships_send_ending_notices()
        plan_notices = instalment_plans_send_ending_notices()
        overdue = instalment_plans_end_overdue()
        self.stdout.write(
            f"Released {released} abandoned order(s); queued {delivered} gift card email(s); "
            f"expired {expired} card(s); sent {notices} membership ending notice(s)."
        )
        if plan_notices or overdue:
            self.stdout.write(
                f"Sent {plan_notices} payment plan ending notice(s); ended {overdue} overdue "
                "payment plan(s)."
            )
