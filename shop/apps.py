from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Shop"

    def ready(self):
        from django.db import models
        from wagtail.admin.forms.models import register_form_field_override

        from shop import receivers  # noqa: F401 - connects the login receiver
        from shop.forms import money_form_field_override
        from shop.middleware import connect_signals

        # Here rather than in wagtail_hooks.py (loaded on the first admin request): every admin
        # form built from a model, page forms included, must get it, even outside a request.
        register_form_field_override(models.IntegerField, override=money_form_field_override)
        connect_signals()
