from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "sanctuary.cases"
    label = "cases"
