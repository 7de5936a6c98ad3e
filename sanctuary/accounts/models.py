import hashlib
from datetime import datetime
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanctuary.keyring.groups import EVIDENCE_EDITORS, INTAKE, SHELTER_COORDINATORS


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    COUNSELOR = "counselor", _("Counselor")
    LAWYER = "lawyer", _("Lawyer")
    SHELTER_COORDINATOR = "shelter_coordinator", _("Shelter coordinator")
    EVIDENCE_EDITOR = "evidence_editor", _("Evidence editor")
    HOST = "host", _("Host")


# Which roles hold which group keys. Coordinators triage new cases and assign them; counselors
# and lawyers see only the cases granted to them, so they are not in the intake group.
GROUP_ROLES: dict[str, frozenset[Role]] = {
    INTAKE: frozenset({Role.COORDINATOR}),
    SHELTER_COORDINATORS: frozenset({Role.SHELTER_COORDINATOR}),
    EVIDENCE_EDITORS: frozenset({Role.EVIDENCE_EDITOR}),
}


def token_digest(token: str) -> str:
    """Invitation links are stored only as this digest, recovery codes as a salted Argon2id of
    it: a database copy must not let anyone accept an invitation or pass a second factor."""
    return hashlib.sha256(token.strip().lower().encode()).hexdigest()


username_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9._-]{2,39}$",
    _("Use 3 to 40 lower-case Latin letters, digits, dots, hyphens or underscores."),
)


class UserManager(BaseUserManager["User"]):
    def create_user(self, username: str, password: str, roles: list[str] | None = None) -> "User":
        user = self.model(username=username.lower())
        user.set_password(password)
        user.save()
        user.set_roles(roles or [])
        return user


class User(AbstractBaseUser):
    """A staff member. The username is a chosen handle, not a legal name."""

    username = models.CharField(
        _("username"), max_length=40, unique=True, validators=[username_validator]
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username

    @property
    def roles(self) -> set[str]:
        cached: set[str] | None = getattr(self, "_roles", None)
        if cached is None:
            cached = set(self.role_rows.values_list("role", flat=True))
            self._roles = cached
        return cached

    def role_labels(self) -> list[str]:
        return [str(label) for value, label in Role.choices if value in self.roles]

    def has_role(self, role: Role) -> bool:
        return self.is_active and role.value in self.roles

    def key_groups(self) -> set[str]:
        """The group keys this person's roles call for (the keyring's sync_groups asks)."""
        return {
            group for group, wanted in GROUP_ROLES.items() if self.roles & {r.value for r in wanted}
        }

    def set_roles(self, roles: list[str]) -> None:
        self.role_rows.exclude(role__in=roles).delete()
        for role in roles:
            StaffRole.objects.get_or_create(user=self, role=role)
        self._roles = set(roles)

    def has_second_factor(self) -> bool:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        return bool(TOTPDevice.objects.filter(user=self, confirmed=True).exists())

    def is_locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class StaffRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_rows")
    role = models.CharField(max_length=32, choices=Role.choices)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self, now: datetime | None = None) -> "InvitationQuerySet":
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
        )


class Invitation(models.Model):
    """A single-use link that lets one person create a staff account with the given roles."""

    token_hash = models.CharField(max_length=64, unique=True)
    roles = models.JSONField(default=list)
    # Empty for the first admin's invitation, made on the server with `sanctuary invite_admin`.
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set for a reset link: it gives an existing person a new password and new keys.
    for_user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation {self.pk}"

    def role_labels(self) -> list[str]:
        return [str(label) for value, label in Role.choices if value in self.roles]

    def is_open(self) -> bool:
        return not self.used_at and not self.revoked_at and self.expires_at > timezone.now()

    @property
    def state(self) -> str:
        if self.used_at:
            return str(_("used"))
        if self.revoked_at:
            return str(_("revoked"))
        if self.expires_at <= timezone.now():
            return str(_("expired"))
        return str(_("open"))


class RecoveryCode(models.Model):
    """A single-use code, stored as Argon2id(SHA-256 hex of the code) with its own salt
    (keyring.crypto.hash_recovery_code): one guess at a copy tests one code of one person."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.BinaryField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code {self.pk}"


class Session(models.Model):
    """A server-side session (sanctuary.accounts.sessions). The cookie's session key is never
    stored: the row is found by its keyed digest, so a copy of this table opens no session."""

    key_digest = models.CharField(max_length=64, primary_key=True)
    session_data = models.TextField()
    expire_date = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return "session"

    def get_decoded(self) -> dict[str, Any]:
        from sanctuary.accounts.sessions import SessionStore

        decoded: dict[str, Any] = SessionStore().decode(self.session_data)
        return decoded


class SealedTOTPSecret(models.Model):
    """An authenticator's TOTP secret, sealed to its owner's own key (keyring Holder): the
    password opens it just before the second step. django-otp's `key` column of the device
    holds a random value that was never shown to anyone, so a copy cannot compute a code."""

    device = models.OneToOneField(
        "otp_totp.TOTPDevice",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="sealed_secret",
    )
    sealed = models.BinaryField()

    def __str__(self) -> str:
        return f"sealed secret of device {self.pk}"


class LoginSession(models.Model):
    """Which server-side sessions belong to whom, so an admin can end them all at once.
    It names a session by the same keyed digest as `Session`, never by its key."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"session of {self.user_id}"
