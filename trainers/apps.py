from django.apps import AppConfig


class TrainersConfig(AppConfig):
    name = "trainers"

    def ready(self):
        from . import jobs

        jobs.register()
