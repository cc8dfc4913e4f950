from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "website.content"
    label = "content"
    verbose_name = "Content"

    def ready(self):
        from website.content import page_cache

        page_cache.connect_signals()
