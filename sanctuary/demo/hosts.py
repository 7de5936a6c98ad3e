"""Demo hosts and offers in the cities seekers travel to. Every name, address and phone here is
invented (street names say so); only for `make demo`, called by the seed_demo command after
the demo staff exist. Idempotent: each demo host has a fixed id and is made once."""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from sanctuary.accounts.models import User
from sanctuary.hosts.models import Host, Offer, VettingStep
from sanctuary.keyring.groups import SHELTER_COORDINATORS
from sanctuary.keyring.models import Holder
from sanctuary.keyring.services import OpenedRecord, group_holder, seal_new_record

# The demo host login (sanctuary/demo/seed.py) is linked to this host.
PORTAL_HOST = "almaty-1"


@dataclass(frozen=True)
class DemoOffer:
    beds: int
    starts_in: int  # days from today; negative: the offer is already running
    nights: int  # length of the window
    max_nights: int
    men: bool = True
    women_only: bool = False
    children: bool = True
    families_only: bool = False
    pets: bool = False
    step_free: bool = False
    notes: str = ""


@dataclass(frozen=True)
class DemoHost:
    key: str
    name: str
    address: str
    contact: str
    country: str
    city: str
    tier: int
    languages: tuple[str, ...]
    offers: tuple[DemoOffer, ...] = field(default=())


DEMO_HOSTS = (
    DemoHost(
        "almaty-1",
        "Айгерим Вымышленная",
        "Алматы, ул. Демонстрационная, 12, кв. 3 (вымышленный адрес)",
        "+7 700 000 00 01 (demo)",
        "KZ",
        "Almaty",
        1,
        ("ru", "kk"),
        (
            DemoOffer(2, -3, 60, 14, notes="Ключ у соседки, третий этаж без лифта."),
            DemoOffer(1, 20, 40, 30),
        ),
    ),
    DemoHost(
        "almaty-2",
        "Нурлан Примеров",
        "Алматы, пр. Примерный, 45 (вымышленный адрес)",
        "@demo_nurlan",
        "KZ",
        "Almaty",
        2,
        ("ru", "kk", "en"),
        (DemoOffer(4, 0, 90, 30, pets=True, notes="Есть двор, собаки можно."),),
    ),
    DemoHost(
        "almaty-3",
        "Ольга Тестовая",
        "Алматы, мкр. Образцовый, 7, кв. 70 (вымышленный адрес)",
        "+7 700 000 00 03 (demo)",
        "KZ",
        "Almaty",
        1,
        ("ru",),
        (DemoOffer(2, 2, 45, 10, men=False, women_only=True, children=True),),
    ),
    DemoHost(
        "astana-1",
        "Ерлан Выдуманный",
        "Астана, ул. Условная, 8, кв. 14 (вымышленный адрес)",
        "+7 701 000 00 04 (demo)",
        "KZ",
        "Astana",
        1,
        ("ru", "kk"),
        (DemoOffer(3, -1, 30, 7, step_free=True),),
    ),
    DemoHost(
        "astana-2",
        "Марина Пробная",
        "Астана, пр. Макетный, 21 (вымышленный адрес)",
        "@demo_marina",
        "KZ",
        "Astana",
        2,
        ("ru",),
        (DemoOffer(5, 5, 120, 60, men=False, families_only=True),),
    ),
    DemoHost(
        "uralsk-1",
        "Сергей Образцов-Демо",
        "Уральск, ул. Пограничная-Демо, 3 (вымышленный адрес)",
        "+7 702 000 00 06 (demo)",
        "KZ",
        "Uralsk",
        1,
        ("ru",),
        (DemoOffer(3, -5, 30, 5, notes="Встречу на вокзале, если написать заранее."),),
    ),
    DemoHost(
        "uralsk-2",
        "Дина Условная",
        "Уральск, ул. Тренировочная, 9 (вымышленный адрес)",
        "+7 702 000 00 07 (demo)",
        "KZ",
        "Uralsk",
        0,
        ("ru", "kk"),
        (DemoOffer(2, 1, 21, 7),),
    ),
    DemoHost(
        "tbilisi-1",
        "Нино Демонстрашвили",
        "Tbilisi, Example St. 5, apt 2 (fictional)",
        "+995 500 000 008 (demo)",
        "GE",
        "Tbilisi",
        2,
        ("ka", "ru", "en"),
        (DemoOffer(3, -2, 90, 30, pets=True, step_free=True),),
    ),
    DemoHost(
        "tbilisi-2",
        "Гиорги Примерадзе",
        "Tbilisi, Sample Ave. 17 (fictional)",
        "@demo_giorgi",
        "GE",
        "Tbilisi",
        1,
        ("ka", "ru"),
        (DemoOffer(2, 3, 60, 14),),
    ),
    DemoHost(
        "yerevan-1",
        "Ани Вымышленян",
        "Yerevan, Demo St. 11, apt 5 (fictional)",
        "+374 00 000 010 (demo)",
        "AM",
        "Yerevan",
        1,
        ("hy", "ru"),
        (DemoOffer(2, 0, 45, 21),),
    ),
    DemoHost(
        "yerevan-2",
        "Арам Тестян",
        "Yerevan, Fiction Ave. 2 (fictional)",
        "@demo_aram",
        "AM",
        "Yerevan",
        2,
        ("hy", "ru", "en"),
        (DemoOffer(4, 7, 100, 45, children=True, men=True),),
    ),
    DemoHost(
        "bishkek-1",
        "Айбек Условный",
        "Bishkek, Model St. 30 (fictional)",
        "+996 500 000 012 (demo)",
        "KG",
        "Bishkek",
        1,
        ("ru",),
        (DemoOffer(3, -4, 60, 30),),
    ),
    DemoHost(
        "bishkek-2",
        "Жылдыз Примерная",
        "Bishkek, Sample Lane 4 (fictional)",
        "@demo_jyldyz",
        "KG",
        "Bishkek",
        0,
        ("ru",),
        (DemoOffer(1, 2, 30, 10, men=False, women_only=True),),
    ),
    DemoHost(
        "istanbul-1",
        "Elif Örnek",
        "Istanbul, Demo Sokak 8, Kadıköy (fictional)",
        "+90 500 000 00 14 (demo)",
        "TR",
        "Istanbul",
        1,
        ("tr", "en", "ru"),
        (DemoOffer(2, 1, 60, 20, pets=True),),
    ),
    DemoHost(
        "istanbul-2",
        "Мехмет Тестов",
        "Istanbul, Örnek Cad. 22 (fictional)",
        "@demo_mehmet",
        "TR",
        "Istanbul",
        1,
        ("tr", "ru"),
        (DemoOffer(3, -2, 45, 14, step_free=True),),
    ),
    DemoHost(
        "belgrade-1",
        "Milica Primerović",
        "Belgrade, Demo ulica 6 (fictional)",
        "+381 60 000 0016 (demo)",
        "RS",
        "Belgrade",
        2,
        ("sr", "ru", "en"),
        (DemoOffer(4, 0, 150, 60, notes="Two rooms; the smaller one has a cot for a baby."),),
    ),
    DemoHost(
        "belgrade-2",
        "Илья Выдуманный",
        "Belgrade, Primer bulevar 40 (fictional)",
        "@demo_ilya",
        "RS",
        "Belgrade",
        1,
        ("ru", "sr"),
        (DemoOffer(2, 4, 60, 30, children=False),),
    ),
)


def demo_host_id(key: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"https://sanctuary.invalid/demo-host/{key}")


def _steps(host: Host, tier: int, first: User, second: User) -> None:
    if tier >= 1:
        VettingStep.objects.create(
            host=host, kind=VettingStep.Kind.INTERVIEW, tier_after=1, by=first
        )
    if tier >= 2:
        for kind in (VettingStep.Kind.IDENTITY_SEEN, VettingStep.Kind.REFERENCE):
            VettingStep.objects.create(host=host, kind=kind, tier_after=1, by=first)
        VettingStep.objects.create(
            host=host, kind=VettingStep.Kind.SECOND_APPROVAL, tier_after=2, by=second
        )


@transaction.atomic
def seed_hosts(*, portal_username: str = "host") -> int:
    """The demo hosts with their offers and vetting; the portal login is linked to the first
    Almaty host, whose record is sealed to him as an accepted invitation does. Returns how
    many hosts were created."""
    group = group_holder(SHELTER_COORDINATORS)
    assert group is not None, "seed the demo staff first"
    first = User.objects.get(username="shelter")
    second = User.objects.get(username="shelter2")
    portal_user = User.objects.filter(username=portal_username).first()
    today = timezone.localdate()
    created = 0
    for demo in DEMO_HOSTS:
        if Host.objects.filter(pk=demo_host_id(demo.key)).exists():
            continue
        host = Host(
            id=demo_host_id(demo.key),
            country=demo.country,
            city=demo.city,
            tier=demo.tier,
            languages=list(demo.languages),
            created_by=first,
        )
        readers = [group]
        if demo.key == PORTAL_HOST and portal_user is not None:
            host.user = portal_user
            readers.append(Holder.objects.get(user=portal_user))
        key = seal_new_record(host, readers)
        opened = OpenedRecord(host, key)
        opened.write(name=demo.name, address=demo.address, contact=demo.contact)
        host.save()
        _steps(host, demo.tier, first, second)
        for item in demo.offers:
            start = today + dt.timedelta(days=item.starts_in)
            offer = Offer(
                host=host,
                country=demo.country,
                city=demo.city,
                beds=item.beds,
                first_night=start,
                last_night=start + dt.timedelta(days=item.nights - 1),
                max_nights=item.max_nights,
                accepts_men_only_parties=item.men,
                women_only=item.women_only,
                accepts_children=item.children,
                families_only=item.families_only,
                accepts_pets=item.pets,
                step_free=item.step_free,
                languages=list(demo.languages),
                created_by=first,
            )
            opened.write_into(offer, notes=item.notes)
            offer.save()
        created += 1
    return created
