"""Loaded with `-p` before pytest-django reads the settings (see pyproject.toml).

The suite runs outside demo mode, as production does, with throwaway secrets of its own.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-only-for-the-test-suite-0123456789abcdef")
os.environ.setdefault("AUDIT_KEY", "test-audit-key-only-for-the-test-suite")
os.environ.setdefault("SQLITE_PATH", ":memory:")
os.environ.setdefault(
    "SQLITE_TEST_PATH",
    os.path.join(tempfile.gettempdir(), f"sanctuary-test-{os.getpid()}.sqlite3"),
)
os.environ.setdefault("SEEKER_PEPPER", "test-seeker-pepper-only-for-the-test-suite-0123456")
os.environ.setdefault("SESSION_PEPPER", "test-session-pepper-only-for-the-test-suite-01234")
