import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sanctuary.settings import database_from_url, envbool


def start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    secrets = ("SECRET_KEY", "AUDIT_KEY", "SESSION_PEPPER")
    clean = {k: v for k, v in os.environ.items() if k not in secrets}
    return subprocess.run(
        [sys.executable, "-m", "sanctuary.cli", "check"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_refuses_to_start_without_a_secret_key_outside_demo() -> None:
    result = start({"AUDIT_KEY": "x" * 40, "SESSION_PEPPER": "p" * 40})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_refuses_to_start_without_an_audit_key_outside_demo() -> None:
    result = start({"SECRET_KEY": "x" * 50, "SESSION_PEPPER": "p" * 40})
    assert result.returncode != 0
    assert "AUDIT_KEY is not set" in result.stderr


def test_it_refuses_to_start_without_a_session_pepper_outside_demo() -> None:
    result = start({"SECRET_KEY": "x" * 50, "AUDIT_KEY": "x" * 40})
    assert result.returncode != 0
    assert "SESSION_PEPPER is not set" in result.stderr
    result = start({"SECRET_KEY": "x" * 50, "AUDIT_KEY": "x" * 40, "SESSION_PEPPER": "short"})
    assert result.returncode != 0
    assert "SESSION_PEPPER must be 32 to 64 bytes long" in result.stderr
    result = start({"SECRET_KEY": "x" * 50, "AUDIT_KEY": "x" * 40, "SESSION_PEPPER": "p" * 40})
    assert result.returncode == 0, result.stderr


def test_it_refuses_to_start_without_a_notices_key_outside_demo() -> None:
    others = {"SECRET_KEY": "x" * 50, "AUDIT_KEY": "x" * 40, "SESSION_PEPPER": "p" * 40}
    result = start({**others, "NOTICES_KEY": ""})
    assert result.returncode != 0
    assert "NOTICES_KEY is not set" in result.stderr
    result = start({**others, "NOTICES_KEY": "short"})
    assert result.returncode != 0
    assert "NOTICES_KEY must be at least 32 bytes long" in result.stderr
    result = start({**others, "NOTICES_KEY": "n" * 40})
    assert result.returncode == 0, result.stderr


def test_it_starts_in_demo_mode_without_secrets() -> None:
    result = start({"SANCTUARY_DEMO": "1"})
    assert result.returncode == 0, result.stderr


def test_it_is_not_in_debug_outside_demo() -> None:
    assert settings.DEBUG is False
    assert settings.DEMO is False


def test_it_reads_a_postgres_url() -> None:
    db = database_from_url("postgres://ana:p%40ss@db.internal:5433/sanctuary")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "ana",
        "p@ss",
        "db.internal",
        "5433",
        "sanctuary",
    )


def test_it_rejects_another_database_scheme() -> None:
    with pytest.raises(ImproperlyConfigured, match="postgres://"):
        database_from_url("mysql://x@y/z")


def test_it_rejects_a_vague_boolean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTUARY_HTTPS", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SANCTUARY_HTTPS"):
        envbool("SANCTUARY_HTTPS")


def test_it_keeps_our_csrf_middleware_whose_deploy_warning_is_silenced() -> None:
    """security.W003 is silenced because it looks for Django's class by path; this check is the
    one it stood for: a subclass of Django's CSRF middleware is in MIDDLEWARE."""
    from django.middleware.csrf import CsrfViewMiddleware
    from django.utils.module_loading import import_string

    assert "security.W003" in settings.SILENCED_SYSTEM_CHECKS
    assert any(issubclass(import_string(path), CsrfViewMiddleware) for path in settings.MIDDLEWARE)


def test_it_drops_prepared_statements_behind_a_transaction_pooler(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plain = database_from_url("postgres://app@127.0.0.1:6432/sanctuary")
    assert "OPTIONS" not in plain and "DISABLE_SERVER_SIDE_CURSORS" not in plain
    monkeypatch.setenv("DB_TRANSACTION_POOLER", "1")
    pooled = database_from_url("postgres://app@127.0.0.1:6432/sanctuary")
    assert pooled["OPTIONS"] == {"prepare_threshold": None}
    assert pooled["DISABLE_SERVER_SIDE_CURSORS"] is True
