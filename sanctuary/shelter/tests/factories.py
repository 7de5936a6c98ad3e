"""Small factories for shelter tests: hosts and offers written directly (the hosts app owns
their pages), cases through the real intake page, stay requests directly or through the case
page."""

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sanctuary.accounts.models import Role, User
from sanctuary.cases.models import CaseFile
from sanctuary.hosts.models import Host, Offer, Tier
from sanctuary.intake.tests.helpers import submit
from sanctuary.keyring import services as keyring
from sanctuary.keyring.groups import SHELTER_COORDINATORS
from sanctuary.keyring.services import Keychain, keychain_for, open_staff_secret
from sanctuary.shelter import services
from sanctuary.shelter.models import Proposal, Stay, StayRequest
from sanctuary.test import PASSWORD, make_staff

CANARY_ADDRESS = "canary-address-Lindenstrasse-4e1f"
CANARY_CONTACT = "canary-hostphone-9a0c"


def today() -> dt.date:
    return timezone.localdate()


def make_host(
    user: User | None = None,
    *,
    address: str = CANARY_ADDRESS,
    contact: str = CANARY_CONTACT,
    city: str = "Berlin",
    country: str = "DE",
    tier: int = Tier.VERIFIED,
    languages: list[str] | None = None,
) -> Host:
    group = keyring.group_holder(SHELTER_COORDINATORS)
    assert group is not None, "make a shelter coordinator first: the group is created with them"
    host = Host(user=user, city=city, country=country, tier=tier, languages=languages or ["ru"])
    key = keyring.seal_new_record(host, [group])
    keyring.write_fields(host, key, name="Host name", address=address, contact=contact)
    host.save()
    return host


def make_host_user(username: str, **host: Any) -> tuple[User, Host]:
    user = make_staff(username, Role.HOST)
    return user, make_host(user, **host)


def make_offer(host: Host, *, beds: int = 3, days: int = 30, **fields: Any) -> Offer:
    first = fields.pop("first_night", today())
    return Offer.objects.create(
        host=host,
        country=fields.pop("country", host.country),
        city=fields.pop("city", host.city),
        beds=beds,
        first_night=first,
        last_night=fields.pop("last_night", first + dt.timedelta(days=days)),
        max_nights=fields.pop("max_nights", 30),
        languages=fields.pop("languages", ["ru"]),
        **fields,
    )


def make_case(client: Client | None = None, **answers: Any) -> CaseFile:
    """A case submitted through the intake page; the client keeps the seeker's session."""
    before = set(CaseFile.objects.values_list("pk", flat=True))
    submit(client or Client(), **answers)
    return CaseFile.objects.exclude(pk__in=before).select_related("case").get()


def make_request(file: CaseFile, **fields: Any) -> StayRequest:
    values: dict[str, Any] = {
        "country": "DE",
        "city": "Berlin",
        "arrival": today() + dt.timedelta(days=1),
        "nights": 3,
        "adult_men": 1,
        "adult_women": 0,
        "children": 0,
        "languages": ["ru"],
    }
    values.update(fields)
    return StayRequest.objects.create(case=file.case, **values)


def assign(coordinator_client: Client, file: CaseFile, counselor: User) -> None:
    response = coordinator_client.post(
        reverse("cases:assign", args=[file.pk]), {"counselor": counselor.pk}
    )
    assert response.status_code == 302, response.content


def keychain(user: User) -> Keychain:
    """The keychain a log-in would unlock, without the pages."""
    keypair = open_staff_secret(user, PASSWORD)
    assert keypair is not None
    return keychain_for(user, keypair)


def approved(stay_request: StayRequest, coordinator: User) -> Proposal:
    """Runs the matcher and approves the request's proposal."""
    services.do_run_matcher(coordinator)
    proposal = Proposal.objects.get(request=stay_request, status=Proposal.Status.PROPOSED)
    services.do_approve([proposal.pk], keychain=keychain(coordinator))
    proposal.refresh_from_db()
    return proposal


def confirmed(stay_request: StayRequest, coordinator: User, host_user: User) -> Stay:
    proposal = approved(stay_request, coordinator)
    return services.do_host_accept(proposal, keychain=keychain(host_user))
