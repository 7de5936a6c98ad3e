"""The live knowledge base: every fact as JSON, its full history, and proposed edits.

The shipped YAML seeds these tables (`sanctuary routes import`); from then on the database is
the source of truth and `sanctuary routes export` writes it back out as YAML.
"""

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StoredFactQuerySet(models.QuerySet["StoredFact"]):
    def in_file_order(self) -> "StoredFactQuerySet":
        return self.order_by("section", "position")


class StoredFact(models.Model):
    """One fact; ``data`` has exactly the shape of a fact in data/*.yaml."""

    fact_id = models.CharField(max_length=64, unique=True)
    # The YAML file (without .yaml) the fact was imported from and is exported to.
    section = models.CharField(max_length=40)
    position = models.PositiveIntegerField()
    data = models.JSONField()
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = StoredFactQuerySet.as_manager()

    class Meta:
        ordering = ["fact_id"]

    def __str__(self) -> str:
        return self.fact_id


class FactRevision(models.Model):
    """One state of a fact, with who changed it, why, and on which source. Never edited."""

    fact = models.ForeignKey(StoredFact, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    data_before = models.JSONField(null=True, blank=True)
    data_after = models.JSONField()
    source_url = models.CharField(max_length=500)
    reason = models.TextField()
    # Empty for revisions made by `sanctuary routes import`.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["fact", "number"], name="unique_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.fact_id} r{self.number}"


class ProposalState(models.TextChoices):
    PENDING = "pending", _("waiting for review")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class FactProposalQuerySet(models.QuerySet["FactProposal"]):
    def pending(self) -> "FactProposalQuerySet":
        return self.filter(state=ProposalState.PENDING)


class FactProposal(models.Model):
    """An edit that takes effect only when a second lawyer or coordinator approves it."""

    fact = models.ForeignKey(StoredFact, on_delete=models.CASCADE, related_name="proposals")
    # The revision the edit was written against: approving it on a newer one would silently
    # undo someone else's change, so that is refused.
    base_revision = models.PositiveIntegerField()
    data = models.JSONField()
    source_url = models.CharField(max_length=500)
    reason = models.TextField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(
        max_length=10, choices=ProposalState.choices, default=ProposalState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    objects = FactProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"proposal {self.pk} for {self.fact_id}"

    @property
    def is_pending(self) -> bool:
        return self.state == ProposalState.PENDING
