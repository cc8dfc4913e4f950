"""Every money-affecting admin change goes into Wagtail's audit log (Reports → Site history):
the entry's user is who, its data is what (the values set or changed)."""

from django.db.models import Model, QuerySet
from wagtail.admin.views.generic import CreateView, EditView
from wagtail.log_actions import LogFormatter, log

from shop.templatetags.money import money

# action: (label, message). "shop.order.refund" is for the refund view to log.
SHOP_LOG_ACTIONS = {
    "shop.create": ("Create (shop)", "Created"),
    "shop.edit": ("Edit (shop)", "Changed"),
    "shop.gift_card.issue": ("Issue gift card", "Gift card issued"),
    "shop.gift_card.deactivate": ("Deactivate gift card", "Gift card deactivated"),
    "shop.gift_card.resend": ("Resend gift card", "Gift card e-mail sent again"),
    "shop.order.refund": ("Refund order", "Refunded"),
    "shop.membership.clock": ("Advance membership clock", "Demo renewal"),
    "shop.membership.refund": ("Refund membership invoice", "Refunded, membership ended"),
    "shop.instalment_plan.clock": ("Advance payment plan clock", "Demo instalment"),
}


def _logged_value(name: str, value) -> str:
    """Money (a `…_cents` value) as money, so the log never shows cents; the rest as set."""
    if name.endswith("_cents") and str(value).lstrip("-").isdigit():
        return money(int(value))
    return value


class ShopLogFormatter(LogFormatter):
    """ "Changed: percent_off = 50, amount_off_cents = $5.00": the message names what was set."""

    def format_message(self, log_entry):
        values = log_entry.data.get("values") or {}
        if not values:
            return self.message
        return f"{self.message}: " + ", ".join(
            f"{name} = {_logged_value(name, value)}" for name, value in values.items()
        )


def register_shop_log_actions(actions) -> None:
    """The `register_log_actions` hook's body: each shop action with its label and message."""
    for action, (label, message) in SHOP_LOG_ACTIONS.items():
        formatter = type(
            "ShopLogFormatter", (ShopLogFormatter,), {"label": label, "message": message}
        )
        actions.register_action(action)(formatter)


def _plain(value) -> str | list[str]:
    if isinstance(value, QuerySet):
        return [str(item) for item in value]
    if isinstance(value, Model):
        return str(value)
    return "" if value is None else str(value)


def form_values(form, *, changed_only: bool) -> dict:
    """What the admin form set: every field on create, the changed ones on edit."""
    names = form.changed_data if changed_only else list(form.cleaned_data)
    return {name: _plain(form.cleaned_data.get(name)) for name in names}


def log_shop_action(*, instance, action: str, user, values: dict | None = None) -> None:
    """One audit entry: who (`user`) did `action` to `instance`, and with which values."""
    log(instance=instance, action=action, user=user, data={"values": values or {}})


class AuditedCreateView(CreateView):
    """Saves as Wagtail does, but logs "shop.create" with every value the form set."""

    def save_instance(self):
        self.action_class(
            self.form.instance,
            user=self.request.user,
            form=self.form,
            sort_order_field=self.sort_order_field,
            log_action=False,
        ).execute(skip_permission_checks=True)
        log_shop_action(
            instance=self.form.instance,
            action="shop.create",
            user=self.request.user,
            values=form_values(self.form, changed_only=False),
        )
        return self.form.instance


class AuditedEditView(EditView):
    """Saves as Wagtail does, but logs `audit_action` with the values the form changed."""

    def audit_action(self) -> str:
        return "shop.edit"

    def save_instance(self):
        self.action_class(
            self.form.instance, user=self.request.user, form=self.form, log_action=False
        ).execute(skip_permission_checks=True)
        log_shop_action(
            instance=self.form.instance,
            action=self.audit_action(),
            user=self.request.user,
            values=form_values(self.form, changed_only=True),
        )
        return self.form.instance
