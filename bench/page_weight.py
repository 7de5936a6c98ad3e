"""Benchmark: what a seeker's browser downloads for the seeker's pages.

Run with ``.venv/bin/python bench/page_weight.py``. Starts the app (gunicorn, demo mode, a fresh
temporary SQLite database), then loads the landing page, the questionnaire and the options
check in Russian, English and Ukrainian, and the mailbox in Russian (signed in after a
submission), in Debian's
Chromium driven by Playwright, with JavaScript disabled as in Tor Browser's safest mode. Every
request is recorded; sizes are those of the response bodies as the browser received them.

Targets: landing <= 25 KB and <= 2 requests; questionnaire and options check <= 40 KB (HTML +
every stylesheet it links; 1 KB = 1024 bytes); no script at all and no origin but our own on
every page. Prints the figures and whether each target is met; it asserts nothing.

Without Chromium it says so and measures HTML + CSS bytes over plain HTTP only.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import HOST, QUESTIONNAIRE, clean_up_on_sigterm, gunicorn, sqlite_env

KB = 1024
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or ""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# (label, path, byte limit or None, request limit or None)
PAGES: list[tuple[str, str, int | None, int | None]] = [
    ("landing", "/{lang}/", 25 * KB, 2),
    # The questionnaire's first step; the whole form on one page was held to 40 KB.
    ("questionnaire", "/{lang}/help/", 20 * KB, None),
    ("options check", "/{lang}/options/", 40 * KB, None),
]
LANGUAGES = ["ru", "en", "uk"]


@dataclass
class Weight:
    page: str
    lang: str
    html: int = 0
    css: int = 0
    other: int = 0
    requests: int = 0
    scripts: int = 0
    external: set[str] = field(default_factory=set)
    status: int = 0
    byte_limit: int | None = None
    request_limit: int | None = None
    note: str = ""

    @property
    def html_css(self) -> int:
        return self.html + self.css

    def missed(self) -> list[str]:
        missed = []
        if self.status != 200:
            missed.append(self.note or f"status {self.status}")
        if self.byte_limit is not None and self.html_css > self.byte_limit:
            missed.append(f"{self.html_css} B > {self.byte_limit // KB} KB")
        if self.request_limit is not None and self.requests > self.request_limit:
            missed.append(f"{self.requests} requests > {self.request_limit}")
        if self.scripts:
            missed.append(f"{self.scripts} scripts")
        if self.external:
            missed.append("external: " + ", ".join(sorted(self.external)))
        return missed


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def submit_case(port: int) -> str:
    """Submits the questionnaire over plain HTTP; returns the seeker's session cookie value."""
    status, page = _get(port, "/ru/help/")
    match = re.search(rb'name="form_token" value="([^"]+)"', page)
    if status != 200 or match is None:
        raise RuntimeError(f"the questionnaire answered {status} without a form token")
    story = ("story", "Page-weight benchmark: I received an electronic summons and want to leave.")
    body = urlencode([*QUESTIONNAIRE, story, ("form_token", match[1].decode())])
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(
            "POST",
            "/ru/help/",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        response = connection.getresponse()
        content = response.read()
        cookies = response.headers.get_all("Set-Cookie") or []
    finally:
        connection.close()
    if response.status != 200 or b'class="codename"' not in content:
        raise RuntimeError(f"the submission answered {response.status} without a codename")
    for cookie in cookies:
        name, _, rest = cookie.partition("=")
        if name.strip() in ("s", "__Host-s"):
            return rest.split(";", 1)[0]
    raise RuntimeError("the submission set no seeker session cookie")


def measure_in_browser(port: int, session_cookie: str) -> list[Weight]:
    from playwright.sync_api import Request, Route, sync_playwright

    origin = f"http://{HOST}:{port}"
    weights: list[Weight] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            targets: list[tuple[str, str, str, int | None, int | None, bool]] = [
                (label, lang, path.format(lang=lang), size, count, False)
                for label, path, size, count in PAGES
                for lang in LANGUAGES
            ]
            targets.append(("mailbox", "ru", "/ru/mailbox/", None, None, True))
            for label, lang, path, size, count, signed_in in targets:
                weight = Weight(label, lang, byte_limit=size, request_limit=count)
                # A fresh context per page: an empty cache, as on a seeker's first visit.
                context = browser.new_context(java_script_enabled=False)
                if signed_in:
                    context.add_cookies(
                        [{"name": "s", "value": session_cookie, "url": origin + "/"}]
                    )
                requests: list[Request] = []

                def guard(route: Route, weight: Weight = weight) -> None:
                    # Never let the browser leave 127.0.0.1: note the origin, refuse the request.
                    parts = urlsplit(route.request.url)
                    if parts.scheme in ("http", "https", "ws", "wss") and (
                        f"{parts.scheme}://{parts.netloc}" != origin
                    ):
                        weight.external.add(f"{parts.scheme}://{parts.netloc}")
                        route.abort()
                    else:
                        route.continue_()

                context.route("**/*", guard)

                def note(request: Request, seen: list[Request] = requests) -> None:
                    seen.append(request)

                context.on("request", note)
                page = context.new_page()
                response = page.goto(origin + path, wait_until="load")
                page.wait_for_load_state("networkidle")
                weight.status = response.status if response else 0
                if urlsplit(page.url).path != path:  # e.g. sent to the sign-in form instead
                    weight.status = -1
                    weight.note = f"ended at {urlsplit(page.url).path}"
                weight.scripts = len(page.query_selector_all("script"))
                for request in requests:
                    weight.requests += 1
                    if request.resource_type == "script":
                        weight.scripts += 1
                    if urlsplit(request.url).netloc != f"{HOST}:{port}":
                        continue
                    answer = request.response()
                    size = len(_body(answer)) if answer is not None else 0
                    if request.resource_type == "document":
                        weight.html += size
                    elif request.resource_type == "stylesheet":
                        weight.css += size
                    else:
                        weight.other += size
                weights.append(weight)
                context.close()
        finally:
            browser.close()
    return weights


def _body(response: Any) -> bytes:
    try:
        body: bytes = response.body()
    except Exception:  # a redirect or an aborted request has no body
        return b""
    return body


def measure_over_http(port: int, session_cookie: str) -> list[Weight]:
    """Without a browser: HTML + linked stylesheets, <script> tags and foreign src/href."""
    weights = []
    targets: list[tuple[str, str, str, int | None, int | None, dict[str, str]]] = [
        (label, lang, path.format(lang=lang), size, count, {})
        for label, path, size, count in PAGES
        for lang in LANGUAGES
    ]
    targets.append(("mailbox", "ru", "/ru/mailbox/", None, None, {"Cookie": f"s={session_cookie}"}))
    for label, lang, path, size, count, headers in targets:
        weight = Weight(label, lang, byte_limit=size, request_limit=count, note="plain HTTP")
        weight.status, html = _get(port, path, headers)
        weight.html = len(html)
        weight.requests = 1
        weight.scripts = len(re.findall(rb"<script\b", html, re.IGNORECASE))
        links = re.findall(rb"<link\b[^>]*>", html, re.IGNORECASE)
        for link in links:
            href = re.search(rb'href="([^"]+)"', link)
            if href is None or b"stylesheet" not in link:
                continue
            url = href[1].decode()
            if url.startswith(("http:", "https:", "//")):
                weight.external.add(url)
                continue
            weight.requests += 1
            weight.css += len(_get(port, url)[1])
        weights.append(weight)
    return weights


def print_table(weights: list[Weight]) -> None:
    print(
        f"{'page':<14}{'lang':<6}{'HTML B':>9}{'CSS B':>8}{'HTML+CSS':>11}{'requests':>10}"
        f"{'scripts':>9}{'external':>10}  target"
    )
    for w in weights:
        missed = w.missed()
        verdict = "met" if not missed else "MISSED (" + "; ".join(missed) + ")"
        limits = []
        if w.byte_limit is not None:
            limits.append(f"<= {w.byte_limit // KB} KB")
        if w.request_limit is not None:
            limits.append(f"<= {w.request_limit} req")
        limits += ["0 scripts", "0 external"]
        print(
            f"{w.page:<14}{w.lang:<6}{w.html:>9,}{w.css:>8,}"
            f"{f'{w.html_css / KB:.1f} KB':>11}{w.requests:>10}{w.scripts:>9}"
            f"{len(w.external):>10}  {verdict} [{', '.join(limits)}]"
        )
    total_missed = sum(1 for w in weights if w.missed())
    print(
        f"targets: {len(weights) - total_missed} of {len(weights)} pages met "
        f"every target" + ("" if not total_missed else f"; {total_missed} missed")
    )


def main() -> None:
    clean_up_on_sigterm()
    print("page weight: gunicorn (1 sync worker), demo mode, fresh temporary SQLite database")
    with sqlite_env() as env, gunicorn(env, workers=1) as port:
        session_cookie = submit_case(port)
        if CHROMIUM:
            print(f"browser: {CHROMIUM} via Playwright, JavaScript disabled, empty cache")
            weights = measure_in_browser(port, session_cookie)
        else:
            print(
                "Chromium is not installed (apt-get install chromium): measured over plain "
                "HTTP instead; request counts assume one request per linked stylesheet."
            )
            weights = measure_over_http(port, session_cookie)
    print_table(weights)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted: the server is stopped and the benchmark's data deleted")
