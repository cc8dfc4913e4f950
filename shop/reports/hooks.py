"""Wagtail registrations of the shop's reports (imported by shop/wagtail_hooks.py)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .views import SalesReportView, user_may_see_sales


@hooks.register("register_admin_urls")
def register_sales_report_url():
    return [path("reports/sales/", SalesReportView.as_view(), name="shop_sales_report")]


class SalesMenuItem(MenuItem):
    def is_shown(self, request):
        return user_may_see_sales(request.user)


@hooks.register("register_reports_menu_item")
def register_sales_report_menu_item():
    return SalesMenuItem(
        "Sales", reverse("shop_sales_report"), name="sales", icon_name="doc-full-inverse", order=850
    )
