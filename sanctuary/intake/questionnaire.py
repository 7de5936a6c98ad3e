"""The questionnaire between its pages. What he answered so far travels in the page itself, in
one signed hidden field: nothing is stored on the server and no cookie is set before he sends
it, and going back or forth loses nothing."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.http import QueryDict

from sanctuary.accounts import throttle
from sanctuary.intake.forms import (
    CHILD_FIELDS,
    REPLACED_FIELDS,
    STEPS,
    QuestionnaireForm,
    Step,
    applicable_steps,
    companion_counts,
)
from sanctuary.routes.forms import SituationForm

SALT = "sanctuary.intake.questionnaire"
COMPANION_FIELD = re.compile(r"^(child|adult)_[0-9]{1,2}_[a-z_]+$")
MAX_VALUES = 60  # per field: more than any list of choices the form offers


def _first(values: Mapping[str, list[str]], name: str) -> str:
    return (values.get(name) or [""])[0]


def is_question(name: str) -> bool:
    return name in QuestionnaireForm.base_fields or bool(COMPANION_FIELD.match(name))


@dataclass
class Progress:
    """His answers so far, as typed (raw strings), and which questions he has seen: a box he
    saw and left empty is a "no", one he never saw keeps the form's default."""

    values: dict[str, list[str]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    started: float | None = None  # when the first page of this questionnaire was issued

    def sign(self) -> str:
        blob = {"v": self.values, "s": sorted(self.seen), "t": self.started}
        return signing.dumps(blob, salt=SALT, compress=True)

    @classmethod
    def unsign(cls, text: str) -> "Progress":
        """No age limit: a stale page must still give his answers back."""
        try:
            blob = signing.loads(text, salt=SALT)
        except signing.BadSignature:
            return cls()
        if not isinstance(blob, dict):
            return cls()
        values = {
            str(name): [str(value) for value in values][:MAX_VALUES]
            for name, values in (blob.get("v") or {}).items()
            if is_question(str(name)) and isinstance(values, list)
        }
        started = blob.get("t")
        return cls(
            values=values,
            seen={str(name) for name in blob.get("s") or [] if is_question(str(name))},
            started=float(started) if isinstance(started, int | float) else None,
        )

    def take(self, post: QueryDict, step: Step | None) -> None:
        """What this page sent: every question in it replaces the earlier answer, and the
        current step's questions that are missing were left empty."""
        for name in post:
            if is_question(name):
                self.values[name] = post.getlist(name)[:MAX_VALUES]
        if step is not None:
            for name in step.field_names(self.values):
                self.seen.add(name)
                if name not in post:
                    self.values[name] = []

    def take_options_check(self, post: QueryDict) -> None:
        """Answers carried over from the options check, which showed all of its questions; its
        one answer for every child becomes each child's own."""
        self.take(post, None)
        self.seen |= set(SituationForm.base_fields)
        for name, question in (
            ("summons_in_register", "in_register"),
            ("summons_served", "served"),
        ):
            answer = _first(self.values, name)
            if answer in ("yes", "no"):  # "I do not know" leaves the box as it is
                self.values.setdefault(question, ["on"] if answer == "yes" else [])
                self.seen.add(question)
        if _first(self.values, "summons_purpose"):
            self.values.setdefault("purpose", self.values["summons_purpose"][:1])
        children, adults = companion_counts(self.values)
        ages = [age.strip() for age in re.split(r"[,;]", _first(self.values, "children_ages"))]
        ages = [age for age in ages if age]
        carried = {
            "birth_certificate": self.values.get("children_certificates", []),
            "passport": self.values.get("children_passports", []),
        }
        for i in range(children):
            if len(ages) == children:  # his ages, one a child, as he wrote them
                carried["age"] = [ages[i]]
            for name, value in carried.items():
                self.values.setdefault(f"child_{i}_{name}", value)
                self.seen.add(f"child_{i}_{name}")
        adult_carried = {"passport": self.values.get("adults_passports", [])}
        internal = _first(self.values, "adults_internal_passports")
        if internal in ("yes", "no"):
            adult_carried["internal_passport"] = ["on"] if internal == "yes" else []
        for i in range(adults):
            for name, value in adult_carried.items():
                self.values.setdefault(f"adult_{i}_{name}", value)
                self.seen.add(f"adult_{i}_{name}")
        for name in REPLACED_FIELDS:
            self.values.pop(name, None)

    def querydict(self, names: Iterable[str]) -> QueryDict:
        data = QueryDict(mutable=True)
        for name in names:
            if name in self.values:
                data.setlist(name, self.values[name])
        return data

    def steps(self) -> list[Step]:
        return applicable_steps(self.values)

    def asked(self) -> list[str]:
        """Every question of the steps that apply to him now."""
        return [name for step in self.steps() for name in step.field_names(self.values)]

    def started_ticket(self, ticket: throttle.Ticket, max_age: float) -> throttle.Ticket:
        """The ticket with the time his first page was issued, for "did he take the time a
        person takes": each page has a new token, and the questionnaire is all of them."""
        if self.started is None or throttle.now() - self.started > max_age:
            return ticket
        return throttle.Ticket(ticket.chain, min(ticket.issued, self.started))


def initial(form: QuestionnaireForm, progress: Progress) -> None:
    """Fill an unbound form with what he typed, as he typed it (a wrong date stays wrong)."""
    data = progress.querydict(progress.values)
    for name, question in form.fields.items():
        if name in progress.seen or name in progress.values:
            form.initial[name] = question.widget.value_from_datadict(data, {}, name)


def step_after(step: Step, answers: Mapping[str, list[str]]) -> Step | None:
    later = STEPS[STEPS.index(step) + 1 :]
    return next((s for s in later if s.applies(answers)), None)


def step_before(step: Step, answers: Mapping[str, list[str]]) -> Step:
    earlier = STEPS[: STEPS.index(step)]
    return next((s for s in reversed(earlier) if s.applies(answers)), STEPS[0])


def groups(form: QuestionnaireForm, step: Step, answers: Mapping[str, list[str]]) -> list[Any]:
    """The step's questions, each companion's under his own heading."""
    names = step.field_names(answers)
    if step.name != "companions":
        return [{"legend": None, "fields": [form[name] for name in names]}]
    children, adults = companion_counts(answers)
    people = [(f"child_{i}", len(CHILD_FIELDS)) for i in range(children)]
    people += [(f"adult_{i}", 4) for i in range(adults)]
    found = []
    for prefix, _count in people:
        fields = [form[name] for name in names if name.startswith(prefix + "_")]
        label = str(fields[0].label).split(":")[0]
        found.append({"legend": label, "fields": fields})
    return found
