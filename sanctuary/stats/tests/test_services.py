"""Counting, drafting, approving and the budget, on the database."""

import datetime as dt
from unittest import skipUnless

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from sanctuary.accounts.models import Role
from sanctuary.audit.models import Action, AuditEntry
from sanctuary.cases.models import Message
from sanctuary.keyring.fields import sensitive_fields
from sanctuary.notices.models import Kind as NoticeKind
from sanctuary.notices.models import Notice
from sanctuary.referrals.models import Partner
from sanctuary.stats import services
from sanctuary.stats.models import Release, ReleaseImmutable, Status
from sanctuary.stats.tests.factories import last_month, make_case, make_referral, make_stay
from sanctuary.test import BaseTestCase, make_staff

# Epsilon so large that the noise is zero but for a chance of about e^-5000: what suppression
# and consistency alone publish, through the real mechanism.
NOISELESS = 1e5


def sealed_columns() -> list[str]:
    from django.apps import apps

    columns = []
    for label, name in sensitive_fields():
        model = apps.get_model(label)
        columns.append(f'"{model._meta.db_table}"."{model._meta.get_field(name).column}"')
    return columns


class CollectTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        partner = Partner.objects.create(organisation="Aid GE", country="GE", services="law")
        for i in range(30):
            case = make_case(country="KZ" if i < 20 else "GE", case_type="mobilized")
            if i < 12:
                make_stay(case, persons=2 if i % 2 else 1, nights=30)
            if i < 5:
                for _ in range(5):
                    make_referral(case, partner)
        make_case(created_at=dt.datetime(2020, 1, 5, tzinfo=dt.UTC))  # outside the period

    def test_it_counts_the_period_from_plain_columns(self) -> None:
        start, end = last_month()
        raw = services.collect(start, end)
        month = f"{start:%Y-%m}"
        assert raw.counts["cases_total"] == {(month,): 30}
        assert raw.counts["cases_by_type"] == {(month, "mobilized"): 30}
        assert raw.counts["cases_by_country"] == {(month, "KZ"): 20, (month, "GE"): 10}
        assert raw.counts["cases_by_destination"] == {(month, "KZ"): 12, (month, "_none"): 18}
        assert raw.counts["help_by_kind"][(month, "legal")] == 30
        assert raw.counts["help_by_kind"][(month, "money")] == 0
        # 6 single men and 6 pairs; nights clipped at 14.
        assert raw.counts["persons_placed"] == {
            (month, "KZ/single_men"): 6,
            (month, "KZ/other_groups"): 12,
        }
        assert raw.counts["bed_nights"][(month, "KZ/other_groups")] == 12 * 14
        # Five referrals each for five cases, clipped at three.
        assert raw.counts["referrals"] == {(month, "GE"): 15}
        assert sorted(set(raw.reply_hours)) == [6]

    def test_it_never_selects_a_sealed_column(self) -> None:
        start, end = last_month()
        columns = sealed_columns()
        assert '"cases_case"."story"' in columns
        with CaptureQueriesContext(connection) as queries:
            services.collect(start, end)
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert [c for c in columns if c in sql] == []

    def test_it_would_see_a_query_that_reads_whole_rows(self) -> None:
        """Positive control for the test above."""
        from sanctuary.cases.models import Case

        with CaptureQueriesContext(connection) as queries:
            list(Case.objects.all()[:1])
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert [c for c in sealed_columns() if c in sql] != []


class ReleaseTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dana = make_staff("dana", Role.COORDINATOR)
        for i in range(40):
            make_case(country="KZ" if i % 2 else "GE")

    def draft(self, epsilon: float | None = None) -> Release:
        start, end = last_month()
        return services.do_draft_release(
            start=start, end=end, epsilon=epsilon, acting_user=self.charlie
        )

    def test_it_drafts_and_audits(self) -> None:
        release = self.draft()
        assert release.status == Status.DRAFT
        assert release.epsilon_spent == 1.0
        assert "tables" in release.figures
        entry = AuditEntry.objects.get(action=Action.FIGURES_DRAFTED)
        assert entry.actor_id == self.charlie.pk

    def test_it_needs_a_second_person_to_publish(self) -> None:
        release = self.draft()
        with self.assertRaises(services.ReleaseError):
            services.do_approve_release(release=release, acting_user=self.charlie)
        with self.assertRaises(services.ReleaseError):
            services.do_approve_release(release=release, acting_user=self.bob)  # a counselor
        published = services.do_approve_release(release=release, acting_user=self.dana)
        assert published.number == 1
        assert published.status == Status.PUBLISHED
        assert AuditEntry.objects.filter(action=Action.FIGURES_PUBLISHED).count() == 1
        with self.assertRaises(services.ReleaseError):
            services.do_approve_release(release=published, acting_user=self.dana)

    def test_it_keeps_published_releases_unchanged(self) -> None:
        release = services.do_approve_release(release=self.draft(), acting_user=self.dana)
        release.figures = {"tables": []}
        with self.assertRaises(ReleaseImmutable):
            release.save()
        with self.assertRaises(ReleaseImmutable):
            release.delete()
        assert Release.objects.get(pk=release.pk).figures != {"tables": []}

    @override_settings(STATS_EPSILON_YEAR=2.5)
    def test_it_refuses_a_release_past_the_years_budget(self) -> None:
        self.draft(1.0)
        discarded = self.draft(1.0)
        services.do_discard_release(release=discarded, acting_user=self.dana)
        # The discarded draft's noise was drawn and seen: its epsilon stays spent.
        with self.assertRaisesMessage(services.ReleaseError, "ε = 0.5"):
            self.draft(1.0)
        assert Release.objects.count() == 2
        self.draft(0.5)
        assert Release.objects.spent_in(release_year()) == 2.5
        assert sum(r.epsilon_spent for r in Release.objects.all()) == 2.5

    def test_it_drafts_only_ended_months(self) -> None:
        start, _end = last_month()
        with self.assertRaises(services.ReleaseError):
            services.do_draft_release(
                start=services.next_month(start),
                end=services.next_month(services.next_month(start)),
                epsilon=None,
                acting_user=self.charlie,
            )

    def test_it_drafts_last_month_once_from_the_task(self) -> None:
        from sanctuary.stats.tasks import draft_monthly_release

        first = draft_monthly_release.enqueue()
        second = draft_monthly_release.enqueue()
        assert first.return_value is not None
        assert second.return_value is None
        assert Release.objects.count() == 1
        assert Release.objects.get().drafted_by is None

    def waiting(self) -> set[int]:
        kind = NoticeKind.APPROVAL_WAITING
        return set(Notice.objects.filter(kind=kind).values_list("recipient_id", flat=True))

    def test_it_tells_the_other_coordinators_that_a_draft_waits(self) -> None:
        release = self.draft()
        assert self.waiting() == {self.dana.pk}  # not the drafter
        [path] = Notice.objects.values_list("path", flat=True)
        assert path == f"/staff/figures/{release.pk}/"

    def test_it_needs_two_coordinators_for_a_draft_the_task_made(self) -> None:
        release = services.draft_last_month()
        assert release is not None and release.drafted_by is None
        # Every coordinator hears that the task's draft waits; then, once signed, the others.
        assert self.waiting() == {self.charlie.pk, self.dana.pk}
        Notice.objects.all().delete()
        signed = services.do_approve_release(release=release, acting_user=self.charlie)
        assert self.waiting() == {self.dana.pk}
        assert not signed.is_published
        assert signed.reviewed_by == self.charlie
        # The one who signed cannot also publish: that would be one person alone.
        with self.assertRaises(services.ReleaseError):
            services.do_approve_release(release=signed, acting_user=self.charlie)
        assert not Release.objects.get(pk=release.pk).is_published
        published = services.do_approve_release(release=signed, acting_user=self.dana)
        assert published.is_published
        assert (published.reviewed_by, published.approved_by) == (self.charlie, self.dana)
        actions = list(
            AuditEntry.objects.filter(object_id=str(release.pk)).values_list("action", flat=True)
        )
        assert Action.FIGURES_SIGNED in actions and Action.FIGURES_PUBLISHED in actions


def release_year() -> int:
    from django.utils import timezone

    return timezone.now().year


@override_settings(STATS_COUNTRIES=["KZ", "GE", "AR"])
class CanaryTests(BaseTestCase):
    """The only case from Argentina, placed in Ushuaia, must appear in no release."""

    def setUp(self) -> None:
        super().setUp()
        for i in range(60):
            case = make_case(country="KZ" if i % 2 else "GE")
            if i < 20:
                make_stay(case, country="KZ", city="Almaty")
        lonely = make_case(country="AR", case_type="deserter_abroad", help_wanted=("money",))
        make_stay(lonely, country="AR", city="Ushuaia")

    def release(self, k: int) -> dict[str, object]:
        start, end = last_month()
        with self.settings(STATS_K=k, STATS_EPSILON_YEAR=NOISELESS):
            release = services.do_draft_release(
                start=start, end=end, epsilon=NOISELESS, acting_user=self.charlie
            )
        figures: dict[str, object] = release.figures
        return figures

    def labels(self, figures: dict[str, object]) -> set[str]:
        found = set()
        for table in figures["tables"]:  # type: ignore[attr-defined]
            found |= {row["label"] for row in table["rows"]}
        return found

    def test_it_publishes_no_trace_of_the_lonely_case(self) -> None:
        figures = self.release(k=10)
        labels = self.labels(figures)
        assert not [label for label in labels if label.startswith("AR")]
        assert "deserter_abroad" not in labels
        assert "Ushuaia" not in str(figures)

    def test_it_would_show_him_without_suppression(self) -> None:
        """Positive control: with k = 1 the same data shows him in three tables."""
        labels = self.labels(self.release(k=1))
        assert {"AR", "AR/single_men", "deserter_abroad"} <= labels


@skipUnless(connection.vendor == "postgresql", "PostgreSQL counts reply delays in its own SQL")
class ReplyDelaysTests(BaseTestCase):
    def test_it_counts_reply_delays_as_the_portable_query_does(self) -> None:
        delays = [
            dt.timedelta(minutes=1),
            dt.timedelta(hours=1),  # exactly a candidate: within it
            dt.timedelta(hours=1, seconds=1),  # just past it
            dt.timedelta(hours=5),
            dt.timedelta(hours=23, minutes=59),
            dt.timedelta(days=3),
            dt.timedelta(days=45),  # past the last candidate
        ]
        for delay in delays:
            make_case(reply_after=delay)
        make_case(reply_after=None)  # not answered: counted nowhere
        case = make_case(reply_after=dt.timedelta(hours=30))
        Message.objects.create(  # a second reply: the first one counts
            case=case, from_seeker=False, created_at=case.created_at + dt.timedelta(hours=2)
        )
        start, end = last_month()
        since = dt.datetime(start.year, start.month, 1, tzinfo=dt.UTC)
        until = dt.datetime(end.year, end.month, 1, tzinfo=dt.UTC)
        fast = services._replies_within_postgresql(since, until)
        assert fast == services._replies_within_orm(since, until)
        assert fast[services.ANSWERED] == len(delays) + 1
        assert fast[1] == 2 and fast[2] == 4 and fast[720] == len(delays)
