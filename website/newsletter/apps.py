from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "website.newsletter"
    label = "newsletter"
    verbose_name = "Newsletter"
