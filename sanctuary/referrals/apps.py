from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "sanctuary.referrals"
    label = "referrals"
