import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from sanctuary.audit.models import Action

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
