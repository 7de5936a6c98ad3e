import re
from pathlib import Path

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sanctuary.accounts.models import Invitation
from sanctuary.test import BaseTestCase

SANCTUARY = Path(__file__).resolve().parent.parent
# Sample values for URL parameters, so that every route can be requested.
SAMPLE_ARGS = {
    "pk": "1",
    "token": "not-a-real-token",
    "place": "KZ",
    "fact_id": "A-INTPASS-001",
    "item_pk": "1",
    "number": "1",
}


def _sample(match: re.Match[str]) -> str:
    if match[1] == "uuid:":
        return "00000000-0000-4000-8000-000000000000"
    return SAMPLE_ARGS[match[2]]


def every_path() -> list[str]:
    """Every route, in every language (the resolver shows only the active one's prefix)."""
    paths = _walk()
    others = [p.replace("/ru/", f"/{code}/", 1) for p in paths for code in ("en", "uk")]
    return sorted({*paths, *others})


def _walk(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    paths = []
    for pattern in (resolver or get_resolver()).url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            paths += _walk(pattern, prefix + route)
        elif isinstance(pattern, URLPattern):
            full = prefix + route
            full = re.sub(r"<(\w+:)?(\w+)>", _sample, full)
            paths.append("/" + full.lstrip("^").rstrip("$"))
    return paths


class SecurityHeadersTestCase(BaseTestCase):
    def assert_headers(self, path: str, client: Client) -> None:
        response = client.get(path)
        csp = response["Content-Security-Policy"]
        self.assertIn("default-src 'none'", csp, path)
        self.assertIn("frame-ancestors 'none'", csp, path)
        self.assertNotIn("unsafe-inline", csp, path)
        self.assertNotIn("http", csp, path)
        self.assertEqual(response["Referrer-Policy"], "no-referrer", path)
        self.assertEqual(response["X-Content-Type-Options"], "nosniff", path)
        self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin", path)
        self.assertIn("camera=()", response["Permissions-Policy"], path)
        self.assertIn("geolocation=()", response["Permissions-Policy"], path)
        self.assertEqual(response["X-Frame-Options"], "DENY", path)
        self.assertEqual(response["Cache-Control"], "no-store", path)
        self.assertNotIn("Strict-Transport-Security", response, path)  # plain HTTP here

    def test_it_finds_every_route(self) -> None:
        paths = every_path()
        self.assertIn("/ru/staff/login/", paths)
        self.assertIn("/en/staff/audit/", paths)
        self.assertIn("/uk/options/", paths)
        self.assertGreater(len(paths), 20)

    def test_it_sends_the_headers_on_every_url_signed_out_and_in(self) -> None:
        Invitation.objects.create(
            token_hash="0" * 64, created_by=self.alice, expires_at="2099-01-01T00:00Z"
        )
        anonymous = Client()
        for path in every_path():
            self.assert_headers(path, anonymous)
        self.log_in(self.alice)
        for path in every_path():
            self.assert_headers(path, self.client)

    def test_it_sends_the_headers_on_errors_and_static_files(self) -> None:
        self.assert_headers("/ru/no-such-page/", self.client)
        response = self.client.get("/static/css/site.css")
        self.assertIn("default-src 'none'", response["Content-Security-Policy"])
        # Django's X-Frame-Options middleware sits below WhiteNoise: ours adds it to static files.
        self.assertEqual(response["X-Frame-Options"], "DENY")

    def test_it_sends_hsts_behind_https(self) -> None:
        with self.settings(
            SECURE_HSTS_SECONDS=63072000,
            SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
        ):
            response = self.client.get(
                reverse("accounts:login"), headers={"x-forwarded-proto": "https"}, secure=True
            )
        self.assertTrue(response["Strict-Transport-Security"].startswith("max-age=63072000"))


EXTERNAL = re.compile(r"""(?:src|href|action|url)\s*[=(]\s*["']?\s*(?:https?:)?//""", re.I)
IMPORT = re.compile(r"@import|@font-face", re.I)


def test_it_finds_no_reference_to_another_origin_in_templates_or_static_files() -> None:
    files = [
        path
        for path in SANCTUARY.rglob("*")
        if path.suffix in {".html", ".css", ".js", ".svg"} and path.is_file()
    ]
    assert any(path.name == "base.html" for path in files)
    offenders = [
        str(path)
        for path in files
        if EXTERNAL.search(path.read_text()) or IMPORT.search(path.read_text())
    ]
    assert offenders == []


def test_it_would_catch_an_external_script() -> None:
    assert EXTERNAL.search('<script src="https://cdn.example/x.js">')
    assert EXTERNAL.search("<link href='//fonts.example/css'>")
    assert EXTERNAL.search("background: url(https://x.example/a.png)")
    assert not EXTERNAL.search('<a href="/ru/staff/">')
