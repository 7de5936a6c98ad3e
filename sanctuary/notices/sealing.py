"""Channel addresses and webhook secrets sealed with a server-side key (NOTICES_KEY).

A staff member's e-mail address or push endpoint says who he is. The key lives outside the
database, like SEEKER_PEPPER and AUDIT_KEY, so a database copy alone reveals no address.
"""

import hashlib

import nacl.secret
import nacl.utils
from django.conf import settings


def _box() -> nacl.secret.SecretBox:
    key = hashlib.blake2b(
        settings.NOTICES_KEY.encode(), digest_size=32, person=b"sanctuary-notice"
    ).digest()
    return nacl.secret.SecretBox(key)


def seal(text: str) -> bytes:
    return bytes(_box().encrypt(text.encode()))


def unseal(sealed: bytes | memoryview) -> str:
    return bytes(_box().decrypt(bytes(sealed))).decode()
