from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import override_settings


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    if not settings.configured:  # pure tests run with -p no:django too
        yield
        return
    from sanctuary.keyring.crypto import ArgonLimits

    with override_settings(
        PASSWORD_HASHERS=["sanctuary.test.FastArgon2Hasher"],
        # Argon2id at libsodium's minimum: the suite derives hundreds of keys.
        KEYRING_PASSWORD_LIMITS=ArgonLimits(opslimit=1, memlimit=8192),
        REFERRAL_KDF_LIMITS=ArgonLimits(opslimit=1, memlimit=8192),
        # Counters in memory keep the suite fast; the tests where sharing them is the point
        # (sanctuary/accounts/tests/test_shared_counters.py) run them on Redis and the database.
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        # Enqueued tasks run at once, in the test's own transaction.
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    ):
        yield


@pytest.fixture(autouse=True)
def _fresh_state() -> None:
    """Each test starts with no throttle counters and Russian active: the test client leaves
    the last response's language switched on."""
    if not settings.configured:
        return
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
