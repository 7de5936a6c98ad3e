"""The public pages and the coordinators' draft, preview and approval."""

import json
import re

from django.test import override_settings
from django.urls import reverse

from sanctuary.accounts.models import Role
from sanctuary.stats.models import Release, Status
from sanctuary.stats.tests.factories import last_month, make_case
from sanctuary.test import BaseTestCase, make_staff


def figures_part(page: str) -> str:
    match = re.search(r"<!-- figures -->(.*)<!-- /figures -->", page, re.S)
    assert match, "the page shows no figures"
    return match[1]


class ViewTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dana = make_staff("dana", Role.COORDINATOR)
        for i in range(80):
            make_case(country="KZ" if i % 3 else "GE", case_type="mobilized")

    def draft_page(self) -> Release:
        self.log_in(self.charlie)
        start, _end = last_month()
        response = self.client.post(
            reverse("staff_figures:index"), {"month": f"{start:%Y-%m}", "epsilon": "1"}
        )
        assert response.status_code == 302, response.content
        self.client.logout()
        return Release.objects.get()

    def test_it_shows_nothing_before_a_release_is_published(self) -> None:
        self.draft_page()
        response = self.client.get(reverse("figures:index"))
        assert response.status_code == 200
        assert "<!-- figures -->" not in response.content.decode()
        assert self.client.get(reverse("figures:release", args=[1])).status_code == 404

    def test_it_previews_exactly_what_the_public_sees(self) -> None:
        release = self.draft_page()
        self.log_in(self.dana)
        preview = self.client.get(reverse("staff_figures:preview", args=[release.pk]))
        assert preview.status_code == 200
        before = figures_part(preview.content.decode())
        response = self.client.post(reverse("staff_figures:approve", args=[release.pk]))
        assert response.status_code == 302
        self.client.logout()
        public = self.client.get(reverse("figures:release", args=[1])).content.decode()
        assert figures_part(public) == before
        latest = self.client.get(reverse("figures:index")).content.decode()
        assert figures_part(latest) == before
        assert "<svg" in before

    def test_it_refuses_the_drafter_as_approver(self) -> None:
        release = self.draft_page()
        self.log_in(self.charlie)
        page = self.client.get(reverse("staff_figures:preview", args=[release.pk]))
        assert reverse("staff_figures:approve", args=[release.pk]) not in page.content.decode()
        response = self.client.post(
            reverse("staff_figures:approve", args=[release.pk]), follow=True
        )
        assert "второй" in response.content.decode()
        assert Release.objects.get().status == Status.DRAFT

    def test_it_asks_two_coordinators_to_sign_the_task_s_draft(self) -> None:
        from sanctuary.stats import services

        release = services.draft_last_month()
        assert release is not None
        approve = reverse("staff_figures:approve", args=[release.pk])
        self.log_in(self.charlie)
        page = self.client.get(reverse("staff_figures:preview", args=[release.pk]))
        assert "Подписать как первый проверяющий" in page.content.decode()
        signed = self.client.post(approve, follow=True).content.decode()
        assert "Теперь его должен одобрить другой координатор." in signed
        assert approve not in signed
        assert Release.objects.get().status == Status.DRAFT
        self.client.post(approve)
        assert Release.objects.get().status == Status.DRAFT
        self.client.logout()
        self.log_in(self.dana)
        page = self.client.get(reverse("staff_figures:preview", args=[release.pk]))
        assert "Утвердить и опубликовать" in page.content.decode()
        self.client.post(approve)
        assert Release.objects.get().status == Status.PUBLISHED

    def test_it_refuses_a_bad_month_or_epsilon_and_keeps_what_was_typed(self) -> None:
        # Found by bench/fuzz.py: an ε of 0 was a server error.
        self.log_in(self.charlie)
        start, _end = last_month()
        cases = [
            ({"month": f"{start:%Y-%m}", "epsilon": "0"}, "ε должно быть положительным числом"),
            ({"month": f"{start:%Y-%m}", "epsilon": "-1"}, "ε должно быть положительным числом"),
            ({"month": f"{start:%Y-%m}", "epsilon": "nan"}, "ε должно быть положительным числом"),
            ({"month": f"{start:%Y-%m}", "epsilon": "inf"}, "ε должно быть положительным числом"),
            ({"month": "9999-12", "epsilon": "0.5"}, "Укажите месяц"),
            ({"month": "2026-13", "epsilon": "0.5"}, "Укажите месяц"),
            ({"month": f"{start:%Y-%m}", "epsilon": "один"}, "Укажите месяц"),
        ]
        for data, message in cases:
            response = self.client.post(reverse("staff_figures:index"), data)
            page = response.content.decode()
            assert response.status_code == 400, data
            assert message in page, (data, page)
            assert f'value="{data["month"]}"' in page, data
            assert f'value="{data["epsilon"]}"' in page, data
        assert not Release.objects.exists()

    def test_it_keeps_staff_pages_from_others(self) -> None:
        release = self.draft_page()
        self.log_in(self.bob)  # a counselor
        assert self.client.get(reverse("staff_figures:index")).status_code == 404
        url = reverse("staff_figures:preview", args=[release.pk])
        assert self.client.get(url).status_code == 404
        response = self.client.post(reverse("staff_figures:approve", args=[release.pk]))
        assert response.status_code == 404
        assert Release.objects.get().status == Status.DRAFT

    @override_settings(STATS_EPSILON_YEAR=1.5)
    def test_it_refuses_a_release_past_the_budget_with_a_clear_message(self) -> None:
        self.draft_page()
        self.log_in(self.charlie)
        start, _end = last_month()
        response = self.client.post(
            reverse("staff_figures:index"), {"month": f"{start:%Y-%m}", "epsilon": "1"}
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "ε = 1" in page and "ε = 0.5" in page and "бюджет" in page
        assert Release.objects.count() == 1

    def test_it_downloads_csv_and_json(self) -> None:
        release = self.draft_page()
        self.log_in(self.dana)
        self.client.post(reverse("staff_figures:approve", args=[release.pk]))
        self.client.logout()
        data = json.loads(self.client.get(reverse("figures:json", args=[1])).content)
        assert data["release"] == 1
        assert data["epsilon_spent"] == 1.0
        assert data["method"] == "sanctuary-stats/1"
        assert "release 1" in data["citation"] or "выпуск 1" in data["citation"]
        assert all(row["value"] >= data["k"] for t in data["tables"] for row in t["rows"])
        text = self.client.get(reverse("figures:csv", args=[1])).content.decode()
        assert text.startswith("table,month,label,value\n")
        assert "cases_by_type" in text

    def test_it_serves_pages_without_script_or_request_elsewhere(self) -> None:
        release = self.draft_page()
        self.log_in(self.dana)
        self.client.post(reverse("staff_figures:approve", args=[release.pk]))
        self.client.logout()
        for url in (reverse("figures:index"), reverse("figures:release", args=[1])):
            response = self.client.get(url)
            page = response.content.decode()
            assert "<script" not in page
            assert not re.search(r'(src|href)="(https?:)?//', page)
            assert "script-src 'self'" in response["Content-Security-Policy"]
            assert " style=" not in page

    def test_it_explains_the_method_in_three_languages(self) -> None:
        titles = set()
        for language in ("ru", "en", "uk"):
            response = self.client.get(f"/{language}/figures/method/")
            assert response.status_code == 200
            title = re.search(r"<h1>(.*?)</h1>", response.content.decode())
            assert title
            titles.add(title[1])
        assert len(titles) == 3
