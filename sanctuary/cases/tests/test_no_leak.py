"""Case content appears on that case's page and nowhere else: not in any list, any other
case's page, the audit log, or any page of the staff side without parameters."""

from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from sanctuary.accounts.models import Role
from sanctuary.cases.models import CaseFile
from sanctuary.intake.tests.helpers import submit
from sanctuary.test import BaseTestCase, make_staff

CANARIES = {
    "story": "canary-story-7f3a",  # the helpers' story
    "handle": "canary-handle-91bd",  # the helpers' contact handle
    "note": "leak-canary-note-41",
    "task": "leak-canary-task-42",
    "check_in": "leak-canary-checkin-43",
    "reply": "leak-canary-reply-44",
}


def parameterless_paths() -> list[str]:
    """Every GET path of the site that takes no parameter, in Russian."""
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            if "<" in route or "(?P" in route:
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                found.append(prefix + route)

    with translation.override("ru"):
        walk(get_resolver().url_patterns, "/")
    return sorted({path.replace("^", "").replace("$", "") for path in found})


class NoLeakTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.holder = make_staff("holder", Role.COUNSELOR)
        self.lawyer = make_staff("lena", Role.LAWYER, Role.SHELTER_COORDINATOR)
        submit(Client())
        submit(Client(), story="another story entirely", contact_handle="other.handle")
        self.file, self.other = CaseFile.objects.order_by("received_at")
        self.log_in(self.charlie)
        pk = [self.file.pk]
        self.client.post(reverse("cases:assign", args=pk), {"counselor": self.holder.pk})
        self.client.post(reverse("cases:note", args=pk), {"note": CANARIES["note"]})
        self.client.post(
            reverse("cases:task", args=pk), {"text": CANARIES["task"], "due_date": "2099-01-01"}
        )
        self.client.post(
            reverse("cases:check_in", args=pk),
            {"label": CANARIES["check_in"], "due_at": "2099-01-01T10:00"},
        )
        self.client.post(reverse("cases:reply", args=pk), {"body": CANARIES["reply"]})

    def assert_clean(self, page: str, where: str) -> None:
        for name, canary in CANARIES.items():
            self.assertNotIn(canary, page, f"{name} leaked into {where}")

    def test_it_shows_case_content_only_on_its_own_page(self) -> None:
        users = (self.alice, self.bob, self.charlie, self.holder, self.lawyer)
        paths = parameterless_paths()
        self.assertIn("/ru/staff/cases/triage/", paths)
        self.assertGreater(len(paths), 15)
        for user in users:
            client = Client()
            self.log_in(user, client)
            for path in paths:
                if path.endswith("/logout/"):
                    continue  # the scan must stay signed in
                response = client.get(path)
                if response.status_code == 200 and response.get("Content-Type", "").startswith(
                    "text/html"
                ):
                    self.assert_clean(response.content.decode(), f"{path} for {user}")
            self.assertEqual(client.get("/ru/staff/").status_code, 200, "still signed in")
            other = client.get(reverse("cases:case", args=[self.other.pk]))
            self.assert_clean(other.content.decode(), f"another case's page for {user}")

    def test_it_does_show_the_content_on_the_case_page_itself(self) -> None:
        """The positive control: the same scan finds every canary where it belongs."""
        client = Client()
        self.log_in(self.holder, client)
        page = client.get(reverse("cases:case", args=[self.file.pk])).content.decode()
        for name, canary in CANARIES.items():
            self.assertIn(canary, page, name)
