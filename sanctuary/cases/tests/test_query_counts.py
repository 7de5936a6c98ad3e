"""The queue and the lists cost the same number of queries for 3 cases as for 30, and the
database orders them by the same urgency score the page shows."""

import datetime as dt
import random
import uuid

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sanctuary.accounts.models import User
from sanctuary.cases import services
from sanctuary.cases.models import Case, CaseFile, CheckIn, Message, Task
from sanctuary.cases.stages import STAGES_BY_TYPE, CaseType
from sanctuary.keyring import crypto
from sanctuary.keyring.groups import INTAKE
from sanctuary.keyring.models import Holder, SealedKey
from sanctuary.keyring.services import group_holder, seal_new_record, write_fields
from sanctuary.test import BaseTestCase


class CasesTestCase(BaseTestCase):
    """Cases sealed as intake seals them, built directly: no codename derivation."""

    def setUp(self) -> None:
        super().setUp()
        self.rng = random.Random(7)
        self.now = timezone.now()

    def add_case(self, *, counselor: User | None = None, **fields: object) -> CaseFile:
        intake = group_holder(INTAKE)
        assert intake is not None
        seeker = Holder.objects.create(
            kind=Holder.Kind.SEEKER, public_key=crypto.KeyPair.generate().public_key
        )
        created = fields.pop("created_at", None) or self.now - dt.timedelta(
            days=self.rng.randrange(30)
        )
        assert isinstance(created, dt.datetime)
        case = Case(
            lookup_id=uuid.uuid4().hex,
            seeker=seeker,
            status="mobilized",
            country="RU",
            languages=["ru"],
            help_wanted=["route"],
            created_at=created,
        )
        readers = [intake, seeker]
        if counselor is not None:
            readers.append(Holder.objects.get(user=counselor))
        key = seal_new_record(case, readers)
        write_fields(case, key, situation="{}", story="canary-story", contact="{}")
        case.save()
        values = {"case_type": CaseType.MOBILIZED.value, **fields}
        file = CaseFile.objects.create(case=case, counselor=counselor, **values)
        if counselor is not None:
            for days in (-3, 5):
                task = Task(case=case, assignee=counselor, due_date=self.now.date())
                task.due_date += dt.timedelta(days=days)
                write_fields(task, key, text="call him")
                task.save()
            reply = Message(case=case, from_seeker=False, author=counselor)
            write_fields(reply, key, body="hello")
            reply.save()
        return file


class QueryCountTestCase(CasesTestCase):
    def add_cases(self, count: int) -> None:
        for number in range(count):
            counselor = self.bob if number % 3 == 0 else None
            self.add_case(counselor=counselor, stage="counselling" if counselor else "new")

    def query_counts(self, clients: dict[str, Client], case: CaseFile) -> dict[str, int]:
        pages = {
            "triage": ("charlie", reverse("cases:triage")),
            "mine": ("bob", reverse("cases:mine")),
            "case": ("bob", reverse("cases:case", args=[case.pk])),
            "overdue": ("bob", reverse("cases:overdue")),
        }
        counts = {}
        for name, (who, path) in pages.items():
            clients[who].get(path)  # warm: a first request may touch the session once more
            with CaptureQueriesContext(connection) as captured:
                response = clients[who].get(path)
            self.assertEqual(response.status_code, 200, name)
            counts[name] = len(captured.captured_queries)
        return counts

    def test_it_costs_the_same_queries_for_3_cases_as_for_30(self) -> None:
        clients = {"charlie": Client(), "bob": Client()}
        self.log_in(self.charlie, clients["charlie"])
        self.log_in(self.bob, clients["bob"])
        self.add_cases(3)
        case = CaseFile.objects.filter(counselor=self.bob).first()
        assert case is not None
        few = self.query_counts(clients, case)
        self.add_cases(27)
        many = self.query_counts(clients, case)
        self.assertEqual(few, many)
        # And every case really is on the pages counted.
        triage = clients["charlie"].get(reverse("cases:triage"))
        self.assertEqual(len(triage.context["rows"]), CaseFile.objects.for_triage().count())
        self.assertEqual(len(clients["bob"].get(reverse("cases:mine")).context["rows"]), 10)
        self.assertEqual(len(clients["bob"].get(reverse("cases:overdue")).context["tasks"]), 10)

    def test_it_pages_the_queue_most_urgent_first(self) -> None:
        self.add_cases(3)
        self.add_case(detained=True)
        for _ in range(55):
            self.add_case()
        self.log_in(self.charlie)
        first = self.get("cases:triage")
        self.assertEqual(len(first.context["rows"]), 50)
        self.assertTrue(first.context["rows"][0]["file"].detained)
        scores = [row["urgency"].score for row in first.context["rows"]]
        self.assertEqual(scores, sorted(scores, reverse=True))
        second = self.get("cases:triage", page="2")
        self.assertEqual(len(second.context["rows"]), 58 - 50)
        self.assertLessEqual(second.context["rows"][0]["urgency"].score, scores[-1])


class DatabaseUrgencyTestCase(CasesTestCase):
    """``services.with_urgency`` computes in SQL what ``services.urgency_of`` computes in
    Python; the queue's order depends on it."""

    def test_it_scores_in_the_database_as_in_python(self) -> None:
        rng, today = self.rng, timezone.localdate(self.now)
        for _ in range(80):
            case_type = rng.choice(list(CaseType))
            file = self.add_case(
                case_type=case_type.value,
                stage=rng.choice(STAGES_BY_TYPE[case_type]).value,
                created_at=self.now - dt.timedelta(hours=rng.randrange(0, 24 * 15)),
                summons_date=rng.choice([None, today + dt.timedelta(days=rng.randrange(-5, 20))]),
                left_unit_date=rng.choice([None, None, today - dt.timedelta(days=9)]),
                criminal_case=rng.choice(["none", "likely", "opened", "wanted"]),
                children=rng.choice([0, 0, 2]),
                detained=rng.random() < 0.1,
            )
            for _reply in range(rng.choice([0, 0, 1, 2])):
                ago = dt.timedelta(hours=rng.randrange(0, 24 * 12))
                Message.objects.create(
                    case=file.case, from_seeker=rng.random() < 0.5, created_at=self.now - ago
                )
            if rng.random() < 0.3:
                CheckIn.objects.create(
                    case=file.case,
                    due_at=self.now + dt.timedelta(minutes=rng.randrange(-300, 300)),
                    confirmed_at=self.now if rng.random() < 0.3 else None,
                )
        self.assertEqual(SealedKey.objects.count(), 160)
        files = services.with_urgency(CaseFile.objects.select_related("case"), self.now)
        for file in files:
            expected = services.urgency_of(CaseFile.objects.get(pk=file.pk), self.now).score
            self.assertEqual(getattr(file, services.URGENCY), expected, file.pk)
            self.assertEqual(services.urgency_of(file, self.now).score, expected)
