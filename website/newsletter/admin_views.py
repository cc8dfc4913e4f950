"""The editors' view of the list: subscribers (filter, search, CSV export) and sign-ups per page."""

import django_filters
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, NumberColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy

from website.newsletter.models import Subscriber
from website.newsletter.selectors import subscriber_counts_by_source_page
from website.spreadsheets import spreadsheet_safe


class SubscriberPermissionPolicy(ModelPermissionPolicy):
    """Editors may view, correct and delete subscribers but never add one: joining takes opt-in."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(
            user, [action for action in actions if action != "add"]
        )


def _pages_with_subscribers(request):
    return Page.objects.filter(newsletter_subscribers__isnull=False).distinct().order_by("title")


class SubscriberFilterSet(WagtailFilterSet):
    source_page = django_filters.ModelChoiceFilter(
        label="Source page", queryset=_pages_with_subscribers
    )

    class Meta:
        model = Subscriber
        fields = ["status", "source_page"]


class SubscriberIndexView(IndexView):
    """Wagtail's listing, with visitor-typed text made safe to open in a spreadsheet."""

    custom_field_preprocess = {
        field: {IndexView.FORMAT_CSV: spreadsheet_safe}
        for field in ("email", "first_name", "source_page_title")
    }


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    url_prefix = "newsletter/subscribers"
    index_view_class = SubscriberIndexView
    icon = "mail"
    menu_label = "Newsletter"
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["email", "first_name", "status", "source_page", "created_at", "confirmed_at"]
    filterset_class = SubscriberFilterSet
    search_fields = ["email", "first_name"]
    list_export = [
        "email",
        "first_name",
        "status",
        "source_page_title",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
    ]
    export_headings = {"source_page_title": "Source page"}
    export_filename = "newsletter-subscribers"
    form_fields = ["first_name"]
    inspect_view_enabled = True
    copy_view_enabled = False
    # Otherwise a page's "usage" tab would list the addresses of everyone who signed up on it.
    add_to_reference_index = False


class SourcePagesReportView(ReportView):
    """Sign-ups per source page, so editors see which episodes and articles bring readers."""

    page_title = "Newsletter sign-ups by page"
    header_icon = "mail"
    index_url_name = "newsletter_source_pages"
    index_results_url_name = "newsletter_source_pages_results"
    permission_policy = SubscriberPermissionPolicy(Subscriber)
    any_permission_required = ["view", "change", "delete"]
    list_export = [
        "title",
        "subscribers_confirmed",
        "subscribers_pending",
        "subscribers_unsubscribed",
        "subscribers_total",
    ]
    export_headings = {
        "title": "Page",
        "subscribers_confirmed": "Confirmed",
        "subscribers_pending": "Pending",
        "subscribers_unsubscribed": "Unsubscribed",
        "subscribers_total": "Total",
    }
    export_filename = "newsletter-sign-ups-by-page"
    columns = [
        TitleColumn("title", label="Page", url_name="wagtailadmin_pages:edit"),
        NumberColumn("subscribers_confirmed", label="Confirmed"),
        NumberColumn("subscribers_pending", label="Pending"),
        NumberColumn("subscribers_unsubscribed", label="Unsubscribed"),
        Column("subscribers_total", label="Total"),
    ]

    def get_queryset(self):
        return subscriber_counts_by_source_page()
