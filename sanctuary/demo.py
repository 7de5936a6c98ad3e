"""Demo data: one staff member per role with a known password and a known TOTP secret.

Only for `make demo`; the command that calls this refuses to run outside demo mode. Later
capabilities add their demo records here, after the staff exist.
"""

import hashlib
from base64 import b32encode
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanctuary.accounts.models import Role, User


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    roles: tuple[Role, ...]

    @property
    def totp_key_hex(self) -> str:
        return hashlib.sha256(f"sanctuary-demo-totp:{self.username}".encode()).hexdigest()[:40]

    @property
    def totp_secret(self) -> str:
        return b32encode(bytes.fromhex(self.totp_key_hex)).decode()


DEMO_LOGINS = [
    DemoLogin("admin", "demo-admin-passphrase", (Role.ADMIN,)),
    DemoLogin("coordinator", "demo-coordinator-passphrase", (Role.COORDINATOR,)),
    DemoLogin("counselor", "demo-counselor-passphrase", (Role.COUNSELOR,)),
    DemoLogin("lawyer", "demo-lawyer-passphrase", (Role.LAWYER,)),
    DemoLogin("shelter", "demo-shelter-passphrase", (Role.SHELTER_COORDINATOR,)),
    DemoLogin("evidence", "demo-evidence-passphrase", (Role.EVIDENCE_EDITOR,)),
]


@transaction.atomic
def seed_staff() -> list[DemoLogin]:
    """Creates or resets the demo staff; running it twice gives the same result."""
    for login in DEMO_LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            user = User.objects.create_user(login.username, login.password)
        user.set_password(login.password)
        user.is_active = True
        user.failed_logins = 0
        user.locked_until = None
        user.save()
        user.set_roles([role.value for role in login.roles])
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="demo", key=login.totp_key_hex, confirmed=True)
    return DEMO_LOGINS
