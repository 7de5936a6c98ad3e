"""Demo data: one staff member per role with a known password and a known TOTP secret.

Only for `make demo`; the command that calls this refuses to run outside demo mode. Later
capabilities add their demo records here, after the staff exist.
"""

import datetime as dt
import hashlib
from base64 import b32encode
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanctuary.accounts.models import GROUP_ROLES, Role, User
from sanctuary.accounts.services import add_totp_device
from sanctuary.cases import services as casework
from sanctuary.intake import services as intake
from sanctuary.keyring import crypto
from sanctuary.keyring import services as keyring
from sanctuary.keyring.models import GroupMembership, Holder


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    roles: tuple[Role, ...]

    @property
    def totp_key_hex(self) -> str:
        return hashlib.sha256(f"sanctuary-demo-totp:{self.username}".encode()).hexdigest()[:40]

    @property
    def totp_secret(self) -> str:
        return b32encode(bytes.fromhex(self.totp_key_hex)).decode()


DEMO_LOGINS = [
    DemoLogin("admin", "demo-admin-passphrase", (Role.ADMIN,)),
    DemoLogin("coordinator", "demo-coordinator-passphrase", (Role.COORDINATOR,)),
    DemoLogin("counselor", "demo-counselor-passphrase", (Role.COUNSELOR,)),
    DemoLogin("lawyer", "demo-lawyer-passphrase", (Role.LAWYER,)),
    DemoLogin("shelter", "demo-shelter-passphrase", (Role.SHELTER_COORDINATOR,)),
    # A second shelter coordinator: tier 2 needs the approval of another coordinator.
    DemoLogin("shelter2", "demo-shelter2-passphrase", (Role.SHELTER_COORDINATOR,)),
    DemoLogin("evidence", "demo-evidence-passphrase", (Role.EVIDENCE_EDITOR,)),
    # A host's portal login, linked to a demo host in Almaty (sanctuary/demo/hosts.py).
    DemoLogin("host", "demo-host-passphrase", (Role.HOST,)),
]


@transaction.atomic
def seed_staff() -> list[DemoLogin]:
    """Creates or resets the demo staff and all their keys; running it twice changes nothing
    that the first run made readable."""
    keypairs: dict[str, crypto.KeyPair] = {}
    for login in DEMO_LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            user = User.objects.create_user(login.username, login.password)
        user.set_password(login.password)
        user.is_active = True
        user.failed_logins = 0
        user.locked_until = None
        user.save()
        user.set_roles([role.value for role in login.roles])
        keypair = _open_keys(user, login.password)
        keypairs[login.username] = keypair or keyring.give_staff_keys(user, login.password)
        # Sealed to the member's key like any enrolled authenticator; `seed_demo` prints the
        # secret now, while it has it in hand.
        TOTPDevice.objects.filter(user=user).delete()
        add_totp_device(user, bytes.fromhex(login.totp_key_hex), name="demo", confirmed=True)
    _seed_groups(keypairs)
    return DEMO_LOGINS


def _open_keys(user: User, password: str) -> crypto.KeyPair | None:
    try:
        return keyring.open_staff_secret(user, password)
    except crypto.KeyringError:
        return None


def _seed_groups(keypairs: dict[str, crypto.KeyPair]) -> None:
    """Every demo member holds their groups' keys. An existing group's secret is recovered from
    a demo member who already holds it; only the demo knows everyone's password."""
    for name, roles in GROUP_ROLES.items():
        members = [login.username for login in DEMO_LOGINS if set(login.roles) & set(roles)]
        holders = [Holder.objects.get(user__username=username) for username in members]
        group = keyring.group_holder(name)
        if group is None:
            keyring.create_group(name, holders)
            continue
        secret = None
        for membership in GroupMembership.objects.filter(group=group, member__in=holders):
            username = membership.member.user.username if membership.member.user else ""
            if username in keypairs:
                secret = crypto.unseal(bytes(membership.sealed_secret), keypairs[username])
                break
        if secret is None:
            group.delete()
            keyring.create_group(name, holders)
            continue
        group_keypair = crypto.KeyPair.from_secret_key(secret.raw)
        for holder in holders:
            keyring.seal_group_secret(group, group_keypair, holder)


# A demo seeker's codename, printed by `make demo` so the mailbox can be tried at once.
DEMO_CODENAME = "amber canyon delta ember falcon garden harbor island"
DEMO_ANSWERS: dict[str, Any] = {
    "situation": {
        "status": "mobilized",
        "location": {"kind": "russia"},
        "documents": {
            "internal_passport": True,
            "international_passport": {"expires": "2029-04-30"},
            "military_id": True,
        },
        "summons": {"kind": "electronic", "date": "2026-11-20"},
        "left_unit_date": None,
        "criminal_case": "none",
        "companions": [],
        "wished_destinations": ["KZ", "GE"],
        "public_activism": False,
        "today": "2026-11-25",
    },
    "on_behalf": False,
    "languages": ["ru"],
    "help_wanted": ["legal", "route", "bed"],
    "story": (
        "Пять дней назад мне пришла электронная повестка. Загранпаспорт действует, хочу "
        "уехать, пока не начал действовать запрет на выезд. Жить за границей негде."
    ),
    "contact_channel": "",
    "contact_handle": "",
}


@transaction.atomic
def seed_case() -> str:
    """One demo case with a reply from the demo coordinator, created once."""
    codename = crypto.normalize_codename(DEMO_CODENAME)
    if intake.find_case(codename) is None:
        case, _codename, _keypair = intake.do_submit_case(DEMO_ANSWERS, codename=codename)
        coordinator = User.objects.get(username="coordinator")
        keypair = keyring.open_staff_secret(coordinator, "demo-coordinator-passphrase")
        assert keypair is not None
        casework.do_staff_reply(
            case,
            body=(
                "Здравствуйте. Не ходите в военкомат. Консультант сегодня напишет вам, какие "
                "маршруты для вас открыты."
            ),
            keychain=keyring.keychain_for(coordinator, keypair),
        )
    return codename


def _situation(status: str, where: str, **extra: Any) -> dict[str, Any]:
    location: dict[str, Any] = (
        {"kind": where}
        if where in ("russia", "occupied")
        else {
            "kind": "abroad",
            "country": where,
        }
    )
    return {
        **DEMO_ANSWERS["situation"],
        "status": status,
        "location": location,
        "summons": None,
        "wished_destinations": [],
        **extra,
    }


@dataclass(frozen=True)
class DemoCase:
    codename: str
    situation: dict[str, Any]
    story: str
    languages: list[str]
    help_wanted: list[str]
    counselor: str = ""  # a demo login, or nobody yet
    stage: str = "new"
    retype: str = ""  # a type the counselor gave the case after intake
    detained: bool = False
    check_in: str = ""  # a check-in due in six hours, with this label
    note: str = ""


# Further demo cases: every case type, at the stages a real caseload holds.
MORE_CASES: list[DemoCase] = [
    DemoCase(
        "polka flipper smart boring chunky cumin ruddy butane",
        _situation("deserter", "russia", left_unit_date="2026-11-10", criminal_case="likely"),
        "Я ушёл из части две недели назад, прячусь у знакомых. Есть только внутренний паспорт.",
        ["ru"],
        ["legal", "route"],
        counselor="counselor",
        stage="counselling",
        note="Внутренний паспорт есть, загранпаспорта нет: смотрим маршруты без него.",
    ),
    DemoCase(
        "jumbo berry core that success chief live creek",
        _situation("abroad", "KZ"),
        "Я в Уральске с вечера, ночевать негде, завтра хочу ехать в Алматы.",
        ["ru", "kk"],
        ["bed", "route"],
        counselor="counselor",
        stage="arrived",
    ),
    DemoCase(
        "swivel cabbage elegy knot canal snap bowl kiss",
        _situation("summons_received", "russia", summons={"kind": "paper", "date": "2026-11-26"}),
        "Пишу за сына: ему вручили повестку, явиться через три дня. Что ему делать?",
        ["ru"],
        ["legal"],
    ),
    DemoCase(
        "weasel soap chief yoyo minute spot comic laptop",
        _situation("civilian", "russia"),
        "Мне 19, весной призыв. Повестки пока нет. Можно ли уехать учиться за границу?",
        ["ru", "en"],
        ["legal", "route"],
        counselor="counselor",
        stage="counselling",
    ),
    DemoCase(
        "speak favor engine exist rely smooth float mutt",
        _situation("contract_soldier", "russia", criminal_case="none"),
        "Контракт подписал в 2021 году, сейчас в отпуске после ранения. Назад не вернусь.",
        ["ru"],
        ["legal", "route", "psychological"],
        counselor="counselor",
        stage="route_chosen",
    ),
    DemoCase(
        "easy replace brave slush gulf wise aerial donkey",
        _situation("mobilized", "russia", summons={"kind": "electronic", "date": "2026-11-22"}),
        "Еду к казахстанской границе на машине друга, будем на переходе ночью.",
        ["ru"],
        ["route", "bed"],
        counselor="counselor",
        stage="in_transit",
        check_in="Пересёк границу и в безопасности",
    ),
    DemoCase(
        "debut bauble clerk flurry ruby fossil clam bobcat",
        _situation("deserter", "AM", left_unit_date="2026-10-02", criminal_case="opened"),
        "Я в Ереване с октября. Вчера у дома стояли люди в форме и спрашивали обо мне.",
        ["ru", "en"],
        ["legal", "bed"],
        counselor="counselor",
        stage="arrived",
        detained=True,
        note="Жена сообщила по телефону: не выходит на связь с утра.",
    ),
    DemoCase(
        "pottery daring sonnet ocean spoon degree ruffle fever",
        _situation("mobilized", "GE"),
        "Я в Тбилиси, подал документы на защиту в Германии через гуманитарную визу.",
        ["ru", "en"],
        ["legal"],
        counselor="counselor",
        stage="application_filed",
        retype="asylum_applicant",
    ),
]


@transaction.atomic
def seed_more_cases() -> int:
    """Cases of every type at realistic stages, most of them held by the demo counselor."""
    from sanctuary.cases.models import CaseFile, CounselorProfile
    from sanctuary.cases.services import (
        do_add_check_in,
        do_add_note,
        do_assign,
        do_change_stage,
        do_set_detained,
    )
    from sanctuary.cases.stages import CaseType, Stage

    coordinator = User.objects.get(username="coordinator")
    keypair = keyring.open_staff_secret(coordinator, "demo-coordinator-passphrase")
    assert keypair is not None
    keychain = keyring.keychain_for(coordinator, keypair)
    counselor = User.objects.get(username="counselor")
    CounselorProfile.objects.get_or_create(
        user=counselor, defaults={"languages": ["en", "kk", "ru"], "countries": ["AM", "KZ"]}
    )
    created = 0
    for demo in MORE_CASES:
        codename = crypto.normalize_codename(demo.codename)
        if intake.find_case(codename) is not None:
            continue
        answers = {
            **DEMO_ANSWERS,
            "situation": demo.situation,
            "story": demo.story,
            "languages": demo.languages,
            "help_wanted": demo.help_wanted,
            "on_behalf": "за сына" in demo.story,
        }
        case, _codename, _keypair = intake.do_submit_case(answers, codename=codename)
        file = CaseFile.objects.get(case=case)
        if demo.counselor:
            holder = User.objects.get(username=demo.counselor)
            do_assign(file, counselor=holder, keychain=keychain)
        if demo.stage != Stage.NEW or demo.retype:
            do_change_stage(
                file,
                stage=Stage(demo.stage),
                case_type=CaseType(demo.retype or file.case_type),
                acting_user=coordinator,
            )
        if demo.note:
            do_add_note(case, body=demo.note, keychain=keychain)
        if demo.check_in:
            due = timezone.now() + dt.timedelta(hours=6)
            do_add_check_in(case, label=demo.check_in, due_at=due, keychain=keychain)
        if demo.detained:
            do_set_detained(file, detained=True, acting_user=coordinator)
        created += 1
    return created
