from collections.abc import Iterator

import pytest
from django.test import override_settings


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    with override_settings(PASSWORD_HASHERS=["sanctuary.test.FastArgon2Hasher"]):
        yield


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _russian_first() -> None:
    """The test client leaves the last response's language active; start each test afresh."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
