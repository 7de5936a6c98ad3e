from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanctuary.accounts import services, throttle
from sanctuary.accounts.access import (
    acting_user,
    get_invitation_for_user,
    get_person_for_user,
    signed_in,
    staff_only,
)
from sanctuary.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    EnrolForm,
    InvitationForm,
    LoginForm,
    NewPasswordForm,
    RolesForm,
    TokenForm,
)
from sanctuary.accounts.models import Invitation, Role, User
from sanctuary.accounts.sessions import CLEAR_SITE_DATA
from sanctuary.keyring import session as keyring_session


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("accounts:home")


def login_view(request: HttpRequest) -> HttpResponse:
    if isinstance(request.user, User):
        return redirect(_next_url(request))
    form = LoginForm(request.POST if request.method == "POST" else None)
    ticket = None
    if request.method == "POST":
        # The form's single-use ticket follows this browser from one try to the next, so its
        # failures slow it and nobody else (accounts/throttle.py).
        ticket = throttle.redeem_login_ticket(request.POST.get("attempt", ""))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.authenticate_staff(
                request, form.cleaned_data["username"], form.cleaned_data["password"], ticket
            )
        except services.LoginRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            services.do_login(request, user, form.cleaned_data["password"])
            target = "accounts:verify" if user.has_second_factor() else "accounts:enrol"
            return redirect(f"{reverse(target)}?{urlencode({'next': _next_url(request)})}")
    context = {
        "form": form,
        "next": _next_url(request),
        "attempt": throttle.login_ticket(ticket.chain if ticket else None),
    }
    return render(request, "accounts/login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """The browser is asked to forget this site's cookies, cache and storage. It clears them
    after storing the cookies of this very response, so the notice cannot ride in the session:
    the next page says it."""
    services.do_logout(request)
    response = redirect("accounts:logged_out")
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


def logged_out(request: HttpRequest) -> HttpResponse:
    if isinstance(request.user, User):
        return redirect("accounts:home")
    context = {"form": LoginForm(), "next": reverse("accounts:home"), "logged_out": True}
    return render(request, "accounts/login.html", context)


def _qr_svg(uri: str) -> str:
    # Rendered here, inline: the secret never leaves our server for a QR service.
    return str(segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff"))


def enrol(request: HttpRequest) -> HttpResponse:
    if not isinstance(request.user, User):
        return redirect("accounts:login")
    user = request.user
    if keyring_session.second_factor_passed(request) or user.has_second_factor():
        return redirect("accounts:home")
    try:
        device = services.new_totp_device(user)
    except services.AccountError as error:
        return render(request, "accounts/enrol.html", {"keys_missing": str(error)})
    # The secret is sealed to the person's own key: the password step opened it for this session.
    secret = services.totp_secret(device, keyring_session.own_keypair(request))
    if secret is None:
        missing = _("Your keys are not open in this session. Log out and log in again.")
        return render(request, "accounts/enrol.html", {"keys_missing": missing})
    form = EnrolForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = services.do_confirm_totp(request, user=user, token=form.cleaned_data["token"])
        if codes is not None:
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request), "first_time": True},
            )
        form.add_error("token", _("That code did not match. Check your phone's clock and retry."))
    context = {
        "form": form,
        "qr": mark_safe(_qr_svg(services.totp_uri(device, secret))),  # noqa: S308  # nosec B308 B703  # segno's SVG
        "secret": b32encode(secret).decode().rstrip("="),
        "next": _next_url(request),
    }
    return render(request, "accounts/enrol.html", context)


def verify(request: HttpRequest) -> HttpResponse:
    if not isinstance(request.user, User):
        return redirect("accounts:login")
    if keyring_session.second_factor_passed(request):
        return redirect(_next_url(request))
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        if services.do_verify_second_factor(request, user=user, token=form.cleaned_data["token"]):
            return redirect(_next_url(request))
        if keyring_session.own_keypair(request) is None:
            form.add_error(
                "token", _("Your keys are not open in this session. Log out and log in again.")
            )
        else:
            form.add_error("token", _("That code is not valid. Try the newest code from your app."))
    return render(request, "accounts/verify.html", {"form": form, "next": _next_url(request)})


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    codes_left = user.recovery_codes.filter(used_at__isnull=True).count()
    return render(request, "accounts/home.html", {"codes_left": codes_left})


@signed_in
@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = services.do_issue_recovery_codes(user=acting_user(request))
    context = {"codes": codes, "next": reverse("accounts:home"), "first_time": False}
    return render(request, "accounts/recovery_codes.html", context)


@staff_only(Role.ADMIN)
def invitations(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST if request.method == "POST" else None)
    created_link = None
    if request.method == "POST" and form.is_valid():
        _invitation, token = services.do_create_invitation(
            roles=form.cleaned_data["roles"], acting_user=acting_user(request)
        )
        created_link = request.build_absolute_uri(reverse("accounts:accept", args=[token]))
        form = InvitationForm()
    context = {
        "form": form,
        "created_link": created_link,
        "invitations": Invitation.objects.select_related("created_by", "used_by")[:100],
    }
    return render(request, "accounts/invitations.html", context)


@staff_only(Role.ADMIN)
@require_POST
def revoke_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    invitation = get_invitation_for_user(user, pk)
    if invitation.is_open():
        services.do_revoke_invitation(invitation=invitation, acting_user=user)
        messages.success(request, _("The invitation was revoked."))
    return redirect("accounts:invitations")


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.find_open_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    if invitation.for_user is not None:
        return _accept_reset(request, token, invitation.for_user)
    form = AcceptInvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_accept_invitation(
                token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except services.AccountError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Your account is ready. Log in to set up your second factor.")
            )
            return redirect("accounts:login")
    return render(request, "accounts/accept.html", {"form": form})


def _accept_reset(request: HttpRequest, token: str, subject: User) -> HttpResponse:
    form = NewPasswordForm(request.POST if request.method == "POST" else None, user=subject)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_accept_reset(token=token, password=form.cleaned_data["password"])
        except services.AccountError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Your new password is set. Log in to set up your second factor.")
            )
            return redirect("accounts:login")
    return render(request, "accounts/reset.html", {"form": form, "subject": subject})


@signed_in
def change_password(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = ChangePasswordForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_change_password(
                request,
                user=user,
                old=form.cleaned_data["current"],
                new=form.cleaned_data["password"],
            )
        except services.AccountError as error:
            form.add_error("current", str(error))
        else:
            messages.success(request, _("Your password is changed."))
            return redirect("accounts:home")
    return render(request, "accounts/change_password.html", {"form": form})


@staff_only(Role.ADMIN)
@require_POST
def reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    subject = get_person_for_user(user, pk)
    try:
        lost, token = services.do_reset_password(user=subject, acting_user=user)
    except services.AccountError as error:
        messages.error(request, str(error))
        return redirect("accounts:person", pk=subject.pk)
    link = request.build_absolute_uri(reverse("accounts:accept", args=[token]))
    context = {"subject": subject, "form": RolesForm(initial={"roles": sorted(subject.roles)})}
    return render(request, "accounts/person.html", {**context, "reset_link": link, "lost": lost})


@staff_only(Role.ADMIN)
def people(request: HttpRequest) -> HttpResponse:
    users = User.objects.prefetch_related("role_rows")
    return render(request, "accounts/people.html", {"people": users})


@staff_only(Role.ADMIN)
def person(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    subject = get_person_for_user(user, pk)
    form = RolesForm(
        request.POST if request.method == "POST" else None, initial={"roles": sorted(subject.roles)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.do_set_roles(
                user=subject,
                roles=form.cleaned_data["roles"],
                acting_user=user,
                keychain=keyring_session.keychain(request),
            )
        except services.AccountError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Roles saved."))
            return redirect("accounts:person", pk=subject.pk)
    return render(request, "accounts/person.html", {"subject": subject, "form": form})


@staff_only(Role.ADMIN)
@require_POST
def set_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    subject = get_person_for_user(user, pk)
    try:
        if request.POST.get("active") == "1":
            services.do_enable_account(user=subject, acting_user=user)
            messages.success(request, _("The account is enabled."))
        else:
            services.do_disable_account(user=subject, acting_user=user)
            messages.success(request, _("The account is disabled and its sessions ended."))
    except services.AccountError as error:
        messages.error(request, str(error))
    return redirect("accounts:person", pk=subject.pk)
