"""Benchmark: the counselor's pages with 100,000 sealed cases on PostgreSQL.

Run: .venv/bin/python bench/casework.py [--cases N] [--reuse]
It creates the PostgreSQL database ``sanctuary_casework_bench`` on 127.0.0.1:5432, migrates it,
seeds it, measures, and drops it (``--reuse`` keeps it and skips seeding when it is already
seeded: for iterating on the app, never for published figures).

Every seeded case is really sealed, as intake seals one: a fresh data key sealed to the intake
group and to the seeker's own key pair, the situation, story and contact encrypted under it, an
audit chain entry for its submission. What differs from a real submission is speed: rows are
built in memory and bulk-inserted, and each seeker's key pair comes from ``KeyPair.generate()``
instead of the 64 MiB Argon2id codename derivation (about a second each: 100,000 of them would
take a day). The cost of a real submission is what bench/intake_surge.py measures.

Server time is measured in-process with Django's test Client (no network, no gunicorn), logged
in for real through the password and second-factor views. Target: p95 <= 150 ms per page, and a
number of SQL queries per page that does not depend on the number of cases. Prints figures and
whether the targets are met; timing never decides a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "sanctuary_casework_bench"
# The erasure keys of the bench's records, kept (with --reuse) as long as its database is.
ERASURE_STORE = ROOT / "var" / "casework-bench-erasure-keys.sqlite3"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
SEED = 20260315
REQUESTS = 30
WARM_UP = 3
# A page that takes seconds (the queue before pagination) is measured fewer times.
BUDGET_SECONDS = 60.0
TARGET_P95_MS = 150.0
BATCH = 2000
COUNSELORS = 6  # the demo counselor and five colleagues
PASSWORD = "bench-counselor-passphrase"  # noqa: S105 (a throwaway database)

STATUSES = [
    ("civilian", 8),
    ("summons_received", 25),
    ("conscript", 10),
    ("mobilized", 20),
    ("contract_soldier", 10),
    ("deserter", 15),
    ("abroad", 8),
    ("captivity", 4),
]
ABROAD = ["KZ", "GE", "AM", "RS", "TR", "DE", "FR", "IL", "AR", "MN", "UZ", "KG"]
LANGUAGES = [["ru"], ["ru"], ["ru"], ["ru", "en"], ["uk", "ru"], ["ru", "kk"], ["ru", "hy"]]
HELP = ["legal", "route", "bed", "money", "psychological"]
STORY = (
    "Мне пришла повестка, загранпаспорт действует. Хочу уехать, пока не начал действовать "
    "запрет на выезд. Жить за границей негде, денег немного. "
) * 4


def configure(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["SANCTUARY_DEMO"] = "1"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["ERASURE_KEY_STORE"] = str(ERASURE_STORE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanctuary.settings")
    import django

    django.setup()
    from django.conf import settings

    # Measure as production runs: no DEBUG query log, no debug templates.
    settings.DEBUG = False


def database_exists(admin_url: str) -> bool:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        row = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]
        ).fetchone()
    return row is not None


def create_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DB_NAME}"')
    ERASURE_STORE.unlink(missing_ok=True)


def drop_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    ERASURE_STORE.unlink(missing_ok=True)


# ---- seeding -----------------------------------------------------------------------------


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


class Chain:
    """Appends audit entries in bulk, hashed exactly as ``audit.services.record`` hashes."""

    def __init__(self) -> None:
        from sanctuary.audit.chain import GENESIS
        from sanctuary.audit.models import AuditHead

        head = AuditHead.objects.filter(pk=1).first()
        self.seq, self.hash = (head.seq, head.hash) if head else (0, GENESIS)
        self.pending: list[Any] = []

    def add(
        self, action: str, actor_id: int | None, object_id: str, at: dt.datetime, **details: Any
    ) -> None:
        from sanctuary.audit.chain import canonical, link_hash
        from sanctuary.audit.models import AuditEntry, canonical_time
        from sanctuary.audit.services import chain_key

        self.seq += 1
        entry = AuditEntry(
            seq=self.seq,
            created_at=at,
            actor_id=actor_id,
            action=action,
            object_type="intake.case",
            object_id=object_id,
            details=details,
            prev_hash=self.hash,
        )
        content = canonical(
            seq=entry.seq,
            created_at=canonical_time(entry),
            actor_id=actor_id,
            action=action,
            object_type=entry.object_type,
            object_id=object_id,
            details=details,
        )
        entry.hash = self.hash = link_hash(chain_key(), entry.prev_hash, content)
        self.pending.append(entry)

    def flush(self) -> None:
        from sanctuary.audit.models import AuditEntry, AuditHead

        AuditEntry.objects.bulk_create(self.pending, batch_size=BATCH)
        self.pending = []
        AuditHead.objects.update_or_create(pk=1, defaults={"seq": self.seq, "hash": self.hash})


def seed_counselors() -> list[Any]:
    from sanctuary.accounts.models import Role, User
    from sanctuary.keyring.services import give_staff_keys

    counselors = [User.objects.get(username="counselor")]
    for number in range(1, COUNSELORS):
        user = User.objects.create_user(
            f"counselor{number}", PASSWORD, roles=[Role.COUNSELOR.value]
        )
        give_staff_keys(user, PASSWORD)
        counselors.append(user)
    return counselors


def seed(total: int) -> dict[str, Any]:
    """Seeds ``total`` sealed cases; returns what the measurements need."""
    from django.db import transaction
    from django.utils import timezone

    from sanctuary.accounts.models import User
    from sanctuary.audit.models import Action
    from sanctuary.cases.models import Case, CaseFile, Message, Task
    from sanctuary.cases.stages import STAGES_BY_TYPE, Stage, type_for_intake_status
    from sanctuary.demo.seed import seed_staff
    from sanctuary.keyring import crypto, erasure
    from sanctuary.keyring.groups import INTAKE
    from sanctuary.keyring.models import Holder, SealedKey
    from sanctuary.keyring.services import group_holder

    seed_staff()
    counselors = seed_counselors()
    intake = group_holder(INTAKE)
    assert intake is not None
    intake_public = bytes(intake.public_key)
    holders = {u.pk: Holder.objects.get(user=u) for u in counselors}
    coordinator = User.objects.get(username="coordinator")
    rng = random.Random(SEED)
    now = timezone.now()
    today = timezone.localdate(now)
    chain = Chain()
    counts = {"sealed_keys": 0, "tasks": 0, "messages": 0}
    # The demo counselor carries the largest caseload: the list he sees is the stress case.
    counselor_weights = [4] + [1] * (COUNSELORS - 1)

    # Each batch's erasure keys go into their store in one transaction before its rows, as
    # seal_new_record puts each one (a durable commit each, about 20 ms here, would take hours).
    erasure_keys: dict[str, bytes] = {}

    def seal(key: crypto.DataKey, holder_id: uuid.UUID, public: bytes, record_id: str) -> Any:
        counts["sealed_keys"] += 1
        erasure_key = erasure_keys.setdefault(record_id, crypto.new_erasure_key())
        aad = crypto.erasure_aad("intake.case", record_id, str(holder_id))
        return SealedKey(
            record_type="intake.case",
            record_id=record_id,
            holder_id=holder_id,
            wrapped=crypto.wrap_erasable(crypto.seal(key, public), erasure_key, aad=aad),
        )

    def encrypt(key: crypto.DataKey, label: str, pk: str, field: str, text: str) -> bytes:
        return crypto.encrypt_field(key, text.encode(), aad=crypto.field_aad(label, pk, field))

    done = 0
    started = time.perf_counter()
    while done < total:
        size = min(BATCH, total - done)
        seekers, cases, files, keys, tasks, messages = [], [], [], [], [], []
        for _ in range(size):
            status = _weighted(rng, STATUSES)
            kind = "abroad" if status in ("abroad",) or rng.random() < 0.2 else "russia"
            country = rng.choice(ABROAD) if kind == "abroad" else "RU"
            on_behalf = rng.random() < 0.08
            case_type = type_for_intake_status(status, kind, on_behalf)
            # Two years of cases, more of them recent.
            age_days = int(730 * rng.random() ** 1.6)
            created = now - dt.timedelta(days=age_days, seconds=rng.randrange(86400))
            stages = [s for s in STAGES_BY_TYPE[case_type] if s != Stage.CLOSED]
            if age_days > 60 and rng.random() < 0.75:
                stage = Stage.CLOSED
            elif rng.random() < 0.7:
                stage = Stage.NEW
            else:
                stage = rng.choice(stages)
            counselor = None
            if stage != Stage.NEW and rng.random() < 0.5:
                counselor = rng.choices(counselors, weights=counselor_weights)[0]
            summons = None
            if status in ("summons_received", "mobilized", "conscript") and rng.random() < 0.6:
                summons = created.date() + dt.timedelta(days=rng.randrange(-10, 40))
            left_unit = None
            if status == "deserter":
                left_unit = created.date() - dt.timedelta(days=rng.randrange(1, 120))
            criminal_case = rng.choice(["none", "none", "none", "likely", "opened"])
            situation: dict[str, Any] = {
                "status": status,
                "location": {"kind": kind, **({"country": country} if kind == "abroad" else {})},
                "summons": {"kind": "electronic", "date": summons.isoformat()} if summons else None,
                "left_unit_date": left_unit.isoformat() if left_unit else None,
                "criminal_case": criminal_case,
            }
            seeker_keys = crypto.KeyPair.generate()
            seeker = Holder(kind=Holder.Kind.SEEKER, public_key=seeker_keys.public_key)
            case = Case(
                lookup_id=uuid.uuid4().hex + uuid.uuid4().hex,
                seeker=seeker,
                status=status,
                on_behalf=on_behalf,
                country=country,
                languages=rng.choice(LANGUAGES),
                help_wanted=rng.sample(HELP, rng.randrange(1, 4)),
                created_at=created,
                updated_at=created,
            )
            pk = str(case.pk)
            key = crypto.new_data_key()
            case.situation = encrypt(key, "intake.case", pk, "situation", json.dumps(situation))
            case.story = encrypt(key, "intake.case", pk, "story", STORY)
            case.contact = encrypt(key, "intake.case", pk, "contact", '{"channel": ""}')
            keys.append(seal(key, intake.pk, intake_public, pk))
            keys.append(seal(key, seeker.pk, bytes(seeker.public_key), pk))
            chain.add(Action.CASE_SUBMITTED.value, None, pk, created)
            files.append(
                CaseFile(
                    case=case,
                    received_at=created,
                    case_type=case_type.value,
                    stage=stage.value,
                    counselor=counselor,
                    summons_date=summons,
                    left_unit_date=left_unit,
                    criminal_case=criminal_case,
                    children=rng.choice([0, 0, 0, 1, 2]),
                    detained=stage != Stage.CLOSED and rng.random() < 0.01,
                    closed_at=created + dt.timedelta(days=30) if stage == Stage.CLOSED else None,
                )
            )
            if rng.random() < 0.3 or counselor is not None:
                # The coordinator's first answer, and a counselor's replies on his cases.
                for number in range(1 + (rng.randrange(3) if counselor else 0)):
                    author = counselor or coordinator
                    message = Message(
                        case=case,
                        from_seeker=False,
                        author=author,
                        created_at=created + dt.timedelta(hours=6 + 30 * number),
                    )
                    message.body = encrypt(
                        key, "intake.message", str(message.pk), "body", "Здравствуйте."
                    )
                    messages.append(message)
                    files[-1].last_reply_at = message.created_at
            if counselor is not None:
                holder = holders[counselor.pk]
                keys.append(seal(key, holder.pk, bytes(holder.public_key), pk))
                assigned = created + dt.timedelta(hours=4)
                chain.add(Action.KEY_GRANTED.value, coordinator.pk, pk, assigned, to="user")
                chain.add(Action.CASE_ASSIGNED.value, coordinator.pk, pk, assigned)
                if stage != Stage.CLOSED:
                    for _task in range(rng.randrange(1, 4)):
                        task = Task(
                            case=case,
                            assignee=counselor,
                            due_date=today + dt.timedelta(days=rng.randrange(-20, 30)),
                            done_at=now if rng.random() < 0.4 else None,
                        )
                        task.text = encrypt(key, "cases.task", str(task.pk), "text", "Позвонить")
                        tasks.append(task)
            seekers.append(seeker)
            cases.append(case)
        erasure.put_many(("intake.case", pk, key) for pk, key in erasure_keys.items())
        erasure_keys.clear()
        with transaction.atomic():
            Holder.objects.bulk_create(seekers, batch_size=BATCH)
            Case.objects.bulk_create(cases, batch_size=BATCH)
            CaseFile.objects.bulk_create(files, batch_size=BATCH)
            SealedKey.objects.bulk_create(keys, batch_size=BATCH)
            Message.objects.bulk_create(messages, batch_size=BATCH)
            Task.objects.bulk_create(tasks, batch_size=BATCH)
            chain.flush()
        counts["tasks"] += len(tasks)
        counts["messages"] += len(messages)
        done += size
    seconds = time.perf_counter() - started
    print(
        f"seeded {total:,} sealed cases in {seconds:.0f} s ({total / seconds:,.0f}/s): "
        f"{counts['sealed_keys']:,} sealed keys, {counts['messages']:,} replies, "
        f"{counts['tasks']:,} tasks, audit chain at #{chain.seq:,}"
    )
    return counts


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def describe() -> None:
    from django.utils import timezone

    from sanctuary.accounts.models import User
    from sanctuary.cases.models import CaseFile, Task

    counselor = User.objects.get(username="counselor")
    print(
        f"cases: {CaseFile.objects.count():,}, open {CaseFile.objects.open().count():,}, "
        f"in the triage queue {CaseFile.objects.for_triage().count():,}; "
        f"the demo counselor holds {CaseFile.objects.assigned_to(counselor).count():,} open "
        f"cases with "
        f"{Task.objects.overdue(timezone.localdate()).filter(assignee=counselor).count():,} "
        f"overdue tasks"
    )


# ---- measuring ---------------------------------------------------------------------------


def logged_in(username: str, password: str) -> Any:
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from sanctuary.accounts.models import User
    from sanctuary.test import totp_for

    client = Client()
    with translation.override("ru"):
        login, verify = reverse("accounts:login"), reverse("accounts:verify")
    response = client.post(login, {"username": username, "password": password})
    assert response.status_code == 302, (username, response.status_code)
    response = client.post(
        verify, {"token": totp_for(User.objects.get(username=username), password)}
    )
    assert response.status_code == 302, (username, response.status_code)
    return client


def percentile(sorted_values: list[float], share: float) -> float:
    index = min(len(sorted_values) - 1, round(share * (len(sorted_values) - 1)))
    return sorted_values[index]


def measure(client: Any, path: str) -> dict[str, Any]:
    from django.db import connection

    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    # A wrapper, not CaptureQueriesContext: that one stops counting at 9,000 queries.
    with connection.execute_wrapper(count):
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    first_ms = 0.0
    times: list[float] = []
    budget_end = time.perf_counter() + BUDGET_SECONDS
    for number in range(WARM_UP + REQUESTS):
        started = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (path, response.status_code)
        if number == 0:
            first_ms = elapsed
        if number >= WARM_UP or elapsed > 2000:
            times.append(elapsed)
        if time.perf_counter() > budget_end:
            break
    times.sort()
    return {
        "n": len(times),
        "p50": percentile(times, 0.50),
        "p95": percentile(times, 0.95),
        "first": first_ms,
        "queries": queries,
        "bytes": len(response.content),
    }


def pages() -> list[tuple[str, str, str]]:
    """(label, who, path) for each page measured."""
    from sanctuary.accounts.models import User
    from sanctuary.cases.models import CaseFile

    counselor = User.objects.get(username="counselor")
    busiest = (
        CaseFile.objects.assigned_to(counselor)
        .filter(case__tasks__isnull=False, case__messages__isnull=False)
        .order_by("case__created_at")
        .first()
    )
    assert busiest is not None
    return [
        ("triage queue", "coordinator", "/ru/staff/cases/triage/"),
        ("my cases", "counselor", "/ru/staff/cases/"),
        ("open a case", "counselor", f"/ru/staff/cases/{busiest.pk}/"),
        ("overdue tasks", "counselor", "/ru/staff/cases/tasks/overdue/"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the database for a rerun")
    args = parser.parse_args()
    admin_url = f"{POSTGRES}/postgres"
    reuse = args.reuse and database_exists(admin_url)
    if not reuse:
        create_database(admin_url)
    try:
        configure(f"{POSTGRES}/{DB_NAME}")
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        from sanctuary.cases.models import CaseFile

        if not reuse or not CaseFile.objects.exists():
            seed(args.cases)
            analyze()
        print(
            "seekers' key pairs: KeyPair.generate(), not the Argon2id codename derivation "
            "(bench/intake_surge.py measures a real submission)"
        )
        describe()
        clients = {
            "coordinator": logged_in("coordinator", "demo-coordinator-passphrase"),
            "counselor": logged_in("counselor", "demo-counselor-passphrase"),
        }
        rows = []
        for label, who, path in pages():
            figures = measure(clients[who], path)
            rows.append((label, who, figures))
        print(
            f"\n{'page':<15} {'as':<12} {'n':>3} {'p50 ms':>9} {'p95 ms':>9} "
            f"{'queries':>8} {'KiB':>7}  target p95 <= {TARGET_P95_MS:.0f} ms"
        )
        for label, who, f in rows:
            verdict = "met" if f["p95"] <= TARGET_P95_MS else "MISSED"
            print(
                f"{label:<15} {who:<12} {f['n']:>3} {f['p50']:>9.1f} {f['p95']:>9.1f} "
                f"{f['queries']:>8} {f['bytes'] / 1024:>7.0f}  {verdict}"
            )
        print(
            f"(server time in-process over up to {REQUESTS} requests after {WARM_UP} warm-up, "
            f"at most {BUDGET_SECONDS:.0f} s a page; queries counted on one request)"
        )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.reuse:
            drop_database(admin_url)


if __name__ == "__main__":
    main()
