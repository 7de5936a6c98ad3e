"""The seeker's side of the case: his codename, and the key it gives him. The case itself and
every write to it are casework's (sanctuary.cases.services); none writes content to the audit
log."""

from typing import Any

from django.utils.translation import get_language

from sanctuary.cases.models import Case
from sanctuary.cases.services import do_open_case
from sanctuary.keyring import codenames, crypto
from sanctuary.keyring.models import SealedKey
from sanctuary.keyring.services import seeker_pepper


def do_submit_case(
    answers: dict[str, Any], *, codename: str | None = None
) -> tuple[Case, str, crypto.KeyPair]:
    """A new case readable by the intake group and by the seeker, and his codename, which is
    shown once and stored nowhere: Russian words on Russian and Ukrainian pages, English ones
    on the others. Only the demo passes a codename of its own."""
    codename = codename or crypto.new_codename(codenames.list_for_language(get_language()))
    derived = crypto.derive_seeker_keys(codename, seeker_pepper())
    case = do_open_case(
        answers, lookup_id=derived.lookup_id.hex(), seeker_key=derived.keypair.public_key
    )
    return case, codename, derived.keypair


def find_case(codename: str) -> tuple[Case, crypto.KeyPair] | None:
    """The case a codename opens, or None. Raises MalformedCodename for text that is not one.
    The key derivation reads the codename's canonical form (codenames.normalize), so every
    spelling that form forgives opens the same case."""
    derived = crypto.derive_seeker_keys(codename, seeker_pepper())
    case = Case.objects.filter(lookup_id=derived.lookup_id.hex()).first()
    return (case, derived.keypair) if case else None


def case_key(case: Case, keypair: crypto.KeyPair) -> crypto.DataKey:
    """The case's data key, from the copy sealed to the seeker."""
    copy = SealedKey.objects.for_record(case).get(holder=case.seeker)
    return crypto.unseal(bytes(copy.sealed), keypair)
