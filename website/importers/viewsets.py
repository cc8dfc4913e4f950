from django.urls import path
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from website.importers.jobs import PERMISSION, WOOCOMMERCE_IMPORT, WORDPRESS_IMPORT
from website.importers.views import ImportUploadView


class _ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


class ImportViewSet(ViewSet):
    """An upload page under Settings, shown to those who may run imports."""

    icon = "upload"
    add_to_settings_menu = True
    kind = WORDPRESS_IMPORT

    def get_urlpatterns(self):
        return [path("", ImportUploadView.as_view(kind=self.kind), name="upload")]

    menu_item_class = _ImportMenuItem


def import_viewsets() -> list[ViewSet]:
    return [
        ImportViewSet("wordpress_import", kind=WORDPRESS_IMPORT, menu_label="Import WordPress"),
        ImportViewSet(
            "woocommerce_import", kind=WOOCOMMERCE_IMPORT, menu_label="Import WooCommerce"
        ),
    ]
