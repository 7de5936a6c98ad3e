from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "sanctuary.referrals"
    label = "referrals"

    def ready(self) -> None:
        from sanctuary.cases.sections import register_case_section
        from sanctuary.cases.tasks import register_periodic_task
        from sanctuary.referrals.tasks import expire_referrals
        from sanctuary.referrals.views import case_section

        register_case_section(case_section)
        register_periodic_task(expire_referrals)
