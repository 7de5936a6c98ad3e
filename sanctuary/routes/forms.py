import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanctuary import countries
from sanctuary.country_fields import TypedCountryField
from sanctuary.routes.knowledge import KnowledgeBase, KnowledgeError
from sanctuary.routes.labels import FACT_STATUSES
from sanctuary.routes.models import StoredFact
from sanctuary.routes.services import parse_fact
from sanctuary.routes.situation import CHILD_DOCUMENT_AGE

STATUS_CHOICES = [
    ("civilian", _("I have not been called up")),
    ("summons_received", _("I have received a summons")),
    ("conscript", _("I am a conscript in service")),
    ("mobilized", _("I was mobilised")),
    ("contract_soldier", _("I serve under a contract")),
    ("deserter", _("I have left my unit")),
    ("abroad", _("I left Russia before any call-up")),
    ("captivity", _("I am in captivity")),
]
LOCATION_CHOICES = [
    ("russia", _("In Russia")),
    ("occupied", _("In an occupied territory of Ukraine")),
    ("abroad", _("Abroad")),
]
SUMMONS_CHOICES = [
    ("", _("No summons")),
    ("paper", _("A paper summons")),
    ("electronic", _("An electronic summons (register)")),
]
CRIMINAL_CASE_CHOICES = [
    ("none", _("No, as far as I know")),
    ("likely", _("Not yet, but it is likely")),
    ("opened", _("Yes, a case is open")),
    ("wanted", _("Yes, and I am on a wanted list")),
]
WANTS_CHOICES = [
    ("", _("I do not know yet")),
    ("transit", _("To pass through on the way further")),
    ("months", _("To stay some months")),
    ("settle", _("To settle and seek protection")),
]
YES_NO_CHOICES = [("", _("I do not know")), ("yes", _("Yes")), ("no", _("No"))]
SUMMONS_PURPOSE_CHOICES = [
    ("", _("I do not know")),
    ("conscription", _("Conscript service")),
    ("mobilisation", _("Mobilisation")),
    ("records", _("Checking or updating my military records")),
]
YES_NO = {"yes": True, "no": False}
MAX_CHILDREN = 10
MAX_ADULTS = 10
MAX_FACT_TEXT = 50_000  # characters of YAML for one fact; the longest shipped is a few KB


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SituationForm(forms.Form):
    """The options check: only what changes the advice, and nothing that names anyone."""

    status = forms.ChoiceField(label=_("Your situation"), choices=STATUS_CHOICES)
    location = forms.ChoiceField(label=_("Where are you now?"), choices=LOCATION_CHOICES)
    country = forms.ChoiceField(label=_("Which country, if abroad?"), required=False)
    since = forms.DateField(
        label=_("Since when are you there?"),
        help_text=_("The day you last entered that country."),
        required=False,
        widget=_date_input(),
    )
    age = forms.IntegerField(label=_("Your age"), min_value=14, max_value=100, required=False)
    wants = forms.ChoiceField(label=_("What do you want?"), choices=WANTS_CHOICES, required=False)
    internal_passport = forms.BooleanField(
        label=_("I have my internal passport"), required=False, initial=True
    )
    passport_expires = forms.DateField(
        label=_("My foreign-travel passport is valid until"),
        help_text=_("Leave empty if you have none."),
        required=False,
        widget=_date_input(),
    )
    summons = forms.ChoiceField(label=_("Summons"), choices=SUMMONS_CHOICES, required=False)
    summons_date = forms.DateField(
        label=_("Date of the summons"), required=False, widget=_date_input()
    )
    summons_in_register = forms.ChoiceField(
        label=_("If you have a summons: is it in the electronic register (on Gosuslugi)?"),
        choices=YES_NO_CHOICES,
        required=False,
    )
    summons_served = forms.ChoiceField(
        label=_("If you have a summons: was it handed to you, or did you sign for it?"),
        choices=YES_NO_CHOICES,
        required=False,
    )
    summons_purpose = forms.ChoiceField(
        label=_("If you have a summons: what does it call you for?"),
        choices=SUMMONS_PURPOSE_CHOICES,
        required=False,
    )
    other_statuses = forms.MultipleChoiceField(
        label=_("Is any of these also true of you?"),
        choices=STATUS_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    left_unit = forms.DateField(
        label=_("Date you left your unit"),
        help_text=_("Only if you have left it."),
        required=False,
        widget=_date_input(),
    )
    criminal_case = forms.ChoiceField(
        label=_("Is there a criminal case against you?"), choices=CRIMINAL_CASE_CHOICES
    )
    children = forms.IntegerField(
        label=_("Children under 14 travelling with you"),
        min_value=0,
        max_value=MAX_CHILDREN,
        initial=0,
    )
    children_ages = forms.CharField(
        label=_("Their ages, separated by commas"),
        help_text=_("For example: 3, 8. Which documents a child needs depends on age."),
        required=False,
        max_length=60,
    )
    children_passports = forms.BooleanField(
        label=_("Each of them has a foreign-travel passport of their own"), required=False
    )
    children_certificates = forms.BooleanField(
        label=_("Each of them has a birth certificate"), required=False, initial=True
    )
    adults = forms.IntegerField(
        label=_("Others aged 14 or more travelling with you"),
        min_value=0,
        max_value=MAX_ADULTS,
        initial=0,
        required=False,
    )
    adults_internal_passports = forms.ChoiceField(
        label=_("Does each of them have a Russian internal passport?"),
        choices=YES_NO_CHOICES,
        required=False,
    )
    adults_passports = forms.BooleanField(
        label=_("Each of them has a foreign-travel passport"), required=False
    )
    travel_date = forms.DateField(
        label=_("When do you mean to travel, if not now?"), required=False, widget=_date_input()
    )
    activism = forms.BooleanField(label=_("My anti-war activity is publicly known"), required=False)
    # Typed, not chosen: a second list of every country would weigh 13 KB on his phone.
    claim_country = TypedCountryField(
        label=_("Where have you applied for asylum or protection, if anywhere?"),
        help_text=_("The country's name, in any language of this site."),
        required=False,
    )
    claim_date = forms.DateField(
        label=_("Date of the application"), required=False, widget=_date_input()
    )
    wished = forms.MultipleChoiceField(
        label=_("Where would you like to go?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, kb: KnowledgeBase, lang: str, today: dt.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        places = sorted(kb.places.values(), key=lambda place: place.name(lang))
        country_field = self.fields["country"]
        assert isinstance(country_field, forms.ChoiceField)
        # Anywhere he may be: every country of the one list and its named territories
        # (Russia is the other answer to "where are you now").
        country_field.choices = [("", "—")] + [
            pair for pair in countries.choices(lang, territories=True) if pair[0] != "RU"
        ]
        wished_field = self.fields["wished"]
        assert isinstance(wished_field, forms.MultipleChoiceField)
        wished_field.choices = [(place.id, place.name(lang)) for place in places if place.routes]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("location") == "abroad" and not data.get("country"):
            self.add_error("country", _("Choose the country you are in now."))
        if data.get("status") == "summons_received" and not data.get("summons"):
            self.add_error("summons", _("Choose the kind of summons you received."))
        if data.get("summons") and not data.get("summons_date"):
            self.add_error("summons_date", _("Enter the date of the summons."))
        if data.get("claim_country") and not data.get("claim_date"):
            self.add_error("claim_date", _("Enter the date of the application."))
        if data.get("claim_date") and not data.get("claim_country"):
            self.add_error("claim_country", _("Write the country where you applied."))
        for name in ("summons_date", "left_unit", "since", "claim_date"):
            day = data.get(name)
            if day and day > self.today:
                self.add_error(name, _("This date is in the future."))
        travel = data.get("travel_date")
        if travel and travel < self.today:
            self.add_error("travel_date", _("This date is in the past."))
        if "children_ages" in data:
            data["children_ages"] = self._children_ages(
                data["children_ages"], data.get("children") or 0
            )
        return data

    def _children_ages(self, text: str, count: int) -> list[int]:
        """Each child's own age; without them every child counts as just under 14."""
        parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        if not parts:
            return [CHILD_DOCUMENT_AGE - 1] * count
        if not all(part.isdigit() and int(part) < CHILD_DOCUMENT_AGE for part in parts):
            self.add_error(
                "children_ages", _("Enter each age as a number from 0 to 13, separated by commas.")
            )
            return []
        if len(parts) != count:
            self.add_error(
                "children_ages", _("Give one age for each child, as many as the number above.")
            )
            return []
        return [int(part) for part in parts]

    def situation_dict(self) -> dict[str, Any]:
        """The answers in the JSON form of situation.schema.json."""
        data = self.cleaned_data
        location: dict[str, Any] = {"kind": data["location"]}
        if data["location"] == "abroad":
            location["country"] = data["country"]
            if data["since"]:
                location["since"] = data["since"].isoformat()
        expires = data["passport_expires"]
        children = [
            {
                "relation": "child",
                "age": age,
                "international_passport": data["children_passports"],
                "birth_certificate": data["children_certificates"],
            }
            for age in data["children_ages"]
        ]
        adult: dict[str, Any] = {
            "relation": "other",
            "age": 18,
            "international_passport": data["adults_passports"],
            "birth_certificate": True,
        }
        if data["adults_internal_passports"]:
            adult["internal_passport"] = YES_NO[data["adults_internal_passports"]]
        answers: dict[str, Any] = {
            "version": 2,
            "status": data["status"],
            "location": location,
            "documents": {
                "internal_passport": data["internal_passport"],
                "international_passport": {"expires": expires.isoformat()} if expires else None,
            },
            "summons": self._summons() if data["summons"] else None,
            "left_unit_date": data["left_unit"].isoformat() if data["left_unit"] else None,
            "criminal_case": data["criminal_case"],
            "companions": children + [adult] * (data["adults"] or 0),
            "wished_destinations": list(data["wished"]),
            "public_activism": data["activism"],
            "protection_claim": (
                {"country": data["claim_country"], "date": data["claim_date"].isoformat()}
                if data["claim_country"] and data["claim_date"]
                else None
            ),
            "today": self.today.isoformat(),
        }
        if data["age"] is not None:
            answers["age"] = data["age"]
        if data["wants"]:
            answers["wants"] = data["wants"]
        others = [status for status in data["other_statuses"] if status != data["status"]]
        if others:
            answers["other_statuses"] = others
        if data["travel_date"] and data["travel_date"] > self.today:
            answers["travel_date"] = data["travel_date"].isoformat()
        return answers

    def _summons(self) -> dict[str, Any]:
        data = self.cleaned_data
        summons: dict[str, Any] = {
            "kind": data["summons"],
            "date": data["summons_date"].isoformat(),
        }
        if data["summons_in_register"]:
            summons["in_register"] = YES_NO[data["summons_in_register"]]
        if data["summons_served"]:
            summons["served"] = YES_NO[data["summons_served"]]
        if data["summons_purpose"]:
            summons["purpose"] = data["summons_purpose"]
        return summons


FACT_STATUS_CHOICES = [("", _("any status")), *FACT_STATUSES.items()]


class FactFilterForm(forms.Form):
    place = forms.ChoiceField(label=_("Country"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=FACT_STATUS_CHOICES, required=False)
    stale = forms.BooleanField(label=_("Only stale facts"), required=False)

    def __init__(self, *args: Any, kb: KnowledgeBase, lang: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        place_field = self.fields["place"]
        assert isinstance(place_field, forms.ChoiceField)
        place_field.choices = [("", _("every place"))] + [
            (place.id, place.name(lang))
            for place in sorted(kb.places.values(), key=lambda place: place.name(lang))
        ]


class ProposalForm(forms.Form):
    text = forms.CharField(
        label=_("The fact, as YAML"),
        help_text=_("Every field of the fact, in the same format as the files in data/."),
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false"}),
        max_length=MAX_FACT_TEXT,
    )
    source_url = forms.URLField(
        label=_("Source you checked"),
        help_text=_("The address of the page that supports this edit."),
        max_length=500,
        assume_scheme="https",
    )
    reason = forms.CharField(
        label=_("Reason for the edit"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, fact: StoredFact, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fact = fact

    def clean_text(self) -> dict[str, Any]:
        try:
            return parse_fact(self.cleaned_data["text"], self.fact)
        except KnowledgeError as error:
            raise forms.ValidationError(error.problems) from None


class SourceCheckForm(forms.Form):
    """What a lawyer read at the source: the page, the date it states, what it says."""

    read = forms.URLField(
        label=_("The page you read"),
        help_text=_("The fact's source, or a newer and better one."),
        max_length=500,
        assume_scheme="https",
    )
    read_date = forms.RegexField(
        label=_("The date the page states"),
        regex=r"^([0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?|n\.d\.)$",
        help_text=_("YYYY-MM-DD, YYYY-MM or YYYY; n.d. when the page shows no date."),
        error_messages={"invalid": _("Write the date as YYYY-MM-DD, YYYY-MM, YYYY or n.d.")},
        max_length=10,
    )
    note = forms.CharField(
        label=_("What it says"),
        help_text=_("A sentence or two: that it still says what the fact says."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class RejectForm(forms.Form):
    note = forms.CharField(
        label=_("Why it is rejected"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
