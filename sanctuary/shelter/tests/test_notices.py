"""The host hears that a proposal waits for him; the coordinator who approved it hears that
the host answered. Each notice names its kind and links to a page, nothing more."""

from sanctuary.accounts.models import Role
from sanctuary.notices.models import Kind, Notice
from sanctuary.shelter import services
from sanctuary.shelter.models import Proposal
from sanctuary.shelter.tests.factories import (
    CANARY_ADDRESS,
    approved,
    assign,
    keychain,
    make_case,
    make_host_user,
    make_offer,
    make_request,
)
from sanctuary.test import BaseTestCase, make_staff


class ShelterNoticesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sheila = make_staff("sheila", Role.SHELTER_COORDINATOR)
        self.hans, host = make_host_user("hans")
        make_offer(host, beds=2)
        file = make_case()
        self.log_in(self.charlie)
        assign(self.client, file, self.bob)
        self.request = make_request(file)

    def notices(self, kind: Kind) -> list[Notice]:
        return list(Notice.objects.filter(kind=kind))

    def test_it_tells_the_host_a_proposal_waits_only_once_approved(self) -> None:
        services.do_run_matcher(self.sheila)
        self.assertEqual(self.notices(Kind.PROPOSAL_WAITING), [])
        approved(self.request, self.sheila)
        [notice] = self.notices(Kind.PROPOSAL_WAITING)
        self.assertEqual(notice.recipient, self.hans)
        self.assertEqual(notice.path, "/staff/shelter/host/")
        self.assertNotIn(CANARY_ADDRESS, notice.path)

    def test_it_tells_the_approver_that_the_host_answered(self) -> None:
        proposal = approved(self.request, self.sheila)
        services.do_host_accept(proposal, keychain=keychain(self.hans))
        [notice] = self.notices(Kind.HOST_ANSWERED)
        self.assertEqual(notice.recipient, self.sheila)

    def test_it_tells_the_approver_of_a_refusal_too(self) -> None:
        proposal = approved(self.request, self.sheila)
        services.do_host_decline(proposal, acting_user=self.hans)
        self.assertEqual(Proposal.objects.get(pk=proposal.pk).status, Proposal.Status.DECLINED)
        [notice] = self.notices(Kind.HOST_ANSWERED)
        self.assertEqual(notice.recipient, self.sheila)
