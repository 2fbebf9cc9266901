from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "forlop.accounts"
    label = "accounts"
    verbose_name = "Login"
