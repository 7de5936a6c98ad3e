"""The second factor against a stolen copy of the database (issue 12, part 5).

What the attacker holds: every row. What he must not get: a TOTP secret he can compute codes
with, a recovery code he can find with one pass over all users, a password hash cheaper to guess
than the key wrap beside it.
"""

import base64
import hashlib
from io import StringIO
from typing import Any
from unittest import mock

from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, TransactionTestCase, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanctuary import settings as project_settings
from sanctuary.accounts import services
from sanctuary.accounts.hashers import KeyWrapArgon2PasswordHasher
from sanctuary.accounts.models import RecoveryCode, SealedTOTPSecret, User
from sanctuary.keyring import crypto
from sanctuary.keyring.services import open_staff_secret
from sanctuary.keyring.session import SECOND_FACTOR_SESSION_KEY
from sanctuary.test import PASSWORD, BaseTestCase, log_in, totp_for


def code_from(secret: bytes, device: TOTPDevice) -> str:
    """What an attacker's authenticator would show for this secret now."""
    totp = TOTP(secret, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def database_copy() -> str:
    """Every row of every table, as `dumpdata` writes it (binary columns in base64)."""
    out = StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def spellings(secret: bytes) -> list[str]:
    return [
        secret.hex(),
        base64.b32encode(secret).decode().rstrip("="),
        base64.b64encode(secret).decode(),
    ]


class SealedTOTPTestCase(BaseTestCase):
    def opened_secret(self, user: User) -> bytes:
        keypair = open_staff_secret(user, PASSWORD)
        secret = services.totp_secret(TOTPDevice.objects.get(user=user), keypair)
        assert secret is not None
        return secret

    def pass_second_factor(self, user: User, code: str) -> Any:
        client = Client()
        client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
        return client, client.post(reverse("accounts:verify"), {"token": code})

    def test_it_leaves_no_usable_totp_secret_in_a_database_copy(self) -> None:
        device = TOTPDevice.objects.get(user=self.alice)
        secret = self.opened_secret(self.alice)
        copy = database_copy()
        for spelling in spellings(secret):
            self.assertNotIn(spelling, copy)
        # The attacker's best guess, the device's own key column, computes the wrong code.
        guessed = code_from(device.bin_key, device)
        self.assertNotEqual(device.bin_key, secret)
        _client, response = self.pass_second_factor(self.alice, guessed)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.wsgi_request.session.get(SECOND_FACTOR_SESSION_KEY))
        # Positive control: with the plain secret in hand the code is computable and accepted,
        # and a device made the way django-otp stores it would show its secret to a copy.
        device.refresh_from_db()
        device.last_t = -1
        device.save(update_fields=["last_t"])
        _client, response = self.pass_second_factor(self.alice, code_from(secret, device))
        self.assertRedirects(response, reverse("accounts:home"))
        TOTPDevice.objects.create(user=self.bob, name="plain", key=secret.hex(), confirmed=False)
        self.assertIn(secret.hex(), database_copy())

    def test_it_needs_the_key_the_password_opened_to_check_a_code(self) -> None:
        client = Client()
        client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
        del client.cookies["keyring"]  # the session's wrapped key no longer opens
        response = client.post(reverse("accounts:verify"), {"token": totp_for(self.alice)})
        self.assertContains(response, "Ваши ключи не открыты в этом сеансе")
        self.assertEqual(client.get(reverse("accounts:home")).status_code, 302)

    def test_it_seals_a_new_device_to_its_owner_alone(self) -> None:
        dora = User.objects.create_user("dora", PASSWORD)
        from sanctuary.keyring.services import give_staff_keys

        give_staff_keys(dora, PASSWORD)
        device = services.new_totp_device(dora)
        sealed = bytes(SealedTOTPSecret.objects.get(device=device).sealed)
        for user in (self.alice, self.bob, self.charlie):
            keypair = open_staff_secret(user, PASSWORD)
            assert keypair is not None
            self.assertIsNone(services.totp_secret(device, keypair))
        keypair = open_staff_secret(dora, PASSWORD)
        assert keypair is not None
        secret = services.totp_secret(device, keypair)
        assert secret is not None
        self.assertEqual(len(secret), 20)
        self.assertNotIn(secret, sealed)
        self.assertNotEqual(device.bin_key, secret)

    def test_it_shows_the_enrolment_secret_that_the_codes_come_from(self) -> None:
        dora = User.objects.create_user("dora", PASSWORD)
        from sanctuary.keyring.services import give_staff_keys

        give_staff_keys(dora, PASSWORD)
        self.client.post(reverse("accounts:login"), {"username": "dora", "password": PASSWORD})
        page = self.get("accounts:enrol")
        secret = base64.b32decode(page.context["secret"])
        device = TOTPDevice.objects.get(user=dora)
        response = self.client.post(reverse("accounts:enrol"), {"token": code_from(secret, device)})
        self.assertEqual(len(response.context["codes"]), 10)
        for spelling in spellings(secret):
            self.assertNotIn(spelling, database_copy())


FIXED_CODE = "abcde-fghjk"


class RecoveryCodeHashTestCase(BaseTestCase):
    def test_it_salts_each_code_so_one_pass_does_not_cover_everyone(self) -> None:
        with mock.patch.object(services, "_new_recovery_code", return_value=FIXED_CODE):
            services.do_issue_recovery_codes(user=self.alice)
            services.do_issue_recovery_codes(user=self.bob)
        alice = bytes(RecoveryCode.objects.filter(user=self.alice).first().digest)  # type: ignore[union-attr]
        bob = bytes(RecoveryCode.objects.filter(user=self.bob).first().digest)  # type: ignore[union-attr]
        self.assertNotEqual(alice, bob)
        self.assertEqual(len({bytes(r.digest) for r in RecoveryCode.objects.all()}), 20)
        # Not the plain SHA-256 it used to be, in any spelling.
        plain = hashlib.sha256(b"abcdefghjk").digest()
        copy = database_copy()
        for spelling in (plain.hex(), base64.b64encode(plain).decode(), FIXED_CODE, "abcdefghjk"):
            self.assertNotIn(spelling, copy)
        self.assertNotIn(plain, alice)
        # Positive control: the code itself still lets each of them in.
        for user in (self.alice, self.bob):
            client = Client()
            client.post(
                reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
            )
            response = client.post(reverse("accounts:verify"), {"token": FIXED_CODE.upper()})
            self.assertRedirects(response, reverse("accounts:home"))


class PasswordHashCostTestCase(BaseTestCase):
    def test_it_hashes_passwords_at_least_as_dearly_as_the_key_wrap(self) -> None:
        self.assertEqual(
            project_settings.PASSWORD_HASHERS[0],
            "sanctuary.accounts.hashers.KeyWrapArgon2PasswordHasher",
        )
        with override_settings(KEYRING_PASSWORD_LIMITS=None):
            hasher = KeyWrapArgon2PasswordHasher()
            wrap = crypto.PASSWORD_LIMITS
            self.assertGreaterEqual(hasher.time_cost, wrap.opslimit)
            self.assertGreaterEqual(hasher.memory_cost * 1024, wrap.memlimit)
            django = Argon2PasswordHasher()
            # Django's own costs about a third as much per guess: what issue 12 measured.
            self.assertLess(
                django.time_cost * django.memory_cost * 3,
                hasher.time_cost * hasher.memory_cost + 1,
            )

    def test_it_upgrades_an_old_hash_at_the_next_login(self) -> None:
        User.objects.filter(pk=self.alice.pk).update(
            password=make_password(PASSWORD, hasher=Argon2PasswordHasher())
        )
        self.alice.refresh_from_db()
        self.assertIn("m=102400,t=2,p=8", self.alice.password)
        with override_settings(
            PASSWORD_HASHERS=["sanctuary.accounts.hashers.KeyWrapArgon2PasswordHasher"],
            KEYRING_PASSWORD_LIMITS=crypto.ArgonLimits(opslimit=3, memlimit=1024 * 1024),
        ):
            log_in(self.client, self.alice)
        self.alice.refresh_from_db()
        self.assertIn("m=1024,t=3,p=1", self.alice.password)

    def test_it_makes_standard_hashes_that_django_reads_and_keeps(self) -> None:
        with override_settings(
            KEYRING_PASSWORD_LIMITS=crypto.ArgonLimits(opslimit=3, memlimit=1024 * 1024)
        ):
            ours = KeyWrapArgon2PasswordHasher()
            encoded = ours.encode(PASSWORD, ours.salt())
            self.assertTrue(encoded.startswith("argon2$argon2id$v=19$m=1024,t=3,p=1$"))
            self.assertTrue(ours.verify(PASSWORD, encoded))
            self.assertFalse(ours.verify(PASSWORD + "!", encoded))
            self.assertTrue(Argon2PasswordHasher().verify(PASSWORD, encoded))
            self.assertFalse(ours.must_update(encoded))
            old = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
            self.assertTrue(ours.verify(PASSWORD, old))
            self.assertFalse(ours.verify(PASSWORD + "!", old))
            self.assertTrue(ours.must_update(old))


class MigrationTestCase(TransactionTestCase):
    """Migration 0003 on rows made the old way: a plain TOTP key and an unsalted digest."""

    before = [
        ("accounts", "0002_host_role"),
        ("keyring", "0002_pending_access_approvals"),
        ("otp_totp", "0003_add_timestamps"),
    ]
    after = [("accounts", "0004_merge_keyed_sessions_and_sealed_second_factor")]

    def tearDown(self) -> None:
        # Back to the latest schema, so that the next test (and the flush) finds every table.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        super().tearDown()

    def test_it_seals_existing_devices_and_wraps_existing_codes(self) -> None:
        executor = MigrationExecutor(connection)
        executor.migrate(self.before)
        old = executor.loader.project_state(self.before).apps
        keypair = crypto.KeyPair.generate()
        user = old.get_model("accounts", "User").objects.create(username="old", password="!")
        old.get_model("keyring", "Holder").objects.create(
            kind="staff", user_id=user.pk, public_key=keypair.public_key
        )
        keyless = old.get_model("accounts", "User").objects.create(username="keyless", password="!")
        secret = bytes(range(20))
        device_model = old.get_model("otp_totp", "TOTPDevice")
        device = device_model.objects.create(user_id=user.pk, name="phone", key=secret.hex())
        orphan = device_model.objects.create(user_id=keyless.pk, name="phone", key=secret.hex())
        old_digest = hashlib.sha256(b"abcdefghjk").hexdigest()
        old.get_model("accounts", "RecoveryCode").objects.create(
            user_id=user.pk, code_hash=old_digest
        )

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(self.after)

        device = TOTPDevice.objects.get(pk=device.pk)
        self.assertNotEqual(device.key, secret.hex())
        self.assertEqual(services.totp_secret(device, keypair), secret)
        # A device whose owner has no key cannot be sealed: it stops working instead.
        orphan = TOTPDevice.objects.get(pk=orphan.pk)
        self.assertNotEqual(orphan.key, secret.hex())
        self.assertFalse(SealedTOTPSecret.objects.filter(device=orphan).exists())
        self.assertNotIn(secret.hex(), database_copy())
        # The wrapped code still matches the code typed, and only it.
        migrated = User.objects.get(username="old")
        with transaction.atomic():
            self.assertIsNotNone(services._matching_recovery_code(migrated, "ABCDE-FGHJK"))
            self.assertIsNone(services._matching_recovery_code(migrated, "abcde-fghjm"))
        self.assertNotIn(old_digest, database_copy())
