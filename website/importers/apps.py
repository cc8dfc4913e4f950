from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "website.importers"
    label = "importers"
    verbose_name = "Importers"

    def ready(self):
        from website.importers import jobs

        jobs.register()
