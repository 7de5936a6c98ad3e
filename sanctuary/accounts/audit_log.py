"""The audit log's page for administrators. The log itself (sanctuary/audit) sits below every
app and knows nobody; reading it by person is an accounts matter."""

import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from sanctuary.accounts.access import staff_only
from sanctuary.accounts.models import Role, User
from sanctuary.audit.models import Action, AuditEntry

# Dates a filter may name: any entry's day lies between them, and no arithmetic on a date
# typed into the address bar can overflow (9999-12-31 + one day was a server error).
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action")), *Action.choices]
    )
    actor = forms.CharField(label=_("Username"), required=False, max_length=40)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_since(self) -> dt.date | None:
        return self._in_range(self.cleaned_data["since"])

    def clean_until(self) -> dt.date | None:
        return self._in_range(self.cleaned_data["until"])

    def _in_range(self, day: dt.date | None) -> dt.date | None:
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(
                _("Enter a date between %(first)s and %(last)s."),
                params={"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
            )
        return day


@staff_only(Role.ADMIN)
def log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["actor"]:
            actor = User.objects.filter(username=data["actor"].lower()).first()
            entries = entries.filter(actor_id=actor.pk if actor else -1)
        if data["since"]:
            entries = entries.filter(created_at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(created_at__date__lte=data["until"])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    actor_ids = {entry.actor_id for entry in page if entry.actor_id}
    usernames = dict(User.objects.filter(pk__in=actor_ids).values_list("pk", "username"))
    rows = [(entry, usernames.get(entry.actor_id or 0, "")) for entry in page]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "audit/log.html", context)
