"""The second factor sealed: TOTP secrets sealed to their owner's key, recovery codes salted.

- Each device's TOTP secret is sealed to its owner's public key (a sealed box needs only the
  public key, so no password is needed here) and django-otp's `key` column is overwritten with a
  random value. A device whose owner has no key yet cannot be sealed: its key is overwritten all
  the same, so it stops working; a recovery code or an admin reset lets its owner in again.
- Each recovery code's unsalted SHA-256 hex is wrapped in a salted Argon2id hash, which is how a
  code is checked from now on: Argon2id(salt, SHA-256 hex of the code).

Neither step can be undone: the plain secrets and digests are gone, so migrating back leaves
every device and recovery code unusable (admins reset their colleagues' second factor then).
"""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django_otp.util import random_hex


def seal_totp_secrets(apps: Any, schema_editor: Any) -> None:
    from sanctuary.keyring import crypto

    device_model = apps.get_model("otp_totp", "TOTPDevice")
    holder_model = apps.get_model("keyring", "Holder")
    sealed_model = apps.get_model("accounts", "SealedTOTPSecret")
    for device in device_model.objects.all():
        holder = holder_model.objects.filter(user_id=device.user_id).first()
        if holder is not None and bytes(holder.public_key):
            sealed = crypto.seal_secret(bytes.fromhex(device.key), bytes(holder.public_key))
            sealed_model.objects.update_or_create(device_id=device.pk, defaults={"sealed": sealed})
        device.key = random_hex(20)
        device.save(update_fields=["key"])


def salt_recovery_codes(apps: Any, schema_editor: Any) -> None:
    from sanctuary.keyring.services import hash_recovery_code

    code_model = apps.get_model("accounts", "RecoveryCode")
    for code in code_model.objects.all():
        code.digest = hash_recovery_code(code.code_hash.encode())
        code.save(update_fields=["digest"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_host_role"),
        ("keyring", "0002_pending_access_approvals"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="SealedTOTPSecret",
            fields=[
                (
                    "device",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="sealed_secret",
                        serialize=False,
                        to="otp_totp.totpdevice",
                    ),
                ),
                ("sealed", models.BinaryField()),
            ],
        ),
        migrations.AddField(
            model_name="recoverycode",
            name="digest",
            field=models.BinaryField(default=b""),
            preserve_default=False,
        ),
        migrations.RunPython(seal_totp_secrets, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(salt_recovery_codes, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="recoverycode", name="code_hash"),
    ]
