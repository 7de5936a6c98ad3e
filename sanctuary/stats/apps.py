from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "sanctuary.stats"
    label = "stats"

    def ready(self) -> None:
        from sanctuary.cases.tasks import register_periodic_task
        from sanctuary.stats.tasks import draft_monthly_release

        register_periodic_task(draft_monthly_release)
