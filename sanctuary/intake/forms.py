from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanctuary.cases.models import (
    CONTACT_CHOICES,
    LANGUAGE_CHOICES,
    MAX_MESSAGE,
    MAX_STORY,
    HelpWanted,
)
from sanctuary.routes.forms import (
    MAX_CHILDREN,
    STATUS_CHOICES,
    SUMMONS_CHOICES,
    SituationForm,
)

STATUS_VALUES = {value for value, _label in STATUS_CHOICES}
OTHER_STATUS_CHOICES = [
    (value, label) for value, label in STATUS_CHOICES if value not in ("civilian", "abroad")
]
PURPOSE_CHOICES = [
    ("", _("I do not know")),
    ("conscription", _("Conscription")),
    ("mobilisation", _("Mobilisation")),
    ("records", _("To check or update military records")),
]
ADULT_RELATION_CHOICES = [
    ("partner", _("Wife or partner")),
    ("parent", _("Mother or father")),
    ("other", _("Someone else")),
]
MAX_ADULTS = 9  # with MAX_CHILDREN, within the schema's 20 companions
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%d-%m-%Y"]

# Plain sentences for every way an answer can be wrong, instead of Django's stock ones.
REQUIRED = _("Please answer this question.")
PLAIN_ERRORS: dict[type[forms.Field], dict[str, Any]] = {
    forms.DateField: {
        "invalid": _("We could not read this date. Write it as day, month, year: 20.11.2026."),
    },
    forms.IntegerField: {
        "invalid": _("Write a number in figures, for example 2."),
        "min_value": _("The number is too small: it cannot be below %(limit_value)s."),
        "max_value": _("The number is too large: it cannot be above %(limit_value)s."),
    },
    forms.ChoiceField: {"invalid_choice": _("Choose one of the answers offered.")},
    # After ChoiceField, of which it is a kind: its own sentence wins.
    forms.MultipleChoiceField: {
        "invalid_choice": _("Choose from the answers offered."),
        "invalid_list": _("Choose from the answers offered."),
    },
    forms.CharField: {
        "max_length": _(
            "This text is too long: write no more than %(limit_value)d characters (now "
            "%(show_value)d)."
        ),
    },
}


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


def _count(raw: Any, limit: int) -> int:
    """A count typed into the form, as far as it can be read; anything else is none."""
    try:
        number = int(str(raw).strip())
    except ValueError:
        return 0
    return number if 0 <= number <= limit else 0


# ---- the steps -----------------------------------------------------------------------------

Answers = Mapping[str, list[str]]


def _statuses(answers: Answers) -> set[str]:
    return {*answers.get("status", []), *answers.get("other_statuses", [])}


def _first(answers: Answers, name: str) -> str:
    values = answers.get(name) or [""]
    return values[0]


def companion_counts(answers: Answers) -> tuple[int, int]:
    return (
        _count(_first(answers, "children"), MAX_CHILDREN),
        _count(_first(answers, "adults"), MAX_ADULTS),
    )


@dataclass(frozen=True)
class Step:
    """One page of the questionnaire: its questions, and when it is asked at all."""

    name: str
    title: Any
    fields: tuple[str, ...]
    applies: Callable[[Answers], bool] = lambda answers: True

    def field_names(self, answers: Answers) -> list[str]:
        if self.name != "companions":
            return list(self.fields)
        children, adults = companion_counts(answers)
        return companion_field_names(children, adults)


CHILD_FIELDS = ("age", "birth_certificate", "passport", "internal_passport")
ADULT_FIELDS = ("relation", "age", "internal_passport", "passport")


def companion_field_names(children: int, adults: int) -> list[str]:
    return [f"child_{i}_{name}" for i in range(children) for name in CHILD_FIELDS] + [
        f"adult_{i}_{name}" for i in range(adults) for name in ADULT_FIELDS
    ]


STEPS = (
    # Who he is: everything after depends on these answers.
    Step(
        "you",
        _("About you"),
        ("on_behalf", "status", "other_statuses", "location", "age"),
    ),
    Step(
        "abroad",
        _("Where you are"),
        ("country", "since", "claim_country", "claim_date"),
        lambda answers: _first(answers, "location") == "abroad",
    ),
    Step(
        "summons",
        _("Your summons"),
        ("summons", "summons_date", "report_by", "in_register", "served", "purpose"),
        lambda answers: "summons_received" in _statuses(answers),
    ),
    Step(
        "unit",
        _("Leaving your unit"),
        ("left_unit",),
        lambda answers: "deserter" in _statuses(answers),
    ),
    Step(
        "documents",
        _("Documents and risks"),
        ("internal_passport", "military_id", "passport_expires", "criminal_case", "activism"),
    ),
    Step(
        "trip",
        _("Your journey"),
        ("wants", "travel_date", "wished", "children", "adults"),
    ),
    Step(
        "companions",
        _("Who travels with you"),
        (),
        lambda answers: sum(companion_counts(answers)) > 0,
    ),
    Step(
        "contact",
        _("How we can help"),
        ("languages", "help_wanted", "story", "contact_channel", "contact_handle"),
    ),
)
STEP_NAMES = {step.name: step for step in STEPS}
# Fields of the options check that the questionnaire asks differently (each companion on his
# own; the summons' details as its own questions): they are read once, from the options check,
# carried into the questions that replace them, and never shown.
REPLACED_FIELDS = (
    "children_passports",
    "children_certificates",
    "children_ages",
    "adults_passports",
    "adults_internal_passports",
    "summons_in_register",
    "summons_served",
    "summons_purpose",
)


def applicable_steps(answers: Answers) -> list[Step]:
    return [step for step in STEPS if step.applies(answers)]


class QuestionnaireForm(SituationForm):
    """The situation the routes engine reads, and what a counselor needs to help.

    Answer what you can: a question is required only where the case cannot be read without it.
    The status and where he is are the schema's own required facts (one choice each, always
    answered); the country when he is abroad, and the kind and day of a summons when he says
    he has one, are required by situation.schema.json; each companion's age decides which of
    his documents a border asks for. Everything else may be left for the counselor to ask.
    """

    on_behalf = forms.TypedChoiceField(
        label=_("Who is asking for help?"),
        choices=[("0", _("I am asking for myself")), ("1", _("I am asking for a relative"))],
        coerce=lambda value: value == "1",
        empty_value=False,  # type: ignore[arg-type]  # Django returns it as given
        initial="0",
        required=False,
        widget=forms.RadioSelect,
    )
    other_statuses = forms.MultipleChoiceField(
        label=_("Is anything else true of you, now or before?"),
        help_text=_("For example, you served under a contract and then left your unit."),
        choices=OTHER_STATUS_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summons = forms.ChoiceField(
        label=_("What kind of summons?"), choices=SUMMONS_CHOICES, required=False
    )
    summons_date = _date_field(
        _("The day it came"),
        help_text=_("The day it was handed to you, or the day it appeared in the register."),
    )
    report_by = _date_field(
        _("The day it tells you to report"), help_text=_("Leave empty if you do not know.")
    )
    in_register = forms.BooleanField(
        label=_("It is in the electronic register of summonses"), required=False
    )
    served = forms.BooleanField(label=_("It was handed to me, or I signed for it"), required=False)
    purpose = forms.ChoiceField(
        label=_("What does it call you for?"), choices=PURPOSE_CHOICES, required=False
    )
    military_id = forms.BooleanField(label=_("I have a military ID"), required=False)
    travel_date = _date_field(
        _("When do you plan to travel?"), help_text=_("Leave empty if you do not know yet.")
    )
    children = forms.IntegerField(
        label=_("How many children travel with you?"),
        min_value=0,
        max_value=MAX_CHILDREN,
        required=False,
        initial=0,
    )
    adults = forms.IntegerField(
        label=_("How many adults travel with you?"),
        help_text=_("Not counting you."),
        min_value=0,
        max_value=MAX_ADULTS,
        required=False,
        initial=0,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=["ru"],
    )
    help_wanted = forms.MultipleChoiceField(
        label=_("What help do you need?"),
        choices=HelpWanted.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    story = forms.CharField(
        label=_("Your story"),
        help_text=_(
            "What happened, what you fear, what you need. Leave out names and addresses you "
            "do not need to give."
        ),
        max_length=MAX_STORY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    contact_channel = forms.ChoiceField(
        label=_("Another way to reach you (optional)"),
        choices=CONTACT_CHOICES,
        required=False,
        help_text=_(
            "Signal shows your phone number to the counselor unless you use a username. "
            "Telegram can be read by its operator and is watched in Russia. An email address "
            "may name you. We store what you give here encrypted."
        ),
    )
    contact_handle = forms.CharField(
        label=_("Your Signal username, Telegram name or email address"),
        max_length=200,
        required=False,
    )

    def __init__(self, *args: Any, lang: str, **kwargs: Any) -> None:
        super().__init__(*args, lang=lang, **kwargs)
        self.lang = lang
        source = self.data if self.is_bound else self.initial
        self.children_count = _count(source.get("children", 0), MAX_CHILDREN)
        self.adults_count = _count(source.get("adults", 0), MAX_ADULTS)
        for i in range(self.children_count):
            self._add_companion_fields(f"child_{i}", _("Child %(number)d") % {"number": i + 1})
        for i in range(self.adults_count):
            self._add_companion_fields(f"adult_{i}", _("Adult %(number)d") % {"number": i + 1})
        for name in ("summons_date", "left_unit", "since", "claim_date", "passport_expires"):
            field = self.fields[name]
            assert isinstance(field, forms.DateField)
            field.input_formats = DATE_FORMATS
        for field in self.fields.values():
            for kind, messages in PLAIN_ERRORS.items():
                if isinstance(field, kind):
                    field.error_messages.update(messages)
            field.error_messages["required"] = REQUIRED

    def _add_companion_fields(self, prefix: str, who: str) -> None:
        if prefix.startswith("child"):
            self.fields[f"{prefix}_age"] = forms.IntegerField(
                label=_("%(who)s: age") % {"who": who}, min_value=0, max_value=17
            )
            self.fields[f"{prefix}_birth_certificate"] = forms.BooleanField(
                label=_("Has a birth certificate"), required=False, initial=True
            )
        else:
            self.fields[f"{prefix}_relation"] = forms.ChoiceField(
                label=_("%(who)s: who is it?") % {"who": who}, choices=ADULT_RELATION_CHOICES
            )
            self.fields[f"{prefix}_age"] = forms.IntegerField(
                label=_("%(who)s: age") % {"who": who}, min_value=14, max_value=120
            )
        self.fields[f"{prefix}_internal_passport"] = forms.BooleanField(
            label=_("Has a Russian internal passport"),
            required=False,
            initial=prefix.startswith("adult"),
        )
        self.fields[f"{prefix}_passport"] = forms.BooleanField(
            label=_("Has a foreign-travel passport of their own"), required=False
        )

    def clean_children(self) -> int:
        return int(self.cleaned_data.get("children") or 0)

    def clean_adults(self) -> int:
        return int(self.cleaned_data.get("adults") or 0)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        status = data.get("status")
        data["other_statuses"] = [s for s in data.get("other_statuses", []) if s != status]
        applying = {step.name for step in applicable_steps(self.answered(data))}
        if "summons" in applying and not data.get("summons") and "summons" not in self.errors:
            self.add_error("summons", _("Choose whether it is a paper or an electronic summons."))
        came, report_by = data.get("summons_date"), data.get("report_by")
        if came and report_by and report_by < came:
            self.add_error("report_by", _("The day to report cannot be before the day it came."))
        travel = data.get("travel_date")
        if travel and travel < self.today:
            self.add_error(
                "travel_date", _("This day has passed. Leave it empty if you do not know yet.")
            )
        if data.get("contact_channel") and not data.get("contact_handle", "").strip():
            self.add_error("contact_handle", _("Enter where to reach you, or choose the mailbox."))
        # Answers to questions that no longer apply (he changed his status, or came back to
        # Russia) stay in the page for going back, but are not part of his situation.
        for step in STEPS:
            if step.name not in applying and step.name != "companions":
                for name in step.fields:
                    data[name] = _empty(self.fields[name])
        return data

    @staticmethod
    def answered(data: Mapping[str, Any]) -> dict[str, list[str]]:
        """Cleaned answers in the form the steps' conditions read."""
        return {
            "status": [str(data.get("status") or "")],
            "other_statuses": list(data.get("other_statuses") or []),
            "location": [str(data.get("location") or "")],
            "children": [str(data.get("children") or 0)],
            "adults": [str(data.get("adults") or 0)],
        }

    def companions(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        party: list[dict[str, Any]] = []
        for i in range(self.children_count):
            party.append(
                {
                    "relation": "child",
                    "age": data[f"child_{i}_age"],
                    "birth_certificate": data[f"child_{i}_birth_certificate"],
                    "international_passport": data[f"child_{i}_passport"],
                    "internal_passport": data[f"child_{i}_internal_passport"],
                }
            )
        for i in range(self.adults_count):
            party.append(
                {
                    "relation": data[f"adult_{i}_relation"],
                    "age": data[f"adult_{i}_age"],
                    "internal_passport": data[f"adult_{i}_internal_passport"],
                    "international_passport": data[f"adult_{i}_passport"],
                }
            )
        return party

    def situation_dict(self) -> dict[str, Any]:
        data = self.cleaned_data
        situation = super().situation_dict()
        situation["documents"]["military_id"] = data["military_id"]
        situation["companions"] = self.companions()
        if situation["summons"] is not None:
            summons = situation["summons"]
            if data["report_by"]:
                summons["report_by"] = data["report_by"].isoformat()
            summons["in_register"] = data["in_register"] or data["summons"] == "electronic"
            summons["served"] = data["served"]
            if data["purpose"]:
                summons["purpose"] = data["purpose"]
        if data["other_statuses"]:
            situation["other_statuses"] = sorted(data["other_statuses"])
        if data["travel_date"]:
            situation["travel_date"] = data["travel_date"].isoformat()
        return situation

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "situation": self.situation_dict(),
            "on_behalf": data["on_behalf"],
            "languages": sorted(data["languages"]) or [self.lang],
            "help_wanted": sorted(data["help_wanted"]),
            "story": data["story"],
            "contact_channel": data["contact_channel"] if data["contact_handle"] else "",
            "contact_handle": data["contact_handle"].strip() if data["contact_channel"] else "",
        }


def _empty(field: forms.Field) -> Any:
    if isinstance(field, forms.BooleanField):
        return False
    if isinstance(field, forms.MultipleChoiceField):
        return []
    if isinstance(field, forms.ChoiceField | forms.CharField):
        return ""
    return None


class CodenameForm(forms.Form):
    codename = forms.CharField(
        label=_("Your codename"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked, scrubbed and sealed by the view."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=MAX_MESSAGE, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(
        label=_("Photos or PDF files (optional)"),
        help_text=_(
            "JPEG, PNG or PDF, up to 10 MB each and 12 MB together. We remove location and "
            "other hidden data before storing them."
        ),
        required=False,
    )
