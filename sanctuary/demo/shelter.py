"""Demo stay requests from the demo cases that asked for a bed (sanctuary/demo/seed.py). Run after
the demo staff, cases and hosts exist; running it twice adds nothing. When offers exist it also
runs the matcher once, so the shelter coordinator's page shows a plan to approve."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sanctuary.accounts.models import User
from sanctuary.cases.models import CaseFile
from sanctuary.hosts.models import Offer
from sanctuary.keyring import services as keyring
from sanctuary.shelter import services
from sanctuary.shelter.models import MatchRun, StayRequest

# (city, country, days from today, nights, men, women, children, needs) per demo case that
# wants a bed, in the order the demo seeds them.
PARTIES = [
    ("Almaty", "KZ", 4, 5, 1, 0, 0, "Нужна тихая комната на первые ночи после перехода границы."),
    ("Uralsk", "KZ", 0, 1, 1, 0, 0, "В Уральске с вечера, ночевать негде; утром едет в Алматы."),
    ("Uralsk", "KZ", 0, 2, 1, 0, 0, "Переходит границу ночью, в Уральске будет к утру."),
    ("Yerevan", "AM", 1, 3, 1, 0, 0, "Лучше квартира подальше от Гюмри; говорит по-английски."),
]


@transaction.atomic
def seed_stay_requests() -> int:
    """A stay request for each demo case that asked for a bed and has none yet, made by the
    demo coordinator (who holds every case through the intake group). Returns how many."""
    coordinator = User.objects.get(username="coordinator")
    keypair = keyring.open_staff_secret(coordinator, "demo-coordinator-passphrase")
    assert keypair is not None
    keychain = keyring.keychain_for(coordinator, keypair)
    wanting = [
        file
        for file in CaseFile.objects.select_related("case").order_by("received_at")
        if "bed" in (file.case.help_wanted or [])
    ]
    today = timezone.localdate()
    created = 0
    for file, party in zip(wanting, PARTIES, strict=False):
        if StayRequest.objects.filter(case_id=file.case_id).exists():
            continue
        city, country, days, nights, men, women, children, needs = party
        services.do_create_request(
            file,
            data={
                "country": country,
                "city": city,
                "arrival": today + dt.timedelta(days=days),
                "nights": nights,
                "adult_men": men,
                "adult_women": women,
                "children": children,
                "languages": sorted(file.case.languages or ["ru"]),
                "needs_step_free": False,
                "has_pets": False,
                "medical_needs": False,
                "needs": needs,
            },
            keychain=keychain,
        )
        created += 1
    if Offer.objects.active().exists() and not MatchRun.objects.exists():
        shelter = User.objects.filter(username="shelter").first()
        services.do_run_matcher(shelter)
    return created
