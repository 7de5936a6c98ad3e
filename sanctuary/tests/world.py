"""One small network with an object of every kind and a visitor of every role, built through
the real services: the access matrix (sanctuary/tests/test_access_matrix.py) and the fuzzer
(bench/fuzz.py) both walk every URL against it."""

import copy
import re
import secrets
import uuid
from dataclasses import dataclass, field

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sanctuary.accounts.models import Invitation, Role, User
from sanctuary.accounts.services import add_totp_device, do_create_invitation
from sanctuary.cases.models import CaseFile, CheckIn, ChecklistItem, Task
from sanctuary.hosts.models import Host, Offer, Tier
from sanctuary.hosts.tests.helpers import HOST_DATA
from sanctuary.referrals.models import Referral
from sanctuary.referrals.tests.helpers import add_partner, link_and_code, refer
from sanctuary.routes.models import FactProposal, StoredFact
from sanctuary.routes.services import do_import_knowledge, do_propose_fact_edit
from sanctuary.shelter.models import Proposal, Stay, StayRequest
from sanctuary.shelter.tests.factories import (
    approved,
    assign,
    confirmed,
    make_case,
    make_offer,
    make_request,
)
from sanctuary.stats import services as stats
from sanctuary.stats.models import Release
from sanctuary.test import PASSWORD, log_in, make_staff

ANONYMOUS = "anonymous"
SEEKER = "seeker"
STAFF = (
    "admin",
    "coordinator",
    "holding counselor",
    "other counselor",
    "lawyer",
    "shelter coordinator",
    "evidence editor",
)
HOSTS = ("host", "other host")
VISITORS = (ANONYMOUS, SEEKER, *STAFF, *HOSTS)
FACT_ID = "A-KG-001"


@dataclass
class World:
    users: dict[str, User]
    file: CaseFile
    task: Task
    check_in: CheckIn
    checklist_item: ChecklistItem
    invitation: Invitation
    target: User  # a person the admin may disable or reset: no visitor
    host: Host
    offer: Offer
    spare_offer: Offer  # withdrawn by the matrix
    proposal: Proposal
    declined_proposal: Proposal
    stay: Stay
    stay_request: StayRequest
    partner_id: uuid.UUID
    referral: Referral
    referral_path: str
    fact_proposal: FactProposal
    rejected_proposal: FactProposal
    release_to_approve: Release  # public figures drafted by the monthly task
    release_to_discard: Release
    seeker: Client = field(default_factory=Client)

    def clients(self) -> dict[str, Client]:
        """A logged-in client per visitor (the seeker's holds his mailbox session)."""
        clients = {ANONYMOUS: Client(), SEEKER: self.seeker}
        for name, user in self.users.items():
            clients[name] = Client()
            log_in(clients[name], user)
        return clients


def invited_host(client: Client, username: str, **changes: str) -> tuple[User, Host]:
    """A host invited through the page by a shelter coordinator, who accepted: his own keys
    open his record, as in production."""
    response = client.post(
        reverse("hosts:invite"), {**HOST_DATA, "country": "DE", "city": "Berlin", **changes}
    )
    found = re.search(r"/staff/invitation/([^/]+)/", response.content.decode())
    assert found is not None, response.content
    accepted = Client().post(
        reverse("accounts:accept", args=[found.group(1)]),
        {"username": username, "password": PASSWORD, "password_again": PASSWORD},
    )
    assert accepted.status_code == 302, accepted.content
    user = User.objects.get(username=username)
    add_totp_device(user, secrets.token_bytes(20), name="phone", confirmed=True)
    Host.objects.filter(user=user).update(tier=Tier.VERIFIED)  # vetting has its own tests
    return user, Host.objects.get(user=user)


def build_world() -> World:
    do_import_knowledge()
    users = {
        "admin": make_staff("alice", Role.ADMIN),
        "coordinator": make_staff("charlie", Role.COORDINATOR),
        "holding counselor": make_staff("holly", Role.COUNSELOR),
        "other counselor": make_staff("bob", Role.COUNSELOR),
        "lawyer": make_staff("lana", Role.LAWYER),
        "shelter coordinator": make_staff("sheila", Role.SHELTER_COORDINATOR),
        "evidence editor": make_staff("eve", Role.EVIDENCE_EDITOR),
    }
    sheila_client = Client()
    log_in(sheila_client, users["shelter coordinator"])
    users["host"], host = invited_host(sheila_client, "hans")
    users["other host"], other_host = invited_host(sheila_client, "otto", city="Hamburg")
    offer = make_offer(host, beds=3)
    spare_offer = make_offer(host, beds=1, days=10)
    make_offer(other_host, beds=3)
    seeker = Client()
    file = make_case(seeker, status="summons_received")  # his summons can be referred
    coordinator = Client()
    log_in(coordinator, users["coordinator"])
    assign(coordinator, file, users["holding counselor"])
    holder = Client()
    log_in(holder, users["holding counselor"])
    holder.post(reverse("cases:task", args=[file.pk]), {"text": "t", "due_date": "2099-01-01"})
    holder.post(
        reverse("cases:check_in", args=[file.pk]),
        {"label": "border", "due_at": "2099-01-01T12:00"},
    )
    detained = reverse("cases:detained", args=[file.pk])
    holder.post(detained, {"detained": "1"})  # the emergency checklist is open
    sheila = users["shelter coordinator"]
    stay = confirmed(make_request(file), sheila, users["host"])
    stay_request = make_request(file)
    proposal = approved(stay_request, sheila)
    declined_proposal = approved(make_request(file), sheila)
    partner = add_partner(coordinator)
    referral_path, _code = link_and_code(refer(holder, file.pk, partner))
    fact = StoredFact.objects.get(fact_id=FACT_ID)
    proposer = make_staff("larry", Role.LAWYER)  # a proposer who is no visitor (four eyes)
    fact_proposals = []
    for reason, confidence in (("to approve", "medium"), ("to reject", "low")):
        data = copy.deepcopy(fact.data)
        data["confidence"] = confidence
        fact_proposals.append(
            do_propose_fact_edit(
                fact=fact,
                data=data,
                source_url="https://example.org/source",
                reason=reason,
                acting_user=proposer,
            )
        )
    invitation, _token = do_create_invitation(roles=["counselor"], acting_user=users["admin"])
    month, after = stats.last_month_period(timezone.now().date())
    releases = [
        stats.do_draft_release(start=month, end=after, epsilon=0.5, acting_user=None)
        for _ in range(2)
    ]
    return World(
        users=users,
        file=file,
        task=Task.objects.get(case=file.case),
        check_in=CheckIn.objects.get(case=file.case),
        checklist_item=ChecklistItem.objects.create(text_en="Call", text_ru="Позвонить"),
        invitation=invitation,
        target=make_staff("tom", Role.COUNSELOR),
        host=host,
        offer=offer,
        spare_offer=spare_offer,
        proposal=proposal,
        declined_proposal=declined_proposal,
        stay=stay,
        stay_request=stay_request,
        partner_id=partner.pk,
        referral=Referral.objects.get(),
        referral_path=referral_path,
        fact_proposal=fact_proposals[0],
        rejected_proposal=fact_proposals[1],
        release_to_approve=releases[0],
        release_to_discard=releases[1],
        seeker=seeker,
    )
