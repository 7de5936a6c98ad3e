"""Every seeker page on a cheap phone: 360 x 640, JavaScript off, in Russian, English and
Ukrainian. No page scrolls sideways, the header stays one row, the main button of the landing
page is above the fold, and the mailbox confirms a sent message in a status line.

Widths are read from Chromium itself over CDP (Page.getLayoutMetrics), which needs no script
in the page."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from sanctuary.accounts.models import Role
from sanctuary.cases.models import CaseFile
from sanctuary.intake import services
from sanctuary.keyring import crypto
from sanctuary.routes.services import do_import_knowledge
from sanctuary.shelter.models import Stay
from sanctuary.shelter.tests.factories import confirmed, make_host_user, make_offer, make_request
from sanctuary.test import make_staff
from tests.browser.helpers import case_answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 360, 640
HEADER_ONE_ROW = 60  # px: one row of 44 px targets and its padding; two rows are at least 88
TAP = 44  # px: the smallest tap target (WCAG 2.5.5)
# Citation numbers inside a sentence are inline links, which the criterion exempts.
TARGETS = (
    "header a, main button, main a.button, main label.choice,"
    " main li > a:first-child:not([href^='#s'])"
)


class Phone:
    """One phone-sized browser without JavaScript that measures each page it is shown."""

    def __init__(self, browser: Any, base: str, lang: str) -> None:
        self.base = base
        self.lang = lang
        self.context = browser.new_context(
            java_script_enabled=False,
            locale={"ru": "ru-RU", "en": "en-GB", "uk": "uk-UA"}[lang],
            viewport={"width": WIDTH, "height": HEIGHT},
        )
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.overflowing: dict[str, float] = {}
        self.small: list[str] = []
        self.headers: dict[str, float] = {}

    def open(self, path: str) -> None:
        self.page.goto(f"{self.base}/{self.lang}{path}")

    def send(self) -> None:
        self.page.locator("main form button[type=submit]").first.click()

    def content_width(self) -> float:
        metrics = self.cdp.send("Page.getLayoutMetrics")
        return float(metrics["cssContentSize"]["width"])

    def measure(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        assert self.page.locator("main h1").count() == 1, f"{name}: not a seeker page"
        width = self.content_width()
        if width > WIDTH:
            self.overflowing[name] = width
        header = self.page.locator("header.top").bounding_box()
        assert header is not None
        self.headers[name] = header["height"]
        for target in self.page.locator(TARGETS).all():
            box = target.bounding_box()
            if box is not None and box["height"] < TAP:
                self.small.append(f"{name}: {target.inner_text()[:40]!r} {box['height']:.0f} px")

    def close(self) -> None:
        self.context.close()


def stay_for(codename: str) -> Stay:
    """A confirmed stay in Almaty for a new case that opens with `codename`."""
    make_staff("lead", Role.ADMIN, Role.COORDINATOR)  # the intake group, for new cases
    sheila = make_staff("sheila", Role.SHELTER_COORDINATOR)
    hans, host = make_host_user("hans", city="Almaty", country="KZ")
    make_offer(host, beds=3)
    case, _codename, _keys = services.do_submit_case(
        case_answers(help_wanted=("bed",)), codename=codename
    )
    file = CaseFile.objects.get(pk=case.pk)
    today = timezone.localdate()
    stay = confirmed(make_request(file, arrival=today, city="Almaty", country="KZ"), sheila, hans)
    Stay.objects.filter(pk=stay.pk).update(first_night=today - dt.timedelta(days=1))
    return stay


@pytest.mark.parametrize("lang", ["ru", "en", "uk"])
def test_it_fits_every_seeker_page_on_a_phone(browser: Any, live_server: Any, lang: str) -> None:
    do_import_knowledge()
    codename = crypto.new_codename()
    stay = stay_for(codename)
    phone = Phone(browser, live_server.url, lang)
    page = phone.page

    phone.open("/")
    phone.measure("landing")
    button = page.locator("main a.button").first.bounding_box()
    assert button is not None
    assert button["y"] + button["height"] <= HEIGHT, f"the main button ends at {button}"

    phone.open("/options/")
    phone.measure("options form")
    page.select_option("[name=status]", "deserter")
    page.select_option("[name=location]", "abroad")
    phone.send()
    phone.measure("options form with errors")
    page.select_option("[name=country]", "KZ")
    page.locator("[name=wished][value=GE]").check()
    phone.send()
    assert page.locator("main .sources").count() == 1
    phone.measure("options answer")

    # The questionnaire, one step a page: each step is measured, and one with its errors.
    phone.open("/help/")
    phone.measure("questionnaire")
    page.select_option("[name=status]", "summons_received")
    page.select_option("[name=location]", "russia")
    phone.send()
    phone.measure("questionnaire, summons step")
    phone.send()  # the kind of summons is required
    assert page.locator("main .error-summary").count() == 1
    phone.measure("questionnaire with errors")
    page.select_option("[name=summons]", "electronic")
    page.fill("[name=summons_date]", "2026-11-20")
    phone.send()
    phone.measure("questionnaire, documents step")
    phone.send()
    phone.measure("questionnaire, journey step")
    phone.send()
    phone.measure("questionnaire, contact step")
    page.locator("[name=help_wanted][value=legal]").check()
    page.fill("[name=story]", "A summons came; I want to leave.")
    phone.send()
    assert page.locator("ol.codename code").count() == 8
    phone.measure("codename")

    phone.open("/mailbox/")
    phone.measure("mailbox")
    assert page.locator("main [role=status]").count() == 0
    page.fill("[name=body]", "A long word: " + "Mobilisation" * 12)
    phone.send()
    assert page.locator("main [role=status]").count() == 1
    assert "sent=1" in page.url
    phone.measure("mailbox, message sent")
    phone.open("/mailbox/situation/")
    phone.measure("update")
    phone.open("/mailbox/delete/")
    phone.measure("delete")
    phone.send()
    phone.measure("deleted")

    phone.open("/return/")
    phone.measure("sign-in")
    page.fill("[name=codename]", "not a codename at all")
    phone.send()
    phone.measure("sign-in with an error")

    # A forged form token: the "page expired" answer.
    page.route("**/return/", lambda route: route.continue_(post_data="form_token=forged"))
    page.fill("[name=codename]", codename)
    phone.send()
    assert page.locator("main h1").count() == 1
    phone.measure("expired")
    page.unroute("**/return/")

    phone.open("/return/")
    page.fill("[name=codename]", codename)
    phone.send()
    phone.open("/mailbox/")
    assert page.locator("section.stay").count() == 1
    city = {"ru": "Алматы", "en": "Almaty", "uk": "Алмати"}[lang]
    assert f" {city}," in page.locator("section.stay").inner_text()
    phone.measure("mailbox with a stay")
    phone.open(f"/mailbox/stay/{stay.pk}/report/")
    phone.measure("safety report")
    phone.send()
    phone.measure("safety report with errors")
    page.fill("[name=body]", "The host shouted at me.")
    phone.send()
    assert page.locator("main p[role=status]").count() == 1
    phone.measure("safety report sent")

    # Positive control: the measure sees a page wider than the phone.
    page.goto("data:text/html,<div style='width:600px'>wide</div>")
    assert phone.content_width() >= 600
    phone.close()

    assert phone.overflowing == {}, f"pages wider than {WIDTH} px: {phone.overflowing}"
    tall = {name: h for name, h in phone.headers.items() if h > HEADER_ONE_ROW}
    assert tall == {}, f"headers in more than one row: {tall}"
    assert len(phone.headers) == 23  # every page above was measured
    assert phone.small == [], "tap targets under 44 px:\n" + "\n".join(phone.small)
