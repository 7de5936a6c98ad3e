"""Shared test helpers: personas for the permission matrix, and logging in the real way."""

import secrets
from typing import Any

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client, TestCase
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanctuary.accounts.models import Role, User
from sanctuary.accounts.services import add_totp_device, current_totp
from sanctuary.keyring.services import give_staff_keys, open_staff_secret, sync_groups

PASSWORD = "correct horse battery staple"


class FastArgon2Hasher(Argon2PasswordHasher):
    """Still Argon2id, with costs low enough for a test suite that logs in hundreds of times."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1


def make_staff(username: str, *roles: Role, second_factor: bool = True) -> User:
    """A staff member with keys, as an accepted invitation makes one; a group that does not
    exist yet is created with them as its first member."""
    user = User.objects.create_user(username, PASSWORD, roles=[role.value for role in roles])
    give_staff_keys(user, PASSWORD)
    sync_groups(user, acting_user=None, keychain=None)
    if second_factor:
        add_totp_device(user, secrets.token_bytes(20), name="phone", confirmed=True)
    return user


def totp_code(device: TOTPDevice, password: str = PASSWORD) -> str:
    """The device's current code, its sealed secret opened with its owner's password as the
    login opens it."""
    keypair = open_staff_secret(device.user, password)
    assert keypair is not None
    return current_totp(device, keypair)


def totp_for(user: User, password: str = PASSWORD) -> str:
    """The current code. django-otp refuses a code twice in one 30 s step, so tests that log
    the same person in more than once forget the last step used."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    device.last_t = -1
    device.save(update_fields=["last_t"])
    return totp_code(device, password)


def log_in(client: Client, user: User, password: str = PASSWORD) -> None:
    """Password, then second factor, through the real views."""
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": password}
    )
    assert response.status_code == 302, response.content
    response = client.post(reverse("accounts:verify"), {"token": totp_for(user, password)})
    assert response.status_code == 302, response.content


class BaseTestCase(TestCase):
    """Alice is an admin, Bob a counselor, Charlie a coordinator."""

    def setUp(self) -> None:
        super().setUp()
        self.alice = make_staff("alice", Role.ADMIN)
        self.bob = make_staff("bob", Role.COUNSELOR)
        self.charlie = make_staff("charlie", Role.COORDINATOR)

    def log_in(self, user: User, client: Client | None = None) -> None:
        log_in(client or self.client, user)

    def get(self, name: str, *args: Any, **query: str) -> Any:
        return self.client.get(reverse(name, args=args), query)
