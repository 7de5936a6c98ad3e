"""Partner organisations and referrals to them.

A referral's packet is encrypted under a key derived from the link token and the one-time code
(keyring.crypto.referral_key); the row keeps only the token's digest and the derivation's salt,
so the database alone opens no packet. Every plain column is metadata the counselor's view and
the worker need: to whom, which kinds of items, how consent was given, until when, what state.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sanctuary import countries
from sanctuary.country_fields import validate_country
from sanctuary.keyring.fields import EncryptedField


class Partner(models.Model):
    """An organisation cases are referred to. Its name is public (an NGO, a legal aid
    office, a shelter network); how to reach its people is kept outside Sanctuary."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.CharField(_("Organisation"), max_length=120)
    country = models.CharField(
        _("Country"), max_length=2, validators=[validate_country]
    )  # ISO 3166-1 alpha-2
    services = models.CharField(_("What they do"), max_length=300)
    active = models.BooleanField(_("Receives referrals"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation"]

    def __str__(self) -> str:
        return self.organisation

    @property
    def country_name(self) -> str:
        """The country's name in the active language (sanctuary/countries.py)."""
        return countries.name(self.country, get_language())


class Consent(models.TextChoices):
    MAILBOX = "mailbox", _("In his mailbox")
    PHONE = "phone", _("By phone")
    IN_PERSON = "in_person", _("In person")


class State(models.TextChoices):
    WAITING = "waiting", _("Waiting for the partner")
    OPENED = "opened", _("Opened by the partner")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    EXHAUSTED = "exhausted", _("Destroyed after wrong codes")


class ReferralQuerySet(models.QuerySet["Referral"]):
    def waiting(self) -> "ReferralQuerySet":
        return self.filter(state=State.WAITING)


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Deleting or purging the case deletes its referrals, packets with them.
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # The kinds of items ticked ("story", "contact", "note"...): never their values.
    items = models.JSONField(default=list)
    consent_how = models.CharField(max_length=16, choices=Consent.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.WAITING)
    token_digest = models.CharField(max_length=64, unique=True)
    # The digest of the form's single-use value: posting the same form twice (a reload of the
    # page that shows the link and code) cannot create a second referral.
    form_digest = models.CharField(max_length=64, unique=True)
    kdf = models.BinaryField()  # version, Argon2id limits and salt: keyring.crypto.referral_key
    # Encrypted under the token-and-code key, not a holder's: None once destroyed.
    packet = EncryptedField()
    attempts = models.PositiveSmallIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "expires_at"])]

    def __str__(self) -> str:
        return f"referral {self.pk}"
