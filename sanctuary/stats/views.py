"""The public figures (no JavaScript, no request elsewhere, charts drawn here as SVG) and the
coordinators' pages that draft, preview and approve a release."""

import csv
import datetime as dt
import io
import json
import math
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanctuary.accounts.access import acting_user, staff_only
from sanctuary.accounts.models import Role
from sanctuary.stats import charts, labels, services
from sanctuary.stats.models import Release, Status


def _published(number: int) -> Release:
    return get_object_or_404(Release, number=number, status=Status.PUBLISHED)


def _draft(pk: int) -> Release:
    return get_object_or_404(Release, pk=pk)


def _months(release: Release) -> list[str]:
    return list(release.figures.get("months", []))


def _table_views(release: Release) -> list[dict[str, Any]]:
    """Each table as the page shows it: per month, its rows with their words and a chart."""
    tables = []
    for table in release.figures.get("tables", []):
        months = []
        for month in _months(release):
            rows = [
                (labels.label(table["name"], row["label"]), row["value"])
                for row in table["rows"]
                if row["month"] == month
            ]
            months.append(
                {
                    "month": month,
                    "total": table["totals"].get(month),
                    "partition": bool(table["totals"]),
                    "chart": charts.bars(rows),
                    "rows": rows,
                }
            )
        tables.append(
            {
                "name": table["name"],
                "title": labels.TABLE_TITLES.get(table["name"], table["name"]),
                "epsilon": table["epsilon"],
                "scale": table["scale"],
                "sensitivity": table["sensitivity"],
                "shown_from": table["shown_from"],
                # 95% of the noise on one cell lies within this (discrete Laplace).
                "margin": round(table["scale"] * 3.0),
                "months": months,
            }
        )
    return tables


def _citation(request: HttpRequest, release: Release) -> str:
    # A draft has no number yet: its citation points at the page where it will appear.
    where = (
        reverse("figures:release", args=[release.number])
        if release.number
        else reverse("figures:index")
    )
    url = request.build_absolute_uri(where)
    published = release.published_at.date() if release.published_at else timezone.now().date()
    return _(
        "Sanctuary network, public figures, release %(number)s (%(months)s), published "
        "%(date)s, ε = %(epsilon)s, method %(method)s. %(url)s"
    ) % {
        "number": release.number or "—",
        "months": " – ".join(sorted({_months(release)[0], _months(release)[-1]})),
        "date": f"{published:%Y-%m-%d}",
        "epsilon": f"{release.epsilon_spent:.3g}",
        "method": release.method,
        "url": url,
    }


def _release_context(request: HttpRequest, release: Release) -> dict[str, Any]:
    return {
        "release": release,
        "tables": _table_views(release),
        "median": release.figures.get("median_first_reply_hours"),
        "citation": _citation(request, release),
        "archive": Release.objects.published(),
    }


def index(request: HttpRequest) -> HttpResponse:
    latest = Release.objects.published().first()
    context: dict[str, Any] = {"archive": Release.objects.published(), "latest": latest}
    if latest is not None:
        context.update(_release_context(request, latest))
    return render(request, "stats/index.html", context)


def release(request: HttpRequest, number: int) -> HttpResponse:
    found = _published(number)
    return render(request, "stats/release.html", _release_context(request, found))


def _rows(release: Release) -> list[list[object]]:
    rows: list[list[object]] = []
    for table in release.figures.get("tables", []):
        for month, total in table["totals"].items():
            rows.append([table["name"], month, "_total", total if total is not None else ""])
        for row in table["rows"]:
            rows.append([table["name"], row["month"], row["label"], row["value"]])
    median = release.figures.get("median_first_reply_hours")
    rows.append(["median_first_reply_hours", "", "", median if median is not None else ""])
    return rows


def release_csv(request: HttpRequest, number: int) -> HttpResponse:
    found = _published(number)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "month", "label", "value"])
    writer.writerows(_rows(found))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="figures-{found.number}.csv"'
    return response


def release_json(request: HttpRequest, number: int) -> HttpResponse:
    found = _published(number)
    data = {
        "release": found.number,
        "published": found.published_at.isoformat() if found.published_at else None,
        "period": [found.period_start.isoformat(), found.period_end.isoformat()],
        "citation": _citation(request, found),
        **found.figures,
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="figures-{found.number}.json"'
    return response


def method(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "stats/method.html",
        {
            "epsilon": settings.STATS_EPSILON,
            "epsilon_year": settings.STATS_EPSILON_YEAR,
            "k": settings.STATS_K,
        },
    )


# --- staff ------------------------------------------------------------------------------


@staff_only(Role.COORDINATOR)
def staff_index(request: HttpRequest) -> HttpResponse:
    today = timezone.now().date()
    last_month, _end = services.last_month_period(today)
    error = ""
    typed = {"month": f"{last_month:%Y-%m}", "epsilon": str(settings.STATS_EPSILON)}
    if request.method == "POST":
        typed = {name: request.POST.get(name, "")[:40] for name in typed}
        try:
            start = dt.datetime.strptime(typed["month"], "%Y-%m").date()
            end = services.next_month(start)
            epsilon = float(typed["epsilon"] or settings.STATS_EPSILON)
        except (ValueError, OverflowError):
            error = _("Give a month like 2026-11 and ε as a number.")
        else:
            if not math.isfinite(epsilon) or epsilon <= 0:
                error = _("ε must be a positive number, such as 0.5 or 1.")
            else:
                try:
                    drafted = services.do_draft_release(
                        start=start, end=end, epsilon=epsilon, acting_user=acting_user(request)
                    )
                except services.ReleaseError as refusal:
                    error = str(refusal)
                else:
                    return redirect("staff_figures:preview", drafted.pk)
    return render(
        request,
        "stats/staff.html",
        {
            "error": error,
            "ledger": services.year_ledger(today.year),
            "releases": Release.objects.all()[:50],
            "default_month": typed["month"],
            "default_epsilon": typed["epsilon"],
        },
        status=400 if error else 200,
    )


@staff_only(Role.COORDINATOR)
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    found = _draft(pk)
    user = acting_user(request)
    context = _release_context(request, found)
    context["preview"] = True
    own = user.pk in (found.drafted_by_id, found.reviewed_by_id)
    context["can_decide"] = found.status == Status.DRAFT and not own
    context["own"] = own
    context["first_to_sign"] = found.first_person_id is None
    return render(request, "stats/release.html", context)


@require_POST
@staff_only(Role.COORDINATOR)
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    found = _draft(pk)
    try:
        published = services.do_approve_release(release=found, acting_user=acting_user(request))
    except services.ReleaseError as refusal:
        messages.error(request, str(refusal))
        return redirect("staff_figures:preview", found.pk)
    if not published.is_published:
        messages.success(
            request, _("You have signed the draft. A second coordinator must now approve it.")
        )
        return redirect("staff_figures:preview", found.pk)
    messages.success(request, _("Release %(number)s is published.") % {"number": published.number})
    return redirect("figures:release", published.number)


@require_POST
@staff_only(Role.COORDINATOR)
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    found = _draft(pk)
    try:
        services.do_discard_release(release=found, acting_user=acting_user(request))
    except services.ReleaseError as refusal:
        messages.error(request, str(refusal))
        return redirect("staff_figures:preview", found.pk)
    messages.success(request, _("The draft is discarded; the ε it spent stays spent."))
    return redirect("staff_figures:index")
