from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "website.accounts"
    label = "accounts"
    verbose_name = "Accounts"
