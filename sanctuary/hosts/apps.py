from django.apps import AppConfig


class HostsConfig(AppConfig):
    name = "sanctuary.hosts"
    label = "hosts"

    def ready(self) -> None:
        from sanctuary.accounts.signals import invitation_accepted
        from sanctuary.hosts.services import on_invitation_accepted

        invitation_accepted.connect(on_invitation_accepted, dispatch_uid="hosts.link_account")
