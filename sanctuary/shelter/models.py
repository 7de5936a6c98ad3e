"""Stay requests, matcher runs, proposals, confirmed stays and the nights they book.

Every column the matcher, the no-overbooking guarantee and statistics need is plain; what a
person wrote is encrypted: a request's needs under its case's key, an override's written reason
and a safety report sealed to the shelter-coordinators group, a host's address and contact for
one stay in an AddressDisclosure (see docs/keys.md, "Shelter")."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sanctuary import cities, countries
from sanctuary.country_fields import validate_country
from sanctuary.keyring.fields import EncryptedField
from sanctuary.keyring.models import SealedRecord
from sanctuary.shelter.matcher import Rule

RULE_CHOICES = [
    (Rule.HOST_TIER.value, _("Host not yet vetted to receive guests")),
    (Rule.CHILDREN_TIER.value, _("Children only with hosts of the children tier")),
    (Rule.WOMEN_ONLY.value, _("Women-only household: no adult men")),
    (Rule.NO_MEN_ONLY_PARTIES.value, _("Host takes men only together with women or children")),
    (Rule.NO_CHILDREN.value, _("Host takes no children")),
    (Rule.FAMILIES_ONLY.value, _("Host takes only families with children")),
    (Rule.NO_PETS.value, _("Host takes no pets")),
    (Rule.NOT_STEP_FREE.value, _("No step-free access")),
    (Rule.SHARED_LANGUAGE.value, _("No language in common, and the network requires one")),
]


class StayRequest(models.Model):
    """A bed wanted for a party, created by a counselor from a case. The party stays together.
    `needs` is encrypted under the case's data key: only those holding the case read it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a bed")
        PENDING_HOST = "pending_host", _("Proposed to a host, waiting for the answer")
        CONFIRMED = "confirmed", _("Stay confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="stay_requests")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    country = models.CharField(max_length=2, validators=[validate_country])  # ISO 3166-1 alpha-2
    city = models.CharField(max_length=60)
    arrival = models.DateField()  # the first night
    nights = models.PositiveSmallIntegerField()
    adult_men = models.PositiveSmallIntegerField(default=0)
    adult_women = models.PositiveSmallIntegerField(default=0)
    children = models.PositiveSmallIntegerField(default=0)
    languages = models.JSONField(default=list)
    needs_step_free = models.BooleanField(default=False)
    has_pets = models.BooleanField(default=False)
    medical_needs = models.BooleanField(default=False)
    # Derived from the case when the request is made: a deserter at high urgency.
    immediate_danger = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    needs = EncryptedField()

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "arrival"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(nights__gte=1), name="request_has_a_night"),
            models.CheckConstraint(
                condition=models.Q(adult_men__gt=0) | models.Q(adult_women__gt=0),
                name="request_has_an_adult",
            ),
        ]

    def __str__(self) -> str:
        return f"stay request {self.pk}"

    @property
    def country_name(self) -> str:
        """The country's name in the active language (sanctuary/countries.py)."""
        return countries.name(self.country, get_language())

    @property
    def city_name(self) -> str:
        """The city's name in the active language (sanctuary/cities.py)."""
        return cities.name(self.city, get_language())

    @property
    def persons(self) -> int:
        return self.adult_men + self.adult_women + self.children

    @property
    def last_night(self) -> dt.date:
        return self.arrival + dt.timedelta(days=self.nights - 1)

    @property
    def departure(self) -> dt.date:
        return self.arrival + dt.timedelta(days=self.nights)

    def arriving_tonight_without_bed(self, today: dt.date) -> bool:
        return self.status == self.Status.OPEN and self.arrival <= today


class MatchOverride(SealedRecord):
    """A coordinator's written decision to waive one hard rule for one request-offer pair. The
    reason is sealed to the shelter-coordinators group; adding and using it are audited."""

    request = models.ForeignKey(StayRequest, on_delete=models.CASCADE, related_name="overrides")
    offer = models.ForeignKey("hosts.Offer", on_delete=models.CASCADE, related_name="overrides")
    rule = models.CharField(max_length=32, choices=RULE_CHOICES)
    reason = EncryptedField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "offer"], name="one_override_per_pair")
        ]

    def __str__(self) -> str:
        return f"override {self.rule} for {self.request_id}"


class MatchRun(models.Model):
    """One run of the matcher: who ran it (none for the hourly job), and the plain summary of
    the plan: placement per segment and the unplaced requests with their reason codes."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    requests = models.PositiveIntegerField(default=0)
    offers = models.PositiveIntegerField(default=0)
    # [{"segment", "requested", "placed", "floor"}]
    segments = models.JSONField(default=list)
    # [{"request": id, "persons": n, "reasons": [[code, {params}]]}]
    unplaced = models.JSONField(default=list)
    # The digests of the matcher's input (matcher.fingerprint): the plan is out of date when
    # the input as it is now digests otherwise (services.out_of_date).
    inputs = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"match run {self.pk}"


class Proposal(models.Model):
    """One pair the matcher proposed. A coordinator approves it; the host then accepts (a stay
    is confirmed) or declines before `answer_by`, or it expires."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved, waiting for the host")
        ACCEPTED = "accepted", _("Accepted by the host")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired without an answer")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        # The host would have a bed but cannot be asked through the portal (no account with
        # keys): the coordinator contacts him by hand. Never approved.
        BY_HAND = "by_hand", _("Contact the host by hand")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    request = models.ForeignKey(StayRequest, on_delete=models.CASCADE, related_name="proposals")
    offer = models.ForeignKey("hosts.Offer", on_delete=models.CASCADE, related_name="proposals")
    first_night = models.DateField()
    nights = models.PositiveSmallIntegerField()
    persons = models.PositiveSmallIntegerField()
    score = models.FloatField()
    reasons = models.JSONField(default=list)  # [[code, {params}]]
    override = models.ForeignKey(
        MatchOverride, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    answer_by = models.DateTimeField(null=True, blank=True, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "-score", "pk"]
        indexes = [models.Index(fields=["status", "answer_by"])]

    def __str__(self) -> str:
        return f"proposal {self.pk}"

    @property
    def departure(self) -> dt.date:
        return self.first_night + dt.timedelta(days=self.nights)


class DeclinedPair(models.Model):
    """A request-offer pair someone declined: the matcher never proposes it again."""

    class By(models.TextChoices):
        HOST = "host", _("the host")
        GUEST = "guest", _("the guest")
        COORDINATOR = "coordinator", _("a coordinator")

    request = models.ForeignKey(StayRequest, on_delete=models.CASCADE, related_name="declined")
    offer = models.ForeignKey("hosts.Offer", on_delete=models.CASCADE, related_name="declined")
    by = models.CharField(max_length=16, choices=By.choices)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "offer"], name="declined_pair_once")
        ]

    def __str__(self) -> str:
        return f"declined {self.request_id} at {self.offer_id}"


class Stay(models.Model):
    """A confirmed stay: its nights are booked in BedNight. Nights are [first_night,
    first_night + nights): the check-out day is free for the next guest."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        CHECKED_IN = "checked_in", _("Checked in")
        CHECKED_OUT = "checked_out", _("Checked out")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(StayRequest, on_delete=models.CASCADE, related_name="stays")
    offer = models.ForeignKey("hosts.Offer", on_delete=models.PROTECT, related_name="stays")
    proposal = models.OneToOneField(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="stay"
    )
    first_night = models.DateField()
    nights = models.PositiveSmallIntegerField()
    persons = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    confirmed_at = models.DateTimeField(default=timezone.now)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    host_safe_at = models.DateTimeField(null=True, blank=True)
    guest_safe_at = models.DateTimeField(null=True, blank=True)
    # Set by the first safety report: the stay is flagged on the coordinators' page.
    flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["first_night", "pk"]

    def __str__(self) -> str:
        return f"stay {self.pk}"

    @property
    def departure(self) -> dt.date:
        return self.first_night + dt.timedelta(days=self.nights)

    @property
    def active(self) -> bool:
        return self.status in (self.Status.CONFIRMED, self.Status.CHECKED_IN)

    def safety_check_in_open(self, today: dt.date) -> bool:
        """The safety check-in is asked after the first night."""
        return self.active and today > self.first_night


class BedNight(models.Model):
    """Beds booked on one offer for one night. The constraints are the last line of defence
    against overbooking; services.book_stay locks and counts before they are ever reached."""

    offer = models.ForeignKey("hosts.Offer", on_delete=models.CASCADE, related_name="bed_nights")
    night = models.DateField()
    beds = models.PositiveSmallIntegerField()
    booked = models.IntegerField(default=0)

    class Meta:
        ordering = ["offer", "night"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "night"], name="one_row_per_offer_night"),
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("beds")), name="never_overbooked"
            ),
            models.CheckConstraint(condition=models.Q(booked__gte=0), name="booked_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.night}: {self.booked}/{self.beds}"


class AddressDisclosure(SealedRecord):
    """The host's address and contact for one approved proposal, copied by the approving
    coordinator and sealed to the shelter group and the host. The host's acceptance grants its
    key to the case's seeker; a decline, expiry or cancellation shreds it."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="disclosure")
    address = EncryptedField()
    contact = EncryptedField()
    created_at = models.DateTimeField(default=timezone.now)
    granted_at = models.DateTimeField(null=True, blank=True)
    shredded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"disclosure for {self.proposal_id}"


class SafetyReport(SealedRecord):
    """A safety report from the host or the guest, sealed to the shelter-coordinators group.
    Filing one flags the stay and escalates (audit entry, flag on the coordinators' page)."""

    class Side(models.TextChoices):
        HOST = "host", _("the host")
        GUEST = "guest", _("the guest")

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="safety_reports")
    side = models.CharField(max_length=8, choices=Side.choices)
    body = EncryptedField()
    created_at = models.DateTimeField(default=timezone.now)
    escalated = models.BooleanField(default=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"safety report {self.pk}"


def _delete_key_copies(
    sender: type[models.Model], instance: models.Model, **kwargs: object
) -> None:
    """A sealed shelter row deleted with its case (the seeker's "delete my case", the retention
    purge) takes every sealed copy of its key with it: no orphan copy is left behind."""
    from sanctuary.keyring.models import SealedKey

    SealedKey.objects.for_record(instance).delete()


for _sealed in (AddressDisclosure, SafetyReport, MatchOverride):
    models.signals.post_delete.connect(_delete_key_copies, sender=_sealed)
