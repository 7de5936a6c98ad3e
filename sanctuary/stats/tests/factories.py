"""Rows written directly, as many as a release needs: the figures read plain columns only, so
the sealed columns hold canary bytes that no query may select."""

import datetime as dt
import uuid

from django.utils import timezone

from sanctuary.cases.models import Case, CaseFile, Message
from sanctuary.hosts.models import Host, Offer
from sanctuary.keyring.models import Holder
from sanctuary.referrals.models import Partner, Referral
from sanctuary.shelter.models import Stay, StayRequest
from sanctuary.stats import services

CANARY = b"canary-sealed-7d41"


def last_month() -> tuple[dt.date, dt.date]:
    return services.last_month_period(timezone.now().date())


def in_last_month(day: int = 3, hour: int = 10) -> dt.datetime:
    start, _end = last_month()
    return dt.datetime(start.year, start.month, day, hour, tzinfo=dt.UTC)


def make_case(
    *,
    created_at: dt.datetime | None = None,
    country: str = "KZ",
    case_type: str = "conscript",
    help_wanted: tuple[str, ...] = ("legal",),
    reply_after: dt.timedelta | None = dt.timedelta(hours=5),
) -> Case:
    created_at = created_at or in_last_month()
    holder = Holder.objects.create(kind=Holder.Kind.SEEKER)
    case = Case.objects.create(
        lookup_id=uuid.uuid4().hex,
        seeker=holder,
        status="new",
        country=country,
        help_wanted=list(help_wanted),
        created_at=created_at,
        story=CANARY,
        situation=CANARY,
        contact=CANARY,
    )
    CaseFile.objects.create(case=case, case_type=case_type, received_at=created_at)
    Message.objects.create(case=case, from_seeker=True, created_at=created_at, body=CANARY)
    if reply_after is not None:
        Message.objects.create(
            case=case, from_seeker=False, created_at=created_at + reply_after, body=CANARY
        )
    return case


def make_stay(
    case: Case, *, country: str = "KZ", city: str = "Almaty", persons: int = 1, nights: int = 5
) -> Stay:
    start, _end = last_month()
    host = Host.objects.create(country=country, city=city, tier=2)
    offer = Offer.objects.create(
        host=host,
        country=country,
        city=city,
        beds=6,
        first_night=start,
        last_night=start + dt.timedelta(days=40),
        max_nights=30,
    )
    request = StayRequest.objects.create(
        case=case,
        country=country,
        city=city,
        arrival=start + dt.timedelta(days=4),
        nights=nights,
        adult_men=persons,
        needs=CANARY,
    )
    return Stay.objects.create(
        request=request,
        offer=offer,
        first_night=request.arrival,
        nights=nights,
        persons=persons,
    )


def make_referral(case: Case, partner: Partner) -> Referral:
    return Referral.objects.create(
        case=case,
        partner=partner,
        created_at=in_last_month(day=10),
        expires_at=timezone.now() + dt.timedelta(days=3),
        consent_how="phone",
        token_digest=uuid.uuid4().hex,
        form_digest=uuid.uuid4().hex,
        kdf=b"x",
        packet=CANARY,
    )
