from django.apps import AppConfig


class KeyringConfig(AppConfig):
    name = "sanctuary.keyring"
    label = "keyring"
