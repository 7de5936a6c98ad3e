from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "sanctuary.intake"
    label = "intake"
