from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from sanctuary.accounts.models import Invitation, Role, User
from sanctuary.audit.models import Action, AuditEntry


class InviteAdminTestCase(TestCase):
    def test_it_prints_a_link_that_makes_an_admin(self) -> None:
        out = StringIO()
        call_command("invite_admin", stdout=out)
        link = out.getvalue().strip()
        self.assertTrue(link.startswith("http://127.0.0.1:8000/ru/staff/invitation/"))
        invitation = Invitation.objects.get()
        self.assertIsNone(invitation.created_by)
        self.assertEqual(invitation.roles, [Role.ADMIN.value])
        password = "seven quiet lanterns of the north"
        path = link.removeprefix("http://127.0.0.1:8000")
        self.client.post(
            path, {"username": "root", "password": password, "password_again": password}
        )
        self.assertTrue(User.objects.get(username="root").has_role(Role.ADMIN))
        created = AuditEntry.objects.get(action=Action.INVITATION_CREATED)
        self.assertIsNone(created.actor_id)
