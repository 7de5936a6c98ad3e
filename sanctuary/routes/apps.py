from django.apps import AppConfig


class RoutesConfig(AppConfig):
    name = "sanctuary.routes"
    label = "routes"
