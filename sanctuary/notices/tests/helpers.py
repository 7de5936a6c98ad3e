from django.test import Client
from django.urls import reverse

from sanctuary.accounts.models import User
from sanctuary.notices.models import NoticeChannel
from sanctuary.notices.services import do_add_channel


def add_email(user: User, address: str) -> NoticeChannel:
    channel, _secret = do_add_channel(user, type=NoticeChannel.Type.EMAIL, address=address)
    return channel


def seeker_writes(seeker: Client, body: str) -> None:
    from sanctuary.intake.tests.helpers import token_in

    page = seeker.get(reverse("intake:mailbox")).content.decode()
    response = seeker.post(reverse("intake:mailbox"), {"body": body, "form_token": token_in(page)})
    assert response.status_code == 302, response.content
