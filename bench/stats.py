"""Benchmark: a full release of public figures over 1,000,000 cases on PostgreSQL.

Run: .venv/bin/python bench/stats.py [--cases N] [--database URL] [--reuse]
It migrates the database (default postgres://postgres@127.0.0.1:5432/h_stats), fills it with
bulk SQL (INSERT ... SELECT over generate_series: cases over 24 months, their case files, staff
replies for 70%, stay requests and stays for 10%, referrals for 5%), then times the release:
counting every table with GROUP BY in the database (stats.services.collect) and the noise,
consistency and suppression (stats.figures.compute) over all 24 months, and a monthly release.
Target: the full release in <= 10 s. Prints figures; nothing here is a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 10.0
MONTHS = 24
COUNTRIES = ["RU", "KZ", "GE", "AM", "RS", "TR", "DE", "FR", "IL", "AR", "MN", "UZ", "KG"]
TYPES = [
    "conscript",
    "mobilized",
    "contract_soldier",
    "deserter_russia",
    "deserter_abroad",
    "relative",
    "emigre_housing",
    "asylum_applicant",
]


def configure(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["SANCTUARY_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanctuary.settings")
    import django

    django.setup()


def sql_list(values: list[str]) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


def seed(cases: int, start: dt.date, end: dt.date) -> None:
    from django.db import connection

    span = (end - start).days
    countries, types = sql_list(COUNTRIES), sql_list(TYPES)
    help_sets = (
        'ARRAY[\'["legal"]\',\'["route", "bed"]\',\'["legal", "money"]\','
        "'[\"psychological\"]','[\"bed\"]']"
    )
    statements = [
        "TRUNCATE referrals_referral, referrals_partner, shelter_stay, shelter_stayrequest, "
        "hosts_offer, hosts_host, cases_message, cases_casefile, cases_case, keyring_holder, "
        "stats_release CASCADE",
        f"""INSERT INTO keyring_holder (id, kind, public_key, created_at)
            SELECT md5('h' || i)::uuid, 'seeker', ''::bytea, now()
            FROM generate_series(1, {cases}) i""",  # noqa: S608 (our own constants)
        f"""INSERT INTO cases_case (id, lookup_id, status, on_behalf, country, languages,
                help_wanted, created_at, updated_at, seeker_id)
            SELECT md5('c' || i)::uuid, md5('l' || i), 'new', false,
                   ({countries})[1 + (i * 7) % {len(COUNTRIES)}], '["ru"]'::jsonb,
                   ({help_sets})[1 + (i * 3) % 5]::jsonb,
                   t, t, md5('h' || i)::uuid
            FROM (SELECT i, timestamptz '{start}' + (random() * {span}) * interval '1 day' AS t
                  FROM generate_series(1, {cases}) i) g""",  # noqa: S608 (our own constants)
        f"""INSERT INTO cases_casefile (case_id, case_type, stage, criminal_case, children,
                detained, received_at)
            SELECT id, ({types})[1 + abs(hashtext(id::text)) % {len(TYPES)}], 'new', 'none', 0,
                   false, created_at
            FROM cases_case""",  # noqa: S608 (our own constants)
        """INSERT INTO cases_message (id, from_seeker, created_at, case_id)
            SELECT gen_random_uuid(), false,
                   created_at + (random() * 96) * interval '1 hour', id
            FROM cases_case WHERE random() < 0.7""",
        f"""INSERT INTO hosts_host (id, country, city, tier, languages, active, created_at,
                reference)
            SELECT md5('host' || i)::uuid, ({countries})[1 + i % {len(COUNTRIES)}], 'City', 2,
                   '["ru"]'::jsonb, true, now(), 'H' || i
            FROM generate_series(1, 1000) i""",  # noqa: S608 (our own constants)
        f"""INSERT INTO hosts_offer (id, country, city, beds, first_night, last_night,
                max_nights, accepts_men_only_parties, women_only, accepts_children,
                families_only, accepts_pets, step_free, languages, active, created_at, host_id)
            SELECT md5('offer' || i)::uuid, ({countries})[1 + i % {len(COUNTRIES)}], 'City', 6,
                   date '{start}', date '{end}', 30, true, false, true, false, false, false,
                   '["ru"]'::jsonb, true, now(), md5('host' || i)::uuid
            FROM generate_series(1, 1000) i""",  # noqa: S608 (our own constants)
        """INSERT INTO shelter_stayrequest (id, created_at, country, city, arrival, nights,
                adult_men, adult_women, children, languages, needs_step_free, has_pets,
                medical_needs, immediate_danger, status, case_id)
            SELECT gen_random_uuid(), created_at, country, 'City',
                   (created_at + interval '3 days')::date, 1 + (random() * 20)::int,
                   1, (random() < 0.3)::int, (random() < 0.2)::int * 2, '["ru"]'::jsonb,
                   false, false, false, false, 'confirmed', id
            FROM cases_case WHERE random() < 0.1""",
        """INSERT INTO shelter_stay (id, first_night, nights, persons, status, confirmed_at,
                offer_id, request_id)
            SELECT gen_random_uuid(), r.arrival, r.nights,
                   r.adult_men + r.adult_women + r.children, 'confirmed', r.created_at,
                   md5('offer' || (1 + abs(hashtext(r.id::text)) % 1000))::uuid, r.id
            FROM shelter_stayrequest r""",
        f"""INSERT INTO referrals_partner (id, organisation, country, services, active,
                created_at)
            SELECT md5('p' || i)::uuid, 'Partner ' || i,
                   ({countries})[1 + i % {len(COUNTRIES)}], 'law', true, now()
            FROM generate_series(1, 20) i""",  # noqa: S608 (our own constants)
        """INSERT INTO referrals_referral (id, created_at, expires_at, items, consent_how,
                state, token_digest, form_digest, kdf, attempts, case_id, partner_id)
            SELECT gen_random_uuid(), created_at + interval '2 days',
                   created_at + interval '5 days', '[]'::jsonb, 'phone', 'expired',
                   md5('t' || id::text), md5('f' || id::text), ''::bytea, 0, id,
                   md5('p' || (1 + abs(hashtext(id::text)) % 20))::uuid
            FROM cases_case WHERE random() < 0.05""",
        "ANALYZE",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def ensure_database(url: str) -> None:
    """Creates the benchmark's database on first use (`make bench` on a fresh machine)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"created database {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/h_stats")
    parser.add_argument("--reuse", action="store_true", help="keep the rows already seeded")
    args = parser.parse_args()
    ensure_database(args.database)
    configure(args.database)

    from django.core.management import call_command
    from django.db import connection, transaction

    from bench._server import machine_load
    from sanctuary.cases.models import Case
    from sanctuary.stats import figures, services

    call_command("migrate", verbosity=0)
    today = dt.date.today()
    end = services.month_start(today)
    start = end
    for _ in range(MONTHS):
        start = services.month_start(start - dt.timedelta(days=1))
    if not (args.reuse and Case.objects.count() == args.cases):
        began = time.perf_counter()
        with transaction.atomic():
            seed(args.cases, start, end)
        print(f"seeded {args.cases:,} cases in {time.perf_counter() - began:.1f} s")
    print(f"machine: {machine_load()}")
    with connection.cursor() as cursor:
        for table in ("cases_case", "cases_message", "shelter_stay", "referrals_referral"):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed names)
            print(f"  {table}: {cursor.fetchone()[0]:,} rows")

    for label, period in (
        (f"full release, {MONTHS} months", (start, end)),
        ("monthly release", (services.month_start(end - dt.timedelta(days=1)), end)),
    ):
        began = time.perf_counter()
        raw = services.collect(*period)
        counted = time.perf_counter()
        release = figures.compute(raw, epsilon=1.0, k=10, queries=services.queries())
        done = time.perf_counter()
        cells = sum(len(t.rows) for t in release.tables)
        total = done - began
        verdict = "meets" if total <= TARGET_SECONDS else "MISSES"
        print(
            f"{label}: {total:.2f} s ({counted - began:.2f} s counting in PostgreSQL, "
            f"{done - counted:.2f} s noise and post-processing), {cells} cells shown, "
            f"epsilon {release.spent:.3f}; {verdict} the {TARGET_SECONDS:g} s target"
        )


if __name__ == "__main__":
    main()
