from django.apps import AppConfig


class HostsConfig(AppConfig):
    name = "sanctuary.hosts"
    label = "hosts"
