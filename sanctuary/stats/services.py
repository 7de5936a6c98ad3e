"""Counting from plain columns, drafting, approving and discarding releases.

Only plain columns are read, each named in a `values()`: a case's type, stage file, country,
creation time and kinds of help asked; a stay's nights, persons and the request's country and
party; a referral's time and its partner's country; messages' times. Never a story, a name or
a sealed field (tests/test_services.py watches the SQL)."""

import datetime as dt
import math
from collections import Counter, defaultdict
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sanctuary.accounts.models import Role, User
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.cases.models import Case, Message
from sanctuary.cases.stages import CaseType
from sanctuary.notices.models import Kind as NoticeKind
from sanctuary.notices.services import coordinators, do_notify
from sanctuary.referrals.models import Referral
from sanctuary.shelter.models import Stay, StayRequest
from sanctuary.stats import figures
from sanctuary.stats.models import Release, Status, YearBudget


class ReleaseError(Exception):
    pass


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_of(start: dt.date, end: dt.date) -> tuple[str, ...]:
    months = []
    day = month_start(start)
    while day < end:
        months.append(f"{day:%Y-%m}")
        day = next_month(day)
    return tuple(months)


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _month(value: dt.date | dt.datetime) -> str:
    return f"{value.year:04d}-{value.month:02d}"  # not strftime: called once per stay


def _ym(row: dict[str, Any]) -> str:
    """Year and month extracted as numbers (UTC): no time-zone conversion per group."""
    return f"{row['y']:04d}-{row['mo']:02d}"


def case_types() -> tuple[str, ...]:
    return (*(t.value for t in CaseType), figures.NONE)


def queries() -> tuple[figures.Query, ...]:
    return figures.queries(case_types(), settings.STATS_COUNTRIES)


def segment(adult_men: int, adult_women: int, children: int) -> str:
    """The shelter matcher's segments (shelter.matcher.segment_of), from the party's columns."""
    if children:
        return "families_with_children"
    if adult_men + adult_women == 1:
        return "single_men" if adult_men else "single_women"
    return "other_groups"


# PostgreSQL's default of 4 MB per sort or hash makes it group a million cases on disk, in
# sorted runs; with this much for the counting transaction alone, it groups them in one hash
# in memory (bench/stats.py: 24 months over 1,000,000 cases, 14.8 s of counting became 7.5 s).
COUNTING_WORK_MEM = "128MB"


def collect(start: dt.date, end: dt.date) -> figures.Raw:
    """The true counts of the period [start, end), months whole. Never stored."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, %s, true)", ["work_mem", COUNTING_WORK_MEM])
        return _collect(start, end)


def _collect(start: dt.date, end: dt.date) -> figures.Raw:
    places = set(settings.STATS_COUNTRIES)

    def place(code: str | None) -> str:
        if not code:
            return figures.NONE
        return code if code in places else figures.OTHER

    since, until = _moment(start), _moment(end)
    cases = Case.objects.filter(created_at__gte=since, created_at__lt=until).order_by()
    counts: dict[str, Counter[figures.Key]] = defaultdict(Counter)
    # No .iterator() below: PostgreSQL plans a server-side cursor for its first rows (nested
    # loops over indexes), ten times slower here than the hash joins of a plain query; the
    # rows are bounded (groups, or one per stay and referral of the period).
    # One pass over the period's cases, grouped by month, country, kinds of help and type: a
    # few thousand groups at most, from which four tables are summed.
    groups = (
        cases.annotate(y=ExtractYear("created_at"), mo=ExtractMonth("created_at"))
        .values("y", "mo", "country", "help_wanted", "file__case_type")
        .annotate(n=models.Count("id"))
    )
    for row in groups:
        month, n = _ym(row), row["n"]
        counts["cases_total"][(month,)] += n
        counts["cases_by_type"][(month, row["file__case_type"] or figures.NONE)] += n
        counts["cases_by_country"][(month, place(row["country"]))] += n
        kinds = row["help_wanted"] if isinstance(row["help_wanted"], list) else []
        for kind in set(kinds) & set(figures.HELP_KINDS):
            counts["help_by_kind"][(month, kind)] += n
    # The destination: the country of the case's first stay request, the only plain column
    # that says where a person is going (the rest of his plans are sealed in his situation).
    # Cases without one are the rest of the month's total.
    requests = (
        StayRequest.objects.filter(case__created_at__gte=since, case__created_at__lt=until)
        .order_by("case_id", "created_at")
        .annotate(y=ExtractYear("case__created_at"), mo=ExtractMonth("case__created_at"))
        .values_list("case_id", "y", "mo", "country")
    )
    first_request: set[object] = set()
    for case_id, year, month_number, country in requests:
        if case_id not in first_request:
            first_request.add(case_id)
            month = f"{year:04d}-{month_number:02d}"
            counts["cases_by_destination"][(month, place(country))] += 1
    for (month,), total in list(counts["cases_total"].items()):
        known = sum(n for key, n in counts["cases_by_destination"].items() if key[0] == month)
        counts["cases_by_destination"][(month, figures.NONE)] += total - known

    # Stays beginning in the period, not cancelled: a case's first of each month counts,
    # its persons and nights clipped (figures.PERSONS_CAP, figures.NIGHTS_CAP).
    stays = (
        Stay.objects.filter(first_night__gte=start, first_night__lt=end)
        .exclude(status=Stay.Status.CANCELLED)
        .order_by("first_night", "pk")
        .values_list(
            "request__case_id",
            "first_night",
            "persons",
            "nights",
            "request__country",
            "request__adult_men",
            "request__adult_women",
            "request__children",
        )
    )
    seen: set[tuple[object, str]] = set()
    for case_id, night, persons, nights, country, men, women, children in stays:
        month = _month(night)
        if (case_id, month) in seen:
            continue
        seen.add((case_id, month))
        cell = (month, f"{place(country)}/{segment(men, women, children)}")
        persons = min(persons, figures.PERSONS_CAP)
        counts["persons_placed"][cell] += persons
        counts["bed_nights"][cell] += persons * min(nights, figures.NIGHTS_CAP)

    referrals = (
        Referral.objects.filter(created_at__gte=since, created_at__lt=until)
        .order_by()
        .annotate(y=ExtractYear("created_at"), mo=ExtractMonth("created_at"))
        .values("case_id", "y", "mo", "partner__country")
        .annotate(n=models.Count("id"))
    )
    per_case: Counter[tuple[object, str]] = Counter()
    for row in referrals:
        month = _ym(row)
        n = min(row["n"], figures.REFERRALS_CAP - per_case[(row["case_id"], month)])
        if n > 0:
            per_case[(row["case_id"], month)] += n
            counts["referrals"][(month, place(row["partner__country"]))] += n

    within = _replies_within(since, until)
    hours: list[int] = []
    below = 0
    for candidate in figures.REPLY_HOURS:
        upto = within[candidate]
        hours += [candidate] * (upto - below)
        below = upto
    # Later than the last candidate: counted at the last.
    hours += [figures.REPLY_HOURS[-1]] * (within[ANSWERED] - below)
    return figures.Raw(months=months_of(start, end), counts=counts, reply_hours=hours)


ANSWERED = 0  # the key of _replies_within's count of every answered case


def _replies_within(since: dt.datetime, until: dt.datetime) -> dict[int, int]:
    """For each candidate of figures.REPLY_HOURS, how many of the period's answered cases had
    their first reply within that many hours; under ANSWERED, how many were answered."""
    if connection.vendor == "postgresql":
        return _replies_within_postgresql(since, until)
    return _replies_within_orm(since, until)


def _replies_within_orm(since: dt.datetime, until: dt.datetime) -> dict[int, int]:
    answered = (
        Message.objects.filter(
            from_seeker=False, case__created_at__gte=since, case__created_at__lt=until
        )
        .order_by()
        .values("case_id", "case__created_at")
        .annotate(first_reply=models.Min("created_at"))
    )
    counted = answered.aggregate(
        answered=models.Count("case_id"),
        **{
            f"h{hours}": models.Count(
                "case_id",
                filter=models.Q(
                    first_reply__lte=models.F("case__created_at") + dt.timedelta(hours=hours)
                ),
            )
            for hours in figures.REPLY_HOURS
        },
    )
    within = {hours: counted[f"h{hours}"] or 0 for hours in figures.REPLY_HOURS}
    return {**within, ANSWERED: counted["answered"] or 0}


def _replies_within_postgresql(since: dt.datetime, until: dt.datetime) -> dict[int, int]:
    """The same counts, from one delay per case: the whole hours to the first reply, counted
    per value (a few hundred groups), rather than nineteen filtered counts each adding an
    interval to every row (bench/stats.py: 3.3 s became 1.5 s over 700,000 replies)."""
    message, case = Message._meta.db_table, Case._meta.db_table
    query = f"""
        SELECT CEIL(EXTRACT(EPOCH FROM (first_reply - opened)) / 3600.0), COUNT(*)
        FROM (
            SELECT MIN(m.created_at) AS first_reply, c.created_at AS opened
            FROM {message} m JOIN {case} c ON c.id = m.case_id
            WHERE NOT m.from_seeker AND c.created_at >= %s AND c.created_at < %s
            GROUP BY m.case_id, c.created_at
        ) AS answered
        GROUP BY 1
    """  # noqa: S608  # nosec B608  # the two tables' own names; the period is a parameter
    with connection.cursor() as cursor:
        cursor.execute(query, [since, until])
        delays = [(float(hours), int(n)) for hours, n in cursor.fetchall()]
    within = {
        candidate: sum(n for hours, n in delays if hours <= candidate)
        for candidate in figures.REPLY_HOURS
    }
    return {**within, ANSWERED: sum(n for _hours, n in delays)}


def budget_message(error: figures.BudgetExceeded, year: int) -> str:
    return _(
        "This release would spend ε = %(asked)s, but only ε = %(left)s of %(year)s's budget "
        "of %(budget)s is left. Ask for a smaller ε, or wait for next year's budget."
    ) % {
        "asked": f"{error.asked:g}",
        "left": f"{error.left:g}",
        "year": year,
        "budget": f"{error.budget:g}",
    }


def can_release(user: User | None) -> bool:
    return user is not None and user.has_role(Role.COORDINATOR)


@transaction.atomic
def do_draft_release(
    *, start: dt.date, end: dt.date, epsilon: float | None, acting_user: User | None
) -> Release:
    """Count, noise and post-process the period's figures into a draft, spending its epsilon
    from this year's budget now: the noise is drawn and will be seen."""
    if acting_user is not None and not can_release(acting_user):
        raise ReleaseError(_("Only coordinators draft public figures."))
    start, end = month_start(start), month_start(end)
    if end <= start:
        raise ReleaseError(_("A release covers at least one whole month."))
    if end > month_start(timezone.now().date()):
        raise ReleaseError(_("A release covers only months that have ended."))
    epsilon = settings.STATS_EPSILON if epsilon is None else epsilon
    if not math.isfinite(epsilon) or epsilon <= 0:
        raise ReleaseError(_("ε must be a positive number, such as 0.5 or 1."))
    year = timezone.now().year
    YearBudget.objects.get_or_create(year=year)
    budget = YearBudget.objects.select_for_update().get(year=year)
    try:
        figures.check_budget(epsilon, budget.spent, settings.STATS_EPSILON_YEAR)
    except figures.BudgetExceeded as error:
        raise ReleaseError(budget_message(error, year)) from error
    computed = figures.compute(
        collect(start, end), epsilon=epsilon, k=settings.STATS_K, queries=queries()
    )
    release = Release.objects.create(
        period_start=start,
        period_end=end,
        epsilon=epsilon,
        epsilon_spent=round(computed.spent, 9),
        k=settings.STATS_K,
        method=figures.METHOD,
        figures=computed.as_data(),
        drafted_by=acting_user,
    )
    budget.spent = round(budget.spent + release.epsilon_spent, 9)
    budget.save(update_fields=["spent"])
    _ask_for_approval(release, exclude=acting_user)
    record(
        Action.FIGURES_DRAFTED,
        actor=acting_user,
        object_type="stats.release",
        object_id=release.pk,
        details={"months": len(computed.months), "epsilon": f"{computed.spent:.6g}"},
    )
    return release


def _ask_for_approval(release: Release, *, exclude: User | None) -> None:
    """Every other coordinator hears that a draft waits for a second person's approval; a
    draft the monthly task made waits for its first reader too."""
    do_notify(
        coordinators(),
        NoticeKind.APPROVAL_WAITING,
        reverse("staff_figures:preview", args=[release.pk]),
        exclude=exclude,
    )


def _check_decider(release: Release, user: User) -> None:
    if not can_release(user):
        raise ReleaseError(_("Only coordinators approve public figures."))
    if release.status != Status.DRAFT:
        raise ReleaseError(_("This release has already been decided."))
    if release.drafted_by_id == user.pk:
        raise ReleaseError(_("A second person must approve the figures you drafted."))
    if release.reviewed_by_id == user.pk:
        raise ReleaseError(_("You have signed this draft: a second coordinator must approve it."))


@transaction.atomic
def do_approve_release(*, release: Release, acting_user: User) -> Release:
    """Publish the draft, as its second person. A draft the monthly task made has no first
    person yet: then this signs it as the first, and it stays a draft."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    _check_decider(release, acting_user)
    if release.first_person_id is None:
        release.reviewed_by = acting_user
        release.save(update_fields=["reviewed_by"])
        record(
            Action.FIGURES_SIGNED,
            actor=acting_user,
            object_type="stats.release",
            object_id=release.pk,
        )
        _ask_for_approval(release, exclude=acting_user)
        return release
    last = Release.objects.aggregate(n=models.Max("number"))["n"] or 0
    release.status = Status.PUBLISHED
    release.approved_by = acting_user
    release.published_at = timezone.now()
    release.number = last + 1
    release.save(update_fields=["status", "approved_by", "published_at", "number"])
    record(
        Action.FIGURES_PUBLISHED,
        actor=acting_user,
        object_type="stats.release",
        object_id=release.pk,
        details={"number": release.number, "epsilon": f"{release.epsilon_spent:.6g}"},
    )
    return release


@transaction.atomic
def do_discard_release(*, release: Release, acting_user: User) -> None:
    """The draft is not published; its epsilon stays spent."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    if not can_release(acting_user):
        raise ReleaseError(_("Only coordinators approve public figures."))
    if release.status != Status.DRAFT:
        raise ReleaseError(_("This release has already been decided."))
    release.status = Status.DISCARDED
    release.save(update_fields=["status"])
    record(
        Action.FIGURES_DISCARDED,
        actor=acting_user,
        object_type="stats.release",
        object_id=release.pk,
    )


def last_month_period(today: dt.date) -> tuple[dt.date, dt.date]:
    end = month_start(today)
    return month_start(end - dt.timedelta(days=1)), end


def draft_last_month(today: dt.date | None = None) -> Release | None:
    """The monthly draft, once per month: none if last month has a release (in any state) or
    the year's budget is spent."""
    start, end = last_month_period(today or timezone.now().date())
    if Release.objects.filter(period_start=start, period_end=end).exists():
        return None
    return do_draft_release(start=start, end=end, epsilon=None, acting_user=None)


def year_ledger(year: int) -> dict[str, object]:
    spent = Release.objects.spent_in(year)
    budget = settings.STATS_EPSILON_YEAR
    return {
        "year": year,
        "spent": spent,
        "budget": budget,
        "left": max(0.0, budget - spent),
        "releases_left": ngettext(
            "%(n)s release at the default ε",
            "%(n)s releases at the default ε",
            n := int(max(0.0, budget - spent) // settings.STATS_EPSILON),
        )
        % {"n": n},
    }
