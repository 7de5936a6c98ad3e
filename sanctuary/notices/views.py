"""A person's own notices and where they go. Nobody sees another person's notices or
channels: a channel that is not yours answers 404 as a missing one does."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanctuary.accounts.access import acting_user, signed_in
from sanctuary.notices import services
from sanctuary.notices.forms import ChannelForm, ModesForm
from sanctuary.notices.models import NoticeChannel


@signed_in
def notices(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    rows = user.notices.select_related("channel").order_by("-created_at")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    undelivered = user.notices.filter(sent_at__isnull=True, attempts__gt=0).count()
    return render(
        request,
        "notices/list.html",
        {"page": page, "undelivered": undelivered, "has_channels": user.notice_channels.exists()},
    )


def _channels(request: HttpRequest) -> list[dict[str, object]]:
    user = acting_user(request)
    return [
        {"channel": channel, "address": services.address_of(channel)}
        for channel in user.notice_channels.all()
    ]


@signed_in
def settings_page(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = ModesForm(request.POST or None, initial=services.modes_of(user))
    if request.method == "POST" and form.is_valid():
        services.do_save_modes(user, form.cleaned_data)
        messages.success(request, _("Your notice settings are saved."))
        return redirect("notices:settings")
    return render(
        request,
        "notices/settings.html",
        {"form": form, "channel_form": ChannelForm(), "channels": _channels(request)},
    )


@require_POST
@signed_in
def add_channel(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    channel_form = ChannelForm(request.POST)
    if not channel_form.is_valid():
        form = ModesForm(initial=services.modes_of(user))
        context = {"form": form, "channel_form": channel_form, "channels": _channels(request)}
        return render(request, "notices/settings.html", context)
    _channel, secret = services.do_add_channel(
        user,
        type=channel_form.cleaned_data["type"],
        address=channel_form.cleaned_data["address"],
        public_key=channel_form.cleaned_data["public_key"],
    )
    if secret:
        messages.success(
            request,
            _(
                "Webhook added. Its signing secret is shown only now: %(secret)s. Each request "
                "carries the header X-Sanctuary-Signature: sha256= and the HMAC-SHA256 of its "
                "body under this secret."
            )
            % {"secret": secret},
        )
    else:
        messages.success(request, _("Channel added."))
    return redirect("notices:settings")


@require_POST
@signed_in
def remove_channel(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    channel = get_object_or_404(NoticeChannel, pk=pk, user=user)
    services.do_remove_channel(channel, acting_user=user)
    messages.success(request, _("Channel removed."))
    return redirect("notices:settings")
