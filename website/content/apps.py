from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "website.content"
    label = "content"
    verbose_name = "Content"
