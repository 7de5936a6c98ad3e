from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sanctuary.demo"
    label = "demo"
    verbose_name = "Demo data"
