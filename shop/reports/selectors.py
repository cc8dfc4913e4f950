"""The Sales dashboard's figures, computed in SQL from orders, in integer cents.

What counts (docs/decisions.md):
- A **sale** is an order that was paid and fulfilled: status paid, partially refunded or
  refunded, with a payment time, and not one of the orders paid after what they held had gone
  (those delivered nothing and are refunded in full: they are neither sales nor refunds). It
  counts on the day it was paid (`paid_at`), in the site's time zone.
- **Order value** is what the goods cost after the coupon (subtotal minus discount); **money
  taken** is what the customer paid through the gateway (`total_cents`); the rest of the order
  value was paid with **gift cards** (`gift_card_cents`).
- **Refunds** are the money given back (`refunded_cents`, cumulative per order) on the day of
  the order's latest refund (`refunded_at`): the shop records one running total per order, so
  two partial refunds on different days count together on the later day.
- **Net** = money taken minus refunds (of the same period).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, Trunc
from django.utils import timezone

from shop.models import Order, OrderLine
from website.newsletter.models import Subscriber

SOLD_STATUSES = (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED, Order.Status.REFUNDED)
GRANULARITIES = ("day", "week", "month")


@dataclass(frozen=True)
class Period:
    """Whole days `start` … `end` (inclusive) in the site's time zone, charted per `granularity`."""

    start: date
    end: date
    granularity: str = "day"

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        """The first moment after the period (the next day's midnight, local time)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def bucket_starts(self) -> list[date]:
        """The first day of every day, week (Monday) or month that overlaps the period."""
        first = _bucket_of(self.start, self.granularity)
        starts = []
        while first <= self.end:
            starts.append(first)
            first = _next_bucket(first, self.granularity)
        return starts


def _bucket_of(day: date, granularity: str) -> date:
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def _next_bucket(day: date, granularity: str) -> date:
    if granularity == "week":
        return day + timedelta(days=7)
    if granularity == "month":
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return day + timedelta(days=1)


def average_cents(total_cents: int, count: int) -> int:
    """`total_cents` / `count` rounded half up to a whole cent (0 for no orders)."""
    if count <= 0:
        return 0
    return (2 * total_cents + count) // (2 * count)


@dataclass(frozen=True)
class Bucket:
    start: date
    orders: int = 0
    value_cents: int = 0
    money_cents: int = 0
    gift_card_cents: int = 0
    discount_cents: int = 0
    refunds_cents: int = 0
    refunded_orders: int = 0

    @property
    def net_cents(self) -> int:
        return self.money_cents - self.refunds_cents

    @property
    def average_cents(self) -> int:
        return average_cents(self.value_cents, self.orders)


@dataclass(frozen=True)
class ProductSales:
    title: str
    is_gift_card: bool
    quantity: int
    cents: int


@dataclass(frozen=True)
class CouponUse:
    code: str
    orders: int
    discount_cents: int


@dataclass(frozen=True)
class SourceFunnel:
    """Subscribers who signed up on one page, and what those of them who later bought spent."""

    page_id: int | None
    title: str
    subscribers: int
    buyers: int
    money_cents: int = 0
    products: list[tuple[str, int]] = field(default_factory=list)

    @property
    def conversion_percent(self) -> int:
        return (
            (200 * self.buyers + self.subscribers) // (2 * self.subscribers)
            if self.subscribers
            else 0
        )


@dataclass(frozen=True)
class SalesReport:
    period: Period
    totals: Bucket
    buckets: list[Bucket]
    products: list[ProductSales]
    coupons: list[CouponUse]
    gift_card_orders: int
    gift_card_only_orders: int
    full_refunds: int
    partial_refunds: int
    funnel: list[SourceFunnel]


def sold_orders() -> QuerySet[Order]:
    """Orders that were paid and fulfilled (whatever was refunded since)."""
    return Order.objects.filter(
        status__in=SOLD_STATUSES, paid_at__isnull=False, failure_message=""
    ).order_by()


def _in(queryset: QuerySet, moment: str, period: Period) -> QuerySet:
    return queryset.filter(**{f"{moment}__gte": period.start_at, f"{moment}__lt": period.end_at})


def _trunc(moment: str, granularity: str) -> Trunc:
    return Trunc(
        moment, granularity, output_field=DateField(), tzinfo=timezone.get_current_timezone()
    )


_ZERO = 0
# A line's product as the report names it: the course title as sold, or "Gift cards".
_PRODUCT = Case(When(is_gift_card=True, then=Value("Gift cards")), default=F("title"))


def _sum(expression) -> Coalesce:
    return Coalesce(Sum(expression), _ZERO, output_field=IntegerField())


def sales_report(*, period: Period) -> SalesReport:
    """Every figure of the Sales dashboard for `period` (see the module's docstring)."""
    sales = _in(sold_orders(), "paid_at", period)
    sale_figures = {
        "orders": Count("pk"),
        "value_cents": _sum(F("subtotal_cents") - F("discount_cents")),
        "money_cents": _sum("total_cents"),
        "gift_card_cents": _sum("gift_card_cents"),
        "discount_cents": _sum("discount_cents"),
    }
    refunds = _in(sold_orders().filter(refunded_cents__gt=0), "refunded_at", period)
    refund_figures = {"refunded_orders": Count("pk"), "refunds_cents": _sum("refunded_cents")}

    per_bucket: dict[date, dict] = {start: {} for start in period.bucket_starts()}
    rows = (
        sales.annotate(bucket=_trunc("paid_at", period.granularity))
        .values("bucket")
        .annotate(**sale_figures)
    )
    for row in rows:
        per_bucket.setdefault(row.pop("bucket"), {}).update(row)
    rows = (
        refunds.annotate(bucket=_trunc("refunded_at", period.granularity))
        .values("bucket")
        .annotate(**refund_figures)
    )
    for row in rows:
        per_bucket.setdefault(row.pop("bucket"), {}).update(row)
    buckets = [Bucket(start=start, **figures) for start, figures in sorted(per_bucket.items())]
    totals = Bucket(
        start=period.start, **sales.aggregate(**sale_figures), **refunds.aggregate(**refund_figures)
    )

    products = [
        ProductSales(
            title=row["product"],
            is_gift_card=row["is_gift_card"],
            quantity=row["units"],
            cents=row["cents"],
        )
        for row in OrderLine.objects.filter(order__in=sales)
        .annotate(product=_PRODUCT)
        .values("product", "is_gift_card")
        .annotate(units=_sum("quantity"), cents=_sum(F("unit_price_cents") * F("quantity")))
        .order_by("-cents", "product")
    ]
    coupons = [
        CouponUse(code=row["code"], orders=row["orders"], discount_cents=row["discount_cents"])
        for row in sales.exclude(coupon_code="")
        .annotate(code=Lower("coupon_code"))
        .values("code")
        .annotate(orders=Count("pk"), discount_cents=_sum("discount_cents"))
        .order_by("-discount_cents", "code")
    ]
    cards = sales.aggregate(
        with_cards=Count("pk", filter=Q(gift_card_cents__gt=0)),
        cards_only=Count("pk", filter=Q(gift_card_cents__gt=0, total_cents=0)),
    )
    refund_kinds = refunds.aggregate(
        full=Count("pk", filter=Q(status=Order.Status.REFUNDED)),
        partial=Count("pk", filter=Q(status=Order.Status.PARTIALLY_REFUNDED)),
    )
    return SalesReport(
        period=period,
        totals=totals,
        buckets=buckets,
        products=products,
        coupons=coupons,
        gift_card_orders=cards["with_cards"],
        gift_card_only_orders=cards["cards_only"],
        full_refunds=refund_kinds["full"],
        partial_refunds=refund_kinds["partial"],
        funnel=newsletter_funnel(period=period),
    )


def newsletter_funnel(*, period: Period) -> list[SourceFunnel]:
    """Per source page: the subscribers who signed up (and confirmed) in `period`, how many of
    them later bought (a sale to their address paid after they signed up and before the period
    ended), the money those sales took, and what they bought (quantities per product)."""
    signups = _in(Subscriber.objects.filter(confirmed_at__isnull=False), "created_at", period)
    later_sales = sold_orders().filter(paid_at__lt=period.end_at).annotate(address=Lower("email"))
    bought = Exists(
        later_sales.filter(address=OuterRef("email"), paid_at__gt=OuterRef("created_at"))
    )
    rows = (
        signups.order_by()
        .annotate(bought=bought)
        .values("source_page_id")
        .annotate(
            page_title=Max("source_page__title"),
            subscribers=Count("pk"),
            buyers=Count("pk", filter=Q(bought=True)),
        )
    )
    # Each later sale belongs to the source page of the buyer's sign-up (the address is unique).
    source = Subquery(
        signups.filter(email=OuterRef("address"), created_at__lt=OuterRef("paid_at")).values(
            "source_page_id"
        )[:1]
    )
    attributed = later_sales.annotate(source=source).filter(
        Exists(signups.filter(email=OuterRef("address"), created_at__lt=OuterRef("paid_at")))
    )
    money = {
        row["source"]: row["cents"]
        for row in attributed.values("source").annotate(cents=_sum("total_cents")).order_by()
    }
    products: dict[int | None, list[tuple[str, int]]] = {}
    lines = (
        OrderLine.objects.filter(order__in=attributed.values("pk"))
        .annotate(address=Lower("order__email"))
        .annotate(
            source=Subquery(
                signups.filter(
                    email=OuterRef("address"), created_at__lt=OuterRef("order__paid_at")
                ).values("source_page_id")[:1]
            )
        )
        .annotate(product=_PRODUCT)
        .values("source", "product")
        .annotate(units=_sum("quantity"))
        .order_by("source", "-units", "product")
    )
    for row in lines:
        products.setdefault(row["source"], []).append((row["product"], row["units"]))
    funnel = [
        SourceFunnel(
            page_id=row["source_page_id"],
            title=row["page_title"] or "(no page recorded)",
            subscribers=row["subscribers"],
            buyers=row["buyers"],
            money_cents=money.get(row["source_page_id"], 0),
            products=products.get(row["source_page_id"], []),
        )
        for row in rows
    ]
    return sorted(funnel, key=lambda f: (-f.subscribers, -f.buyers, f.title))
