"""Hosts, their vetting and their offers of beds.

A host's name, exact address and contact are sealed to the shelter-coordinators group
(keyring); the plain columns hold only what matching and statistics need: country, city,
tier, languages and the offers' rules. A database copy gives no list of addresses."""

import secrets
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sanctuary import cities, countries
from sanctuary.country_fields import validate_country
from sanctuary.keyring.fields import EncryptedField
from sanctuary.keyring.models import SealedRecord

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


class Tier(models.IntegerChoices):
    REGISTERED = 0, _("Registered")
    INTERVIEWED = 1, _("Interviewed by a coordinator")
    VERIFIED = 2, _("Identity seen, second approval and a reference")


# No 0/O, 1/I/L: a reference is read aloud and typed into a partner's sheet.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """A short plain reference for a host ("H-7KQ2MX"): it names no one, and lets a partner's
    sheet add an offer to a host who already exists."""
    return "H-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


class HostQuerySet(models.QuerySet["Host"]):
    def active(self) -> "HostQuerySet":
        return self.filter(active=True)


class Host(SealedRecord):
    """A person who offers beds, invited by a shelter coordinator. `user` is set when the host
    accepts the invitation and so gets a portal account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="host",
    )
    invitation = models.OneToOneField(
        "accounts.Invitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="host",
    )
    reference = models.CharField(max_length=12, unique=True, default=new_reference)
    # The host record's data key wrapped under a key derived from the invitation token (never
    # stored), so that accepting the invitation can seal the record to the host himself.
    # Emptied when the invitation is accepted.
    invitation_key = models.BinaryField(null=True, blank=True, editable=False)
    country = models.CharField(max_length=2, validators=[validate_country])  # ISO 3166-1 alpha-2
    city = models.CharField(max_length=60)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.REGISTERED)
    languages = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    # Sealed to the shelter-coordinators group.
    name = EncryptedField()
    address = EncryptedField()
    contact = EncryptedField()

    objects = HostQuerySet.as_manager()
    offers: "RelatedManager[Offer]"
    vetting_steps: "RelatedManager[VettingStep]"

    class Meta:
        indexes = [models.Index(fields=["country", "city"])]

    def __str__(self) -> str:
        return f"host {self.pk}"

    @property
    def city_name(self) -> str:
        """The city's name in the active language (sanctuary/cities.py)."""
        return cities.name(self.city, get_language())


class VettingStep(models.Model):
    """One step of a host's vetting, by one coordinator. Tier 2 needs the identity document
    seen, a reference, and the approval of a second coordinator."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Interviewed")
        IDENTITY_SEEN = "identity_seen", _("Identity document seen")
        REFERENCE = "reference", _("Reference received")
        SECOND_APPROVAL = "second_approval", _("Approved by a second coordinator")
        DOWNGRADE = "downgrade", _("Tier lowered")
        DEACTIVATED = "deactivated", _("Deactivated")
        REACTIVATED = "reactivated", _("Reactivated")

    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="vetting_steps")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    tier_after = models.PositiveSmallIntegerField(choices=Tier.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.kind} of {self.host_id}"


class OfferQuerySet(models.QuerySet["Offer"]):
    def active(self) -> "OfferQuerySet":
        return self.filter(active=True, host__active=True)


class Offer(models.Model):
    """Beds a host offers in a window of nights, with the host's rules about guests. Every
    column is plain because the matcher needs it; the free-text notes are encrypted under the
    host's data key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="offers")
    country = models.CharField(max_length=2, validators=[validate_country])
    city = models.CharField(max_length=60)
    beds = models.PositiveSmallIntegerField()
    first_night = models.DateField()
    last_night = models.DateField()
    max_nights = models.PositiveSmallIntegerField()
    accepts_men_only_parties = models.BooleanField(default=True)
    women_only = models.BooleanField(default=False)
    accepts_children = models.BooleanField(default=True)
    families_only = models.BooleanField(default=False)
    accepts_pets = models.BooleanField(default=False)
    step_free = models.BooleanField(default=False)
    # One party at a time: the host will not mix strangers in his home.
    one_party = models.BooleanField(default=False)
    languages = models.JSONField(default=list)
    notes = EncryptedField()
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["first_night"]
        indexes = [models.Index(fields=["city", "first_night"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_night__gte=models.F("first_night")),
                name="offer_window_ordered",
            ),
            models.CheckConstraint(condition=models.Q(beds__gte=1), name="offer_has_a_bed"),
            models.CheckConstraint(
                condition=models.Q(max_nights__gte=1), name="offer_allows_a_night"
            ),
        ]

    def __str__(self) -> str:
        return f"offer {self.pk}"

    @property
    def country_name(self) -> str:
        """The country's name in the active language (sanctuary/countries.py)."""
        return countries.name(self.country, get_language())

    @property
    def city_name(self) -> str:
        """The city's name in the active language (sanctuary/cities.py)."""
        return cities.name(self.city, get_language())
