from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "website.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
