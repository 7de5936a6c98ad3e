"""Django's side of the one country list (sanctuary/countries.py, which stays pure): the
model validator and the form field whose choices are the localised names in the language
active when the form is shown or checked."""

from collections.abc import Callable, Collection, Iterable
from functools import partial
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sanctuary import countries

UNKNOWN_COUNTRY = _(
    "“%(value)s” is not a country code. Choose the country from the list "
    "(two-letter ISO 3166 codes such as GE or KZ)."
)
UNKNOWN_PLACE = _("“%(value)s” is not a country or territory. Choose it from the list.")
NOT_OFFERED = _("%(country)s cannot be chosen here. Choose a country from the list.")

Choices = list[tuple[str, Any]]


def validate_country(value: str) -> None:
    """Model validator: an ISO 3166-1 alpha-2 code in upper case."""
    if not countries.is_country(value):
        raise ValidationError(
            UNKNOWN_COUNTRY, code="unknown_country", params={"value": _shown(value)}
        )


def validate_place(value: str) -> None:
    """Model validator: a country code or a named territory id."""
    if not countries.is_place(value):
        raise ValidationError(
            UNKNOWN_PLACE, code="unknown_country", params={"value": _shown(value)}
        )


def country_choices(
    *,
    only: Iterable[str] | None = None,
    territories: bool = False,
    exclude: Collection[str] = (),
    first: Collection[str] = (),
    first_label: Promise | str = "",
    rest_label: Promise | str = "",
    blank: bool = True,
) -> Choices:
    """The choices in the active language, sorted by name. With ``first``, two groups:
    those codes under ``first_label``, then the others under ``rest_label``."""
    pairs = [
        pair
        for pair in countries.choices(get_language(), territories=territories, only=only)
        if pair[0] not in exclude
    ]
    head: Choices = [("", "—")] if blank else []
    if not first:
        return head + pairs
    return [
        *head,
        (str(first_label), [pair for pair in pairs if pair[0] in first]),
        (str(rest_label), [pair for pair in pairs if pair[0] not in first]),
    ]


class CountryField(forms.ChoiceField):
    """A choice of country by its localised name; the value is the ISO code (or a named
    territory id, with ``territories=True``). Arguments as ``country_choices``."""

    def __init__(
        self,
        *,
        only: Iterable[str] | None = None,
        territories: bool = False,
        exclude: Collection[str] = (),
        first: Collection[str] = (),
        first_label: Promise | str = "",
        rest_label: Promise | str = "",
        not_offered: Promise | str = NOT_OFFERED,
        **kwargs: Any,
    ) -> None:
        self.territories = territories
        self.not_offered = not_offered
        build: Callable[[], Choices] = partial(
            country_choices,
            only=None if only is None else tuple(only),
            territories=territories,
            exclude=tuple(exclude),
            first=tuple(first),
            first_label=first_label,
            rest_label=rest_label,
        )
        super().__init__(choices=build, **kwargs)

    def to_python(self, value: Any) -> str:
        # A code typed or sent in lower case is still the code.
        text = str(super().to_python(value)).strip()
        return text.upper() if len(text) == 2 else text

    def validate(self, value: Any) -> None:
        if value in self.empty_values:
            super().validate(value)
            return
        if self.valid_value(value):
            return
        known = countries.is_place(value) if self.territories else countries.is_country(value)
        if known:
            name = countries.name(value, get_language())
            raise ValidationError(
                str(self.not_offered), code="not_offered", params={"country": name}
            )
        message = UNKNOWN_PLACE if self.territories else UNKNOWN_COUNTRY
        raise ValidationError(message, code="unknown_country", params={"value": _shown(value)})


UNKNOWN_TYPED_COUNTRY = _(
    "We do not know a country called “%(value)s”. Type its name as it is written on a map, "
    "for example Germany or Армения."
)


class TypedCountryField(forms.CharField):
    """A country typed by its name in ru, en or uk, or by its code; the value is the ISO
    code. A page that needs a second country question uses it instead of a second list of
    some 250 names, which a cheap phone on a slow line would pay for twice."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "words"}
            ),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        # A stored code is shown as the name he would have typed.
        if isinstance(value, str) and countries.is_country(value):
            return countries.name(value, get_language())
        return value

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value))
        if not text:
            return ""
        code = countries.normalise(text)
        if code is None:
            raise ValidationError(
                UNKNOWN_TYPED_COUNTRY, code="unknown_country", params={"value": _shown(text)}
            )
        return code


def _shown(value: str) -> str:
    """A refused value as the error repeats it: short, on one line."""
    text = " ".join(str(value).split())
    return text if len(text) <= 20 else text[:19] + "…"


def normalise_stored_countries(
    model: Any, *, label: str, field: str = "country", territories: bool = False
) -> dict[str, int]:
    """For data migrations: rewrite every stored value that names a country (a code in any
    case, an alpha-3 code, a name in ru/en/uk; with ``territories``, a named territory too) as
    its code, and keep every other row exactly as it is. Returns and prints what was kept
    ({value: rows}) so that whoever migrates can fix those rows by hand; no row is lost.

    ``model`` is the historical model of the migration (``apps.get_model``)."""
    kept: dict[str, int] = {}
    values = sorted(set(model.objects.values_list(field, flat=True)))
    for value in values:
        code = countries.normalise_stored(value, territories=territories)
        rows = model.objects.filter(**{field: value})
        if code is None:
            kept[value] = rows.count()
        elif code != value:
            rows.update(**{field: code})
    if kept:
        listed = ", ".join(f"{value!r} ({rows} rows)" for value, rows in kept.items())
        print(
            f"\n  {label}: kept as stored, names no known country: {listed}. "
            "Fix these rows by hand; forms will ask for a country from the list."
        )
    return kept
