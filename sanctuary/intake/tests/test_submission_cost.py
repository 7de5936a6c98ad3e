"""What one submission costs the database: its queries are counted, so that a change adding
one shows here (bench/intake_surge.py measures the time), and the audit chain's lock, which
every submission in a surge waits for in turn, is held for the case's last few writes only."""

from typing import Any
from unittest import mock, skipUnless

from django.db import connection
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sanctuary.accounts.models import Role
from sanctuary.cases.models import Case
from sanctuary.intake import codename as codename_pages
from sanctuary.intake.tests.helpers import ANSWERS, codename_in, token_in
from sanctuary.test import BaseTestCase, make_staff

# The database queries of one accepted submission, its questionnaire page aside (the test
# settings keep the cache in memory; in production the form token's spending and the per-address
# count go to the cache, Redis or the database's cache table):
#  1  the knowledge base's live version
#  1  the hourly budget, counted up to the budget
#  1  the median reply time, read before the case's transaction (the cache is cold here)
#  2  savepoints: the view's transaction (one in a TestCase) and do_open_case's
#  6  the intake group, the seeker's holder, two sealed keys, the case, its file
#  4  the new-case notices: the coordinators, their choices, their channels, the notices
#     (however many coordinators there are: see the test below)
#  3  the audit head locked, the entry, the head updated (no savepoint of the entry's own)
#  1  his session, in the case's transaction
#  2  the two savepoints released
SUBMISSION_QUERIES = 21


def _post(client: object) -> tuple[object, list[str]]:
    page = client.get(reverse("intake:start")).content.decode()  # type: ignore[attr-defined]
    data = {**ANSWERS, "form_token": token_in(page)}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("intake:start"), data)  # type: ignore[attr-defined]
    return response, [query["sql"] for query in queries.captured_queries]


class SubmissionQueriesTestCase(BaseTestCase):
    def test_it_submits_a_case_in_a_pinned_number_of_queries(self) -> None:
        response, queries = _post(self.client)
        self.assertEqual(len(codename_in(response.content.decode()).split()), 8)  # type: ignore[attr-defined]
        self.assertEqual(Case.objects.count(), 1)
        self.assertEqual(len(queries), SUBMISSION_QUERIES, "\n".join(queries))

    def test_it_costs_the_same_queries_however_many_coordinators_hear_of_it(self) -> None:
        for n in range(6):
            make_staff(f"coordinator{n}", Role.COORDINATOR)
        _response, queries = _post(self.client)
        self.assertEqual(len(queries), SUBMISSION_QUERIES, "\n".join(queries))


class AuditLockTestCase(TransactionTestCase):
    def setUp(self) -> None:
        make_staff("charlie", Role.COORDINATOR)

    def test_it_renders_the_codename_page_after_the_commit(self) -> None:
        rendered_in_transaction: list[bool] = []
        real = codename_pages._codename_page

        def spy(*args: Any, **kwargs: Any) -> Any:
            rendered_in_transaction.append(connection.in_atomic_block)
            return real(*args, **kwargs)

        with mock.patch.object(codename_pages, "_codename_page", spy):
            response, _queries = _post(self.client)
        self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]
        self.assertEqual(rendered_in_transaction, [False])
        self.assertEqual(Case.objects.count(), 1)

    @skipUnless(connection.vendor == "postgresql", "SELECT ... FOR UPDATE is PostgreSQL's")
    def test_it_holds_the_audit_chains_lock_only_for_the_last_writes(self) -> None:
        response, queries = _post(self.client)
        self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]
        [locked] = [i for i, sql in enumerate(queries) if sql.endswith("FOR UPDATE")]
        self.assertIn('"audit_audithead"', queries[locked])
        commit = queries.index("COMMIT", locked)
        held = [
            " ".join(sql.split()[:3])
            for sql in queries[locked + 1 : commit]
            if not sql.startswith("RELEASE SAVEPOINT")
        ]
        # Nothing read, nothing rendered while the lock is held: the entry, the head, and his
        # session, which belongs to the same commit as his case.
        self.assertEqual(
            held,
            [
                'INSERT INTO "audit_auditentry"',
                'UPDATE "audit_audithead" SET',
                'INSERT INTO "intake_seekersession"',
            ],
            "\n".join(queries[locked:commit]),
        )
