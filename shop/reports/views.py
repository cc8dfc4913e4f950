"""The Sales dashboard in the Wagtail admin (Reports → Sales), for shop managers."""

from django.conf import settings
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from shop.money import format_money_short

from .charts import bar_chart, column_chart
from .forms import DEFAULT_PRESET, PRESETS, PeriodForm
from .memberships import membership_figures
from .selectors import Period, SalesReport, sales_report

# Reading the orders is what the dashboard shows; Shop managers hold it, Editors do not.
PERMISSION = "shop.view_order"


def user_may_see_sales(user) -> bool:
    return user.is_active and user.has_perm(PERMISSION)


def _bucket_label(period: Period, start) -> str:
    if period.granularity == "month":
        return start.strftime("%b %Y")
    if period.granularity == "week":
        return "w/c " + start.strftime("%-d %b")
    return start.strftime("%-d %b")


def _charts(report: SalesReport) -> dict:
    currency = settings.SITE_CURRENCY

    def money(cents: int) -> str:
        return format_money_short(cents, currency)

    period = report.period
    per = period.granularity
    labels = [_bucket_label(period, b.start) for b in report.buckets]
    span = f"{period.start:%-d %b %Y} to {period.end:%-d %b %Y}"

    def series(slug, title, values, fmt, what):
        points = list(zip(labels, values, strict=True))
        peak = max(points, key=lambda p: p[1], default=("", 0))
        desc = (
            f"{what} per {per}, {span}: {len(points)} bars; the highest is {fmt(peak[1])}"
            f" ({peak[0]}). The table beside it has every figure."
            if any(values)
            else f"No {what.lower()} from {span}."
        )
        return column_chart(slug=slug, title=title, desc=desc, points=points, fmt=fmt)

    buckets = report.buckets
    totals = report.totals
    return {
        "money": series(
            "money",
            f"Money taken per {per}",
            [b.money_cents for b in buckets],
            money,
            "Money taken",
        ),
        "orders": series("orders", f"Orders per {per}", [b.orders for b in buckets], str, "Orders"),
        "average": series(
            "average",
            f"Average order value per {per}",
            [b.average_cents for b in buckets],
            money,
            "Average order value",
        ),
        "refunds": series(
            "refunds", f"Refunds per {per}", [b.refunds_cents for b in buckets], money, "Refunds"
        ),
        "products": bar_chart(
            slug="products",
            title="Sales by product",
            desc=f"Line amounts of the {len(report.products)} products sold, {span}.",
            points=[(p.title, p.cents) for p in report.products],
            fmt=money,
        ),
        "coupons": bar_chart(
            slug="coupons",
            title="Coupon discounts by code",
            desc=f"What each of {len(report.coupons)} coupon codes took off orders, {span}.",
            points=[(c.code.upper(), c.discount_cents) for c in report.coupons],
            fmt=money,
        ),
        "payment": bar_chart(
            slug="payment",
            title="How order value was paid",
            desc=(
                f"Of {money(totals.value_cents)} order value, {money(totals.money_cents)} was paid "
                f"through the gateway and {money(totals.gift_card_cents)} with gift cards."
            ),
            points=[
                ("Paid (card / gateway)", totals.money_cents),
                ("Paid with gift cards", totals.gift_card_cents),
            ],
            fmt=money,
        ),
        "funnel": bar_chart(
            slug="funnel",
            title="Newsletter subscribers by source page",
            desc=(
                "Confirmed subscribers who signed up on each page in the period; the table "
                "beside it says how many later bought, and what."
            ),
            points=[(f.title, f.subscribers) for f in report.funnel],
            fmt=str,
        ),
    }


class SalesReportView(WagtailAdminTemplateMixin, TemplateView):
    """Revenue, orders, average order value, products, coupons, gift cards, refunds and the
    newsletter funnel for a chosen period, each as an SVG chart beside a table of its figures.
    Only for users who may read orders (the Shop managers); others get a 403 page."""

    template_name = "shop/admin/reports/sales.html"
    page_title = "Sales"
    header_icon = "doc-full-inverse"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": "Sales"}]

    def get(self, request, *args, **kwargs):
        if not user_may_see_sales(request.user):
            # Wagtail would turn PermissionDenied into a redirect to the dashboard; say it here.
            context = {**super().get_context_data(**kwargs), "forbidden": True}
            return TemplateResponse(request, self.template_name, context, status=403)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        form = PeriodForm(
            self.request.GET or None, initial={"preset": DEFAULT_PRESET, "granularity": "auto"}
        )
        period = form.period()
        report = sales_report(period=period)
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "presets": [(value, label) for value, label in PRESETS if value != "custom"],
            "period": period,
            "report": report,
            "charts": _charts(report),
            "memberships": membership_figures(),
            "time_zone": timezone.get_current_timezone_name(),
        }
