from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sanctuary.accounts"
    label = "accounts"
