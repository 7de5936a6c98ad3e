from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "sanctuary.notices"
    label = "notices"
