"""Fuzzer: every form of every page, staff and seeker, posted with hypothesis-made input.

Run: .venv/bin/python bench/fuzz.py [--inputs N]   (also run by `make bench`; never by the suite)

It builds a throwaway test database (SQLite in memory, or PostgreSQL when DATABASE_URL is set:
the suite's `test_<name>` database), the same small network the access matrix uses
(sanctuary/tests/world.py), and logs in every role through the real views. It then opens every
page each visitor can reach, finds every <form> on it (method, action, fields, options, hidden
tokens) and posts, through Django's test client as that visitor, at least N inputs in total
(10,000 by default) spread over the forms. Each form gets ceil(N / forms); what the forms with
few fields cannot spend (hypothesis runs out of distinct inputs for a form with only a token)
goes to the forms that still have inputs to give, in further passes, until N is reached.
Each field gets a legitimate value, a hostile one (NUL, U+FFFF, templates, huge numbers, dates
out of range, 100,000 characters, a YAML bomb, ...) or hypothesis text, or is left out.
Single-use tokens are fetched afresh before each post.

Per form it prints the inputs, the server errors (5xx or an exception: must be 0) and the
refusals that are not shown as a message (a 4xx page without a field error or a message). It
exits 1 when either count is not 0. Nothing leaves the process: no network at all.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanctuary.settings")
os.environ.setdefault("INTAKE_CASES_PER_HOUR", "1000000")  # floods are intake_surge's subject
import sanctuary.pytest_env  # noqa: E402,F401  (throwaway secrets, as the suite has)

NASTY = [
    "",
    " ",
    "\x00",
    "\uffff\ufffe",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "a: &a [x, x]\nb: [*a, *a, *a]\n",
    "[" * 2000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../../../etc/passwd",
    "%s%s%n",
    "9999-12-31",
    "0001-01-01",
    "31.02.2026",
    "2026-13-45T25:61",
    "-1",
    "0",
    "2147483648",
    "9" * 400,
    "1e309",
    "NaN",
    "00000000-0000-0000-0000-000000000000",
    "x" * 100_000,
    "\u202e\u200b\ufeff",
    "Ａ" * 50,
    "\r\n\r\n",
]


@dataclass
class Field:
    name: str
    kind: str  # text, hidden, checkbox, radio, select, textarea, file, date, number, ...
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    method: str
    action: str
    multipart: bool
    fields: dict[str, Field] = field(default_factory=dict)


class FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: Field | None = None
        self.textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = a.get("action") or self.page_url
            self.current = Form(
                method=(a.get("method") or "get").lower(),
                action=urlsplit(action).path or self.page_url,
                multipart="multipart" in a.get("enctype", ""),
            )
            self.forms.append(self.current)
            return
        if self.current is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            known = self.current.fields.get(name)
            if known is not None and kind in ("checkbox", "radio"):
                known.options.append(a.get("value", "on"))
                known.multiple = known.multiple or kind == "checkbox"
                if "checked" in a:
                    known.value = a.get("value", "on")
                return
            self.current.fields[name] = Field(
                name,
                kind,
                a.get("value", "on" if kind in ("checkbox", "radio") else ""),
                [a.get("value", "on")] if kind in ("checkbox", "radio") else [],
            )
        elif tag == "select":
            self.select = Field(name, "select", multiple="multiple" in a)
            self.current.fields[name] = self.select
        elif tag == "textarea":
            self.textarea = Field(name, "textarea")
            self.current.fields[name] = self.textarea

    def handle_starttag_option(self, a: dict[str, str]) -> None:  # pragma: no cover
        pass

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def unknown_decl(self, data: str) -> None:  # pragma: no cover
        pass


class OptionParser(FormParser):
    """FormParser that also records <option> values of the open <select>."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "option" and self.select is not None:
            a = {k: v or "" for k, v in attrs}
            self.select.options.append(a.get("value", ""))
            if "selected" in a:
                self.select.value = a.get("value", "")
            return
        super().handle_starttag(tag, attrs)


def forms_on(page_url: str, html: str) -> list[Form]:
    parser = OptionParser(page_url)
    parser.feed(html)
    return parser.forms


@dataclass
class Tally:
    inputs: int = 0
    server_errors: int = 0
    unshown_refusals: int = 0
    not_found: int = 0
    forged: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    first_error: str = ""
    exhausted: bool = False  # hypothesis ran out of distinct inputs before its budget

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.inputs + other.inputs,
            self.server_errors + other.server_errors,
            self.unshown_refusals + other.unshown_refusals,
            self.not_found + other.not_found,
            self.forged + other.forged,
            self.statuses + other.statuses,
            self.first_error or other.first_error,
        )


# A refusal is shown when the page says why: a field error, a message, or a notice (the
# questionnaire's "sent once or open too long" page is a 400 with a notice and his answers).
SHOWN = (
    'class="error',
    'role="alert"',
    'class="messages',
    'class="errorlist',
    'class="notice" role="status"',  # not the options check's standing notice (a <p>)
)
# Forms that end the visitor's session or the world's objects: fuzzed last, or not at all.
SKIPPED_ACTIONS = ("/staff/logout/",)
# Forms whose first accepted input changes an object's state for the forms after it (a host
# made inactive, a proposal accepted): fuzzed after the others, the session-ending ones last.
LATE_ACTIONS = (
    "/active/",
    "/detained/",
    "/accept/",
    "/decline/",
    "/revoke/",
    "/cancel/",
    "/guest-declines/",
    "/approve/",
    "/reject/",
    "/reset/",
    "/run/",
    "/done/",
)
LAST_ACTIONS = ("/mailbox/delete/", "/mailbox/leave/", "/withdraw/")
SINGLE_USE = ("form_token", "once")


def fuzz_form(
    world: Any,
    client: Any,
    visitor: str,
    method: str,
    action: str,
    page: str,
    form: Form,
    per_form: int,
) -> Tally:
    """Post ``per_form`` hypothesis-made inputs to one form as one visitor."""
    from django.core.cache import cache
    from django.core.files.uploadedfile import SimpleUploadedFile
    from hypothesis import HealthCheck, Phase, given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    from sanctuary.test import log_in

    tally = Tally()
    tokens = [n for n in form.fields if n in SINGLE_USE]

    def value_for(f: Field) -> Any:
        legit = f.value if f.value or not f.options else f.options[-1]
        choices: list[Any] = [
            st.just(legit),
            st.sampled_from(NASTY),
            st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300),
        ]
        if f.options:
            choices.append(st.sampled_from(f.options))
            if f.multiple:
                choices.append(st.lists(st.sampled_from(f.options), max_size=4))
        if f.kind == "file":
            return st.tuples(
                st.sampled_from(["x.csv", "x.xlsx", "x.pdf", "x.jpg", "x"]),
                st.one_of(
                    st.binary(max_size=3000),
                    st.sampled_from([b"", b"PK\x03\x04", b"%PDF-1.7\n", b"\xff\xd8\xff"]),
                    st.text(max_size=500).map(lambda t: t.encode()),
                ),
            )
        if f.kind == "hidden":
            return st.one_of(st.just(legit), st.just(legit), st.sampled_from(NASTY))
        return st.one_of(*choices)

    strategies = {name: st.one_of(st.just(None), value_for(f)) for name, f in form.fields.items()}

    @hsettings(
        max_examples=per_form,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.fixed_dictionaries(strategies))
    def fuzz(values: dict[str, Any]) -> None:
        forged = gone = False
        if tokens:  # a genuine visitor sends the token his page gave him, fetched afresh
            fresh = {
                f.name: f.value
                for fresh_form in forms_on(page, client.get(page).content.decode())
                if fresh_form.action == action
                for f in fresh_form.fields.values()
                if f.name in SINGLE_USE
            }
            gone = not fresh  # the page no longer offers the form (a check-in confirmed)
            for name, value in fresh.items():
                if values.get(name) == form.fields[name].value:
                    values[name] = value
                else:
                    forged = True  # tampered with, or left out
        data: dict[str, Any] = {}
        for name, value in values.items():
            if value is None:
                continue
            if form.fields[name].kind == "file":
                data[name] = SimpleUploadedFile(value[0], value[1])
            elif isinstance(value, str) and "\x00" in value and method == "get":
                data[name] = value  # a NUL in a query string, as a browser would send
            else:
                data[name] = value
        tally.inputs += 1
        try:
            send = client.post if method == "post" else client.get
            response = send(action, data)
        except Exception as error:  # an exception the 500 page would have hidden
            tally.server_errors += 1
            if not tally.first_error:
                tally.first_error = "".join(
                    traceback.format_exception_only(type(error), error)
                ).strip()[:300]
            return
        status = response.status_code
        tally.statuses[status] += 1
        if status >= 500:
            tally.server_errors += 1
        elif status == 404 or (status == 403 and gone):
            tally.not_found += 1  # the object is gone (accepted, withdrawn): no input
        elif status == 403 and forged:
            tally.forged += 1  # a token the page never gave: refused as a forgery
        elif status >= 400:
            body = response.content.decode(errors="replace")
            if not any(marker in body for marker in SHOWN):
                tally.unshown_refusals += 1
                if not tally.first_error:
                    tally.first_error = f"{status} for {sorted(data)}"
        logged_out = status == 302 and "/staff/login/" in response.get("Location", "")
        if logged_out and visitor in world.users:
            log_in(client, world.users[visitor])
        cache.clear()  # throttles are intake_surge's and the suite's subject

    fuzz()
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=10_000, help="inputs in total")
    options = parser.parse_args()
    # SIGTERM (make stopped, a timeout) still drops the throwaway database: see `finally`.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(f"fuzz: signal {signum}"))

    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings, setup_test_environment
    from django.urls import reverse

    from sanctuary.keyring.crypto import ArgonLimits

    setup_test_environment()
    from django.db import connection

    fast = override_settings(
        PASSWORD_HASHERS=["sanctuary.test.FastArgon2Hasher"],
        KEYRING_PASSWORD_LIMITS=ArgonLimits(opslimit=1, memlimit=8192),
        REFERRAL_KDF_LIMITS=ArgonLimits(opslimit=1, memlimit=8192),
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        DEBUG_PROPAGATE_EXCEPTIONS=False,
    )
    fast.enable()
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"fuzz: throwaway database {database} ({connection.vendor})")
    try:
        from sanctuary.tests.world import ANONYMOUS, SEEKER, build_world

        started = time.perf_counter()
        world = build_world()
        clients = world.clients()
        w = world
        pages: dict[str, list[str]] = {
            ANONYMOUS: [
                reverse("intake:start"),
                reverse("intake:sign_in"),
                reverse("options:check"),
                reverse("accounts:login"),
                w.referral_path,
            ],
            SEEKER: [
                reverse("intake:mailbox"),
                reverse("intake:update"),
                reverse("intake:delete"),
            ],
            "admin": [
                reverse("accounts:home"),
                reverse("accounts:invitations"),
                reverse("accounts:person", args=[w.target.pk]),
                reverse("accounts:change_password"),
                reverse("audit:log"),
            ],
            "coordinator": [
                reverse("cases:case", args=[w.file.pk]),
                reverse("cases:triage"),
                reverse("cases:checklists"),
                reverse("cases:checklist_item", args=[w.checklist_item.pk]),
                reverse("referrals:partners"),
                reverse("referrals:partner", args=[w.partner_id]),
                reverse("routes:facts"),
                reverse("routes:propose", args=["A-KG-001"]),
                reverse("routes:proposal", args=[w.fact_proposal.pk]),
                reverse("notices:settings"),
                reverse("staff_figures:index"),
            ],
            "holding counselor": [
                reverse("cases:case", args=[w.file.pk]),
                reverse("cases:profile"),
                reverse("referrals:new", args=[w.file.pk]),
            ],
            "lawyer": [reverse("routes:propose", args=["A-KG-001"])],
            "shelter coordinator": [
                reverse("hosts:list"),
                reverse("hosts:invite"),
                reverse("hosts:import"),
                reverse("hosts:host", args=[w.host.pk]),
                reverse("hosts:offer_new", args=[w.host.pk]),
                reverse("hosts:offer_edit", args=[w.host.pk, w.offer.pk]),
                reverse("shelter:plan"),
            ],
            "host": [
                reverse("portal:home"),
                reverse("portal:offer_new"),
                reverse("portal:offer_edit", args=[w.offer.pk]),
                reverse("shelter:host"),
            ],
        }
        # Every form, once per (visitor, method, action), with the page that shows it.
        targets: dict[tuple[str, str, str], tuple[str, Form]] = {}
        for visitor, urls in pages.items():
            for url in urls:
                response = clients[visitor].get(url)
                if response.status_code != 200:
                    print(f"fuzz: {visitor} could not open {url}: {response.status_code}")
                    continue
                for form in forms_on(url, response.content.decode()):
                    if form.action.endswith(SKIPPED_ACTIONS) or not form.fields:
                        if not form.action.endswith(SKIPPED_ACTIONS) and form.method == "post":
                            targets.setdefault((visitor, form.method, form.action), (url, form))
                        continue
                    targets.setdefault((visitor, form.method, form.action), (url, form))
        # One form per (visitor, method, URL pattern): the twelve checklist steps are one form.
        from django.urls import resolve

        unique: dict[tuple[str, str, str], tuple[tuple[str, str, str], tuple[str, Form]]] = {}
        for key, target in targets.items():
            pattern = resolve(key[2]).view_name
            unique.setdefault((key[0], key[1], pattern), (key, target))
        ordered = sorted(
            unique.values(),
            key=lambda item: (item[0][2].endswith(LAST_ACTIONS), item[0][2].endswith(LATE_ACTIONS)),
        )
        per_form = -(-options.inputs // max(len(ordered), 1))
        print(
            f"fuzz: {len(ordered)} forms, at least {per_form} inputs each; world in "
            f"{time.perf_counter() - started:.0f} s"
        )

        tallies: dict[tuple[str, str, str], Tally] = {}

        def run(batch: list[tuple[tuple[str, str, str], tuple[str, Form]]], budget: int) -> None:
            for key, (page, form) in batch:
                visitor, method, action = key
                tally = fuzz_form(
                    world, clients[visitor], visitor, method, action, page, form, budget
                )
                exhausted = tally.inputs < budget
                tallies[key] = tallies[key] + tally if key in tallies else tally
                tallies[key].exhausted = exhausted

        def top_up(forms: list[tuple[tuple[str, str, str], tuple[str, Form]]], owed: int) -> None:
            for _round in range(5):
                short = options.inputs - sum(t.inputs for t in tallies.values()) - owed
                open_forms = [item for item in forms if not tallies[item[0]].exhausted]
                if short <= 0 or not open_forms:
                    return
                run(open_forms, -(-short // len(open_forms)))

        # The forms that change the world for the others go last, so the top-ups of the others
        # come first: each form gets per_form, and what the small forms could not spend (a form
        # with only a token has some thirty distinct inputs) goes to the forms that still had
        # inputs to give, until the total is reached.
        early = [item for item in ordered if not item[0][2].endswith(LATE_ACTIONS + LAST_ACTIONS)]
        late = [item for item in ordered if item not in early]
        run(early, per_form)
        top_up(early, owed=per_form * len(late))
        run(late, per_form)
        # Late forms that ran out too: the rest goes to forms the late ones did not change
        # (the seeker's mailbox may be deleted by now).
        top_up([item for item in early if item[0][0] != SEEKER], owed=0)

        print()
        print(
            f"{'visitor':<20} {'method':<5} {'form (URL name)':<32} {'inputs':>6} "
            f"{'5xx':>4} {'unshown':>7} {'gone':>5} {'forged':>6}  statuses"
        )
        totals = Tally()
        for (visitor, method, action), tally in tallies.items():
            name = resolve(action).view_name
            totals.not_found += tally.not_found
            totals.forged += tally.forged
            totals.inputs += tally.inputs
            totals.server_errors += tally.server_errors
            totals.unshown_refusals += tally.unshown_refusals
            statuses = " ".join(f"{s}:{n}" for s, n in sorted(tally.statuses.items()))
            print(
                f"{visitor:<20} {method:<5} {name:<32} {tally.inputs:>6} "
                f"{tally.server_errors:>4} {tally.unshown_refusals:>7} {tally.not_found:>5}"
                f" {tally.forged:>6}"
                f"  {statuses}"
            )
            if tally.first_error:
                print(f"{'':<20} first: {tally.first_error}")
        print()
        print(
            f"fuzz: {len(tallies)} forms, {totals.inputs} inputs, "
            f"{totals.server_errors} server errors, "
            f"{totals.unshown_refusals} refusals not shown as a message, "
            f"{totals.not_found} answered 'not found' (object gone), "
            f"{totals.forged} forged or left-out tokens refused (403), "
            f"in {time.perf_counter() - started:.0f} s ({settings.LANGUAGE_CODE})"
        )
        return 1 if totals.server_errors or totals.unshown_refusals else 0
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)
        fast.disable()


if __name__ == "__main__":
    sys.exit(main())
