"""Writes about staff accounts. Each runs in one transaction and writes its audit entry."""

import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanctuary.accounts import throttle
from sanctuary.accounts.models import (
    Invitation,
    LoginSession,
    RecoveryCode,
    Role,
    SealedTOTPSecret,
    Session,
    User,
    token_digest,
)
from sanctuary.accounts.sessions import key_digest
from sanctuary.accounts.signals import invitation_accepted
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.keyring import services as keyring
from sanctuary.keyring import session as keyring_session
from sanctuary.keyring.crypto import KeyPair
from sanctuary.keyring.session import SECOND_FACTOR_SESSION_KEY

RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TOTP_SECRET_BYTES = 20  # 160 bits, as RFC 4226 recommends and every authenticator app reads


class AccountError(Exception):
    """A refusal the person can act on; its message is already translated."""


class LoginRefused(AccountError):
    pass


class LoginWait(LoginRefused):
    """This browser or address failed too often, or the site is under a flood of failures: the
    try was not checked. Nothing is locked; trying again after `seconds` is checked."""

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        super().__init__(
            ngettext(
                "Too many failed attempts. Wait %(seconds)d second, then try again.",
                "Too many failed attempts. Wait %(seconds)d seconds, then try again.",
                seconds,
            )
            % {"seconds": seconds}
        )


def authenticate_staff(
    request: HttpRequest, username: str, password: str, ticket: throttle.Ticket | None = None
) -> User:
    """The user for these credentials, or LoginRefused. Failures slow the browser and the
    address they came from (throttle.py); they never lock an account, so nobody can keep
    someone else out. Known and unknown usernames take the same path: one Argon2id hash (Django's
    ModelBackend hashes the password for a missing user too), the same counters, one audit entry."""
    wait = throttle.login_wait(request, username, ticket)
    if wait:
        record(Action.LOGIN_THROTTLED, actor=None, details={"wait": wait})
        raise LoginWait(wait)
    authenticated = authenticate(request, username=username.lower(), password=password)
    if authenticated is None:
        throttle.note_login_failure(request, username, ticket)
        user = User.objects.filter(username=username.lower()).first()
        record(Action.LOGIN_FAILED, actor=user, details={"reason": "credentials"})
        raise LoginRefused(_("Wrong username or password."))
    assert isinstance(authenticated, User)
    return authenticated


@transaction.atomic
def do_login(request: HttpRequest, user: User, password: str) -> None:
    """The password step. The second factor still stands between this and any staff page.
    The password also opens the person's keys for this session (sanctuary.keyring.session)."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SECOND_FACTOR_SESSION_KEY] = False
    keyring_session.start(request, user, password)
    request.session.save()
    assert request.session.session_key is not None
    LoginSession.objects.create(user=user, session_digest=key_digest(request.session.session_key))
    record(Action.LOGIN, actor=user, details={"step": "password"})


def _mark_second_factor_passed(request: HttpRequest, user: User) -> None:
    old_key = request.session.session_key
    request.session.cycle_key()
    request.session[SECOND_FACTOR_SESSION_KEY] = True
    request.session.save()
    assert old_key is not None and request.session.session_key is not None
    LoginSession.objects.filter(session_digest=key_digest(old_key)).update(
        session_digest=key_digest(request.session.session_key)
    )
    throttle.clear_account_failures(user)


@transaction.atomic
def do_logout(request: HttpRequest) -> None:
    user = request.user
    if isinstance(user, User):
        if request.session.session_key is not None:
            digest = key_digest(request.session.session_key)
            LoginSession.objects.filter(session_digest=digest).delete()
        record(Action.LOGOUT, actor=user)
    logout(request)


def add_totp_device(
    user: User, secret: bytes, *, name: str = "authenticator", confirmed: bool = False
) -> TOTPDevice:
    """A device whose secret is sealed to the person's own key. django-otp's `key` column keeps
    its own random default, unrelated to the secret: nothing in the row computes a code."""
    sealed = keyring.seal_to_staff(user, secret)
    if sealed is None:
        raise AccountError(_("Your keys are not set up yet. Ask an administrator for a new link."))
    device = TOTPDevice.objects.create(user=user, name=name, confirmed=confirmed)
    SealedTOTPSecret.objects.create(device=device, sealed=sealed)
    return device


def new_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled, made once and reused until it is confirmed."""
    device = TOTPDevice.objects.filter(
        user=user, confirmed=False, sealed_secret__isnull=False
    ).first()
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = add_totp_device(user, secrets.token_bytes(TOTP_SECRET_BYTES))
    return device


def totp_secret(device: TOTPDevice, keypair: KeyPair | None) -> bytes | None:
    """The device's secret, opened with its owner's key pair; None without a key that opens it."""
    sealed = SealedTOTPSecret.objects.filter(device=device).first()
    if sealed is None or keypair is None:
        return None
    return keyring.open_sealed_to_staff(bytes(sealed.sealed), keypair)


def totp_uri(device: TOTPDevice, secret: bytes) -> str:
    # An unsaved copy with the real key, only to let django-otp spell the otpauth:// URI.
    shown = TOTPDevice(user=device.user, key=secret.hex(), step=device.step, digits=device.digits)
    return str(shown.config_url)


def current_totp(device: TOTPDevice, keypair: KeyPair) -> str:
    """The code an authenticator shows now; the demo and the tests use it."""
    secret = totp_secret(device, keypair)
    if secret is None:
        raise AccountError(_("This key does not open the authenticator's secret."))
    totp = TOTP(secret, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _verify_totp(device: TOTPDevice, secret: bytes | None, token: str) -> bool:
    """django-otp's check (tolerance, drift, no code twice) on the opened secret. The device's
    own verify_token would use its `key` column, which opens nothing."""
    token = token.strip()
    if secret is None or len(token) != device.digits or not token.isdigit():
        return False
    totp = TOTP(secret, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(token), device.tolerance, device.last_t + 1):
        return False
    device.last_t = totp.t()
    device.drift = totp.drift
    device.save(update_fields=["last_t", "drift"])
    return True


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _looks_like_recovery_code(code: str) -> bool:
    # Checked before any hashing: a slow hash per unused code is spent on well-formed input only.
    return len(code) == 10 and set(code) <= set(RECOVERY_ALPHABET)


def _recovery_prehash(code: str) -> bytes:
    """The unsalted SHA-256 hex stored before salting; the slow hash is taken over it, so that
    codes issued before could be wrapped in place (migration 0003)."""
    return token_digest(code).encode()


@transaction.atomic
def do_issue_recovery_codes(*, user: User) -> list[str]:
    """Ten fresh single-use codes, shown once; only their salted slow hashes are stored."""
    user.recovery_codes.all().delete()
    codes = [_new_recovery_code() for _ in range(settings.RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(
            user=user, digest=keyring.hash_recovery_code(_recovery_prehash(_normalise_code(code)))
        )
        for code in codes
    )
    record(Action.RECOVERY_CODES_ISSUED, actor=user, object_type="user", object_id=user.pk)
    return codes


def _matching_recovery_code(user: User, token: str) -> RecoveryCode | None:
    code = _normalise_code(token)
    if not _looks_like_recovery_code(code):
        return None
    prehash = _recovery_prehash(code)
    for row in user.recovery_codes.select_for_update().filter(used_at__isnull=True):
        if keyring.recovery_code_matches(bytes(row.digest), prehash):
            return row
    return None


@transaction.atomic
def do_confirm_totp(request: HttpRequest, *, user: User, token: str) -> list[str] | None:
    """Confirms the device being enrolled; returns the first recovery codes, or None."""
    device = new_totp_device(user)
    keypair = keyring_session.own_keypair(request)
    if not _verify_totp(device, totp_secret(device, keypair), token):
        throttle.note_account_failure(user)
        record(Action.OTP_FAILED, actor=user, details={"step": "enrol"})
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    record(Action.OTP_ENROLLED, actor=user, object_type="user", object_id=user.pk)
    _mark_second_factor_passed(request, user)
    return do_issue_recovery_codes(user=user)


@transaction.atomic
def do_verify_second_factor(request: HttpRequest, *, user: User, token: str) -> bool:
    """The second step. The person's own key pair, opened by the password step, opens the
    authenticator's sealed secret (keyring.session.own_keypair)."""
    if user.is_locked():
        record(Action.LOGIN_THROTTLED, actor=user, details={"by": "account", "step": "otp"})
        return False
    digits = "".join(token.split())
    # Locked: two requests with the same code cannot both pass before last_t is saved.
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    keypair = keyring_session.own_keypair(request)
    if device is not None and _verify_totp(device, totp_secret(device, keypair), digits):
        record(Action.OTP_VERIFIED, actor=user)
        _mark_second_factor_passed(request, user)
        return True
    code = _matching_recovery_code(user, token)
    if code is not None:
        code.used_at = timezone.now()
        code.save(update_fields=["used_at"])
        left = user.recovery_codes.filter(used_at__isnull=True).count()
        record(Action.RECOVERY_CODE_USED, actor=user, details={"codes_left": left})
        _mark_second_factor_passed(request, user)
        return True
    throttle.note_account_failure(user)
    record(Action.OTP_FAILED, actor=user, details={"step": "login"})
    return False


def _new_link(
    *, roles: list[str], acting_user: User | None, for_user: User | None = None
) -> tuple[Invitation, str]:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.create(
        token_hash=token_digest(token),
        roles=sorted(roles),
        created_by=acting_user,
        created_at=now,
        expires_at=now + timedelta(hours=settings.INVITATION_LIFETIME_HOURS),
        for_user=for_user,
    )
    return invitation, token


@transaction.atomic
def do_create_invitation(*, roles: list[str], acting_user: User | None) -> tuple[Invitation, str]:
    """A new invitation and its raw token; the token is shown once and stored only hashed."""
    invitation, token = _new_link(roles=roles, acting_user=acting_user)
    record(
        Action.INVITATION_CREATED,
        actor=acting_user,
        object_type="invitation",
        object_id=invitation.pk,
        details={"roles": invitation.roles},
    )
    return invitation, token


@transaction.atomic
def do_revoke_invitation(*, invitation: Invitation, acting_user: User) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(
        Action.INVITATION_REVOKED,
        actor=acting_user,
        object_type="invitation",
        object_id=invitation.pk,
    )


def find_open_invitation(token: str) -> Invitation | None:
    return Invitation.objects.open().filter(token_hash=token_digest(token)).first()


@transaction.atomic
def do_change_password(request: HttpRequest, *, user: User, old: str, new: str) -> None:
    """A new password, the same keys: the secret key is wrapped again under the new password.
    Other sessions of this person end; this one goes on."""
    if not user.check_password(old):
        raise AccountError(_("Your current password is not right."))
    user.set_password(new)
    user.save(update_fields=["password"])
    keyring.rewrap_staff_secret(user, old, new)
    update_session_auth_hash(request, user)
    assert request.session.session_key is not None
    other_sessions = user.login_sessions.exclude(
        session_digest=key_digest(request.session.session_key)
    )
    Session.objects.filter(
        key_digest__in=other_sessions.values_list("session_digest", flat=True)
    ).delete()
    other_sessions.delete()
    record(Action.PASSWORD_CHANGED, actor=user, object_type="user", object_id=user.pk)


@transaction.atomic
def do_reset_password(*, user: User, acting_user: User) -> tuple[int, str]:
    """An admin reset for someone who lost their password or phone. Their old keys are gone
    for good: the records sealed to them wait for colleagues to grant them again. Returns how
    many records were lost and the raw token of their single-use reset link."""
    if user == acting_user:
        raise AccountError(_("Change your own password from your overview page."))
    user.set_unusable_password()
    user.save(update_fields=["password"])
    end_all_sessions(user)
    TOTPDevice.objects.filter(user=user).delete()
    user.recovery_codes.all().delete()
    lost = keyring.forget_staff_keys(user, acting_user=acting_user)
    Invitation.objects.open().filter(for_user=user).update(revoked_at=timezone.now())
    invitation, token = _new_link(roles=list(user.roles), acting_user=acting_user, for_user=user)
    record(
        Action.KEYS_RESET,
        actor=acting_user,
        object_type="user",
        object_id=user.pk,
        details={"records_lost": lost, "invitation": invitation.pk},
    )
    return lost, token


@transaction.atomic
def do_accept_reset(*, token: str, password: str) -> User:
    invitation = (
        Invitation.objects.select_for_update()
        .open()
        .filter(token_hash=token_digest(token), for_user__isnull=False)
        .first()
    )
    if invitation is None or invitation.for_user is None:
        raise AccountError(_("This invitation is no longer valid. Ask for a new one."))
    user = invitation.for_user
    user.set_password(password)
    user.save(update_fields=["password"])
    _complete_invitation(invitation, user, password, details={"reset": True})
    return user


def _complete_invitation(
    invitation: Invitation, user: User, password: str, *, details: dict[str, object]
) -> None:
    """New keys under the chosen password, the link spent, the group keys that follow roles."""
    keyring.give_staff_keys(user, password)
    invitation.used_at = timezone.now()
    invitation.used_by = user
    invitation.save(update_fields=["used_at", "used_by"])
    record(
        Action.INVITATION_ACCEPTED,
        actor=user,
        object_type="invitation",
        object_id=invitation.pk,
        details=details,
    )
    keyring.sync_groups(user, acting_user=user, keychain=None, invitation=invitation)


@transaction.atomic
def do_accept_invitation(*, token: str, username: str, password: str) -> User:
    invitation = (
        Invitation.objects.select_for_update()
        .open()
        .filter(token_hash=token_digest(token), for_user__isnull=True)
        .first()
    )
    if invitation is None:
        raise AccountError(_("This invitation is no longer valid. Ask for a new one."))
    if User.objects.filter(username=username.lower()).exists():
        raise AccountError(_("This username is taken. Choose another."))
    user = User.objects.create_user(username, password, roles=invitation.roles)
    _complete_invitation(invitation, user, password, details={"roles": invitation.roles})
    invitation_accepted.send(sender=Invitation, invitation=invitation, user=user, token=token)
    return user


@transaction.atomic
def do_set_roles(
    *, user: User, roles: list[str], acting_user: User, keychain: keyring.Keychain | None
) -> None:
    """New roles, and the group keys that follow them: a group the acting admin holds is
    sealed to the person at once, any other waits for a member on the pending-access page."""
    if user == acting_user and Role.ADMIN.value not in roles:
        raise AccountError(_("You cannot remove your own administrator role."))
    before = sorted(user.roles)
    user.set_roles(roles)
    record(
        Action.ROLES_CHANGED,
        actor=acting_user,
        object_type="user",
        object_id=user.pk,
        details={"before": before, "after": sorted(roles)},
    )
    keyring.sync_groups(user, acting_user=acting_user, keychain=keychain)


@transaction.atomic
def clear_expired_sessions() -> int:
    """Deletes sessions past their idle timeout, and login records whose session is gone.
    Nothing in them opens anything without the browser's cookies; this keeps the table to
    the live ones."""
    ended, _by_model = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    LoginSession.objects.exclude(session_digest__in=Session.objects.values("key_digest")).delete()
    return ended


def end_all_sessions(user: User) -> int:
    digests = list(user.login_sessions.values_list("session_digest", flat=True))
    Session.objects.filter(key_digest__in=digests).delete()
    user.login_sessions.all().delete()
    return len(digests)


@transaction.atomic
def do_disable_account(*, user: User, acting_user: User) -> None:
    if user == acting_user:
        raise AccountError(_("You cannot disable your own account."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = end_all_sessions(user)
    keyring.sync_groups(user, acting_user=acting_user, keychain=None)
    record(
        Action.ACCOUNT_DISABLED,
        actor=acting_user,
        object_type="user",
        object_id=user.pk,
        details={"sessions_ended": ended},
    )


@transaction.atomic
def do_enable_account(*, user: User, acting_user: User) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])
    throttle.clear_account_failures(user)
    record(Action.ACCOUNT_ENABLED, actor=acting_user, object_type="user", object_id=user.pk)
    keyring.sync_groups(user, acting_user=acting_user, keychain=None)
