"""Releases of public figures. A release stores only what it publishes (the noised,
post-processed figures of sanctuary.stats.figures), never a true count."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReleaseImmutable(Exception):
    pass


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft, waiting for a second person")
    PUBLISHED = "published", _("Published")
    DISCARDED = "discarded", _("Discarded")


class ReleaseQuerySet(models.QuerySet["Release"]):
    def published(self) -> "ReleaseQuerySet":
        return self.filter(status=Status.PUBLISHED).order_by("-number")

    def spent_in(self, year: int) -> float:
        """The epsilon spent in a calendar year: by every release drafted in it, published
        or not, since its noise was drawn and seen."""
        row = YearBudget.objects.filter(year=year).first()
        return row.spent if row else 0.0


class Release(models.Model):
    period_start = models.DateField()  # the first day of the first month
    period_end = models.DateField()  # the first day after the last month
    epsilon = models.FloatField()  # asked for
    epsilon_spent = models.FloatField()  # certified by OpenDP's privacy maps
    k = models.PositiveIntegerField()
    method = models.CharField(max_length=40)
    figures = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    drafted_at = models.DateTimeField(default=timezone.now, db_index=True)
    # A draft the monthly task made has no drafter: the first coordinator who signs it takes
    # the drafter's place, and a second one publishes it. Two people, always.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # The release's number among published ones, its version: given at publication.
    number = models.PositiveIntegerField(null=True, blank=True, unique=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-drafted_at", "-pk"]

    def __str__(self) -> str:
        return f"release {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A published release never changes: its URL, figures and numbers are cited."""
        if self.pk and Release.objects.filter(pk=self.pk, status=Status.PUBLISHED).exists():
            raise ReleaseImmutable(f"release {self.pk} is published")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        """Never: a release, even a discarded draft, holds the epsilon it spent."""
        raise ReleaseImmutable(f"release {self.pk} is kept")

    @property
    def slug(self) -> str:
        return f"{self.number}" if self.number else ""

    @property
    def first_person_id(self) -> Any:
        """Who answers for the draft: the coordinator who drafted it, or who signed the task's."""
        return self.drafted_by_id or self.reviewed_by_id

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


class YearBudget(models.Model):
    """The epsilon a calendar year's releases have spent. Drafting locks this row, so two
    drafts at once cannot both fit in what is left."""

    year = models.PositiveIntegerField(unique=True)
    spent = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return f"{self.year}: {self.spent:g}"
