from django.urls import reverse
from django.utils import timezone

from sanctuary.audit.models import Action, AuditEntry
from sanctuary.audit.services import record
from sanctuary.test import BaseTestCase


class AuditLogViewTestCase(BaseTestCase):
    def test_it_is_for_admins_only(self) -> None:
        self.log_in(self.charlie)
        self.assertEqual(self.get("audit:log").status_code, 404)

    def test_it_lists_entries_newest_first_with_usernames(self) -> None:
        self.log_in(self.alice)
        response = self.get("audit:log")
        self.assertContains(response, "Второй фактор пройден")
        rows = response.context["rows"]
        self.assertEqual(rows[0][0].action, Action.OTP_VERIFIED)
        self.assertEqual(rows[0][1], "alice")

    def test_it_filters_by_action_and_person(self) -> None:
        record(Action.ROLES_CHANGED, actor=self.bob, details={"before": [], "after": []})
        record(Action.ROLES_CHANGED, actor=self.alice, details={"before": [], "after": []})
        self.log_in(self.alice)
        response = self.get("audit:log", action=Action.ROLES_CHANGED.value, actor="bob")
        entries = [entry for entry, _username in response.context["rows"]]
        self.assertEqual(len(entries), 1)
        self.assertEqual(entries[0].actor_id, self.bob.pk)
        self.assertContains(response, "after: —; before: —")

    def test_it_keeps_a_bad_filter_and_explains_it(self) -> None:
        self.log_in(self.alice)
        response = self.get("audit:log", since="not a date", actor="bob")
        self.assertContains(response, "Введите правильную дату.")
        self.assertContains(response, 'value="bob"')

    def test_it_pages_long_logs(self) -> None:
        for number in range(60):
            record(Action.LOGIN, actor=self.bob, object_id=number)
        self.log_in(self.alice)
        response = self.client.get(reverse("audit:log"), {"page": "2"})
        self.assertEqual(response.context["page"].number, 2)
        self.assertContains(response, "Страница 2 из 2")
        self.assertEqual(AuditEntry.objects.filter(action=Action.LOGIN).count(), 61)

    def test_it_explains_a_date_out_of_range_instead_of_failing(self) -> None:
        # 9999-12-31 plus one day was an OverflowError: a server error.
        self.log_in(self.alice)
        for query in ({"until": "9999-12-31"}, {"since": "0001-01-01"}, {"until": "1999-12-31"}):
            response = self.get("audit:log", actor="bob", **query)
            self.assertEqual(response.status_code, 200, query)
            self.assertContains(response, "Введите дату от 2000-01-01 до 2999-12-31.")
            self.assertContains(response, 'value="bob"')

    def test_it_includes_the_whole_last_day(self) -> None:
        record(Action.LOGIN, actor=self.bob, object_id=1)
        self.log_in(self.alice)
        today = timezone.localdate(AuditEntry.objects.latest("created_at").created_at).isoformat()
        response = self.get("audit:log", action=Action.LOGIN.value, until=today, since=today)
        self.assertTrue(response.context["rows"])
        response = self.get("audit:log", action=Action.LOGIN.value, until="2000-01-01")
        self.assertFalse(response.context["rows"])
