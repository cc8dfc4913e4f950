from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from website.newsletter.admin_views import (
    SourcePagesReportView,
    SubscriberPermissionPolicy,
    SubscriberViewSet,
)
from website.newsletter.models import Subscriber

register_permission_policy(Subscriber, SubscriberPermissionPolicy(Subscriber))


@hooks.register("register_admin_viewset")
def register_subscriber_viewset():
    return SubscriberViewSet("newsletter_subscribers")


@hooks.register("register_admin_urls")
def register_source_pages_report_urls():
    return [
        path(
            "reports/newsletter-sources/",
            SourcePagesReportView.as_view(),
            name="newsletter_source_pages",
        ),
        path(
            "reports/newsletter-sources/results/",
            SourcePagesReportView.as_view(results_only=True),
            name="newsletter_source_pages_results",
        ),
    ]


class SourcePagesMenuItem(MenuItem):
    def is_shown(self, request):
        return SourcePagesReportView.permission_policy.user_has_any_permission(
            request.user, SourcePagesReportView.any_permission_required
        )


@hooks.register("register_reports_menu_item")
def register_source_pages_report_menu_item():
    return SourcePagesMenuItem(
        "Newsletter sign-ups by page",
        reverse("newsletter_source_pages"),
        name="newsletter-sources",
        icon_name="mail",
        order=1200,
    )
