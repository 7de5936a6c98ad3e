"""Loaded with `-p` before pytest-django reads the settings (see pyproject.toml).

The suite runs outside demo mode, as production does, with throwaway secrets of its own.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-secret-key-only-for-the-test-suite-0123456789abcdef")
os.environ.setdefault("AUDIT_KEY", "test-audit-key-only-for-the-test-suite")
os.environ.setdefault("SQLITE_PATH", ":memory:")
os.environ.setdefault(
    "SQLITE_TEST_PATH",
    os.path.join(tempfile.gettempdir(), f"sanctuary-test-{os.getpid()}.sqlite3"),
)
os.environ.setdefault("SEEKER_PEPPER", "test-seeker-pepper-only-for-the-test-suite-0123456")
os.environ.setdefault("NOTICES_KEY", "test-notices-key-only-for-the-test-suite-0123456789")
os.environ.setdefault("SESSION_PEPPER", "test-session-pepper-only-for-the-test-suite-01234")
_OWN_ERASURE_STORE = "ERASURE_KEY_STORE" not in os.environ
os.environ.setdefault(
    "ERASURE_KEY_STORE",
    os.path.join(tempfile.gettempdir(), f"sanctuary-test-erasure-{os.getpid()}.sqlite3"),
)


def pytest_unconfigure() -> None:
    """The suite's own erasure key store goes with the run, as its test database does."""
    if _OWN_ERASURE_STORE:
        for suffix in ("", "-journal"):
            Path(os.environ["ERASURE_KEY_STORE"] + suffix).unlink(missing_ok=True)
