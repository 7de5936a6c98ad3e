"""English and Russian texts for every message code the engine and the knowledge base emit.

Advice carries codes and params, never prose, so the same advice renders in either language.
Numbers are written with abbreviations ("дн.", "лет") to avoid Russian plural forms.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

LANGUAGES = ("en", "ru")

MESSAGES: dict[str, dict[str, str]] = {
    # Reasons attached to an option
    "entry_allowed": {
        "en": "Entry is allowed with the {document}.",
        "ru": "Въезд разрешён по документу: {document}.",
    },
    "entry_closed": {
        "en": "The border is closed to crossings by {mode}.",
        "ru": "Граница закрыта для пересечения ({mode}).",
    },
    "missing_document": {
        "en": "You need a valid {document}, which you do not have.",
        "ru": "Нужен действующий документ ({document}), которого у вас нет.",
    },
    "passport_validity_short": {
        "en": "The passport must stay valid for at least {days} days after arrival.",
        "ru": "Паспорт должен быть действителен ещё не менее {days} дн. после въезда.",
    },
    "visa_required": {
        "en": "A visa is required, and visas for Russians are issued restrictively.",
        "ru": "Нужна виза, а визы россиянам выдают с большими ограничениями.",
    },
    "child_needs_document": {
        "en": "Each child under 14 needs a {document}; at least one of yours does not have it.",
        "ru": "Каждому ребёнку до 14 лет нужен документ ({document}); у кого-то из ваших детей "
        "его нет.",
    },
    "child_document_ok": {
        "en": "Children under 14 travel with a {document}; yours have it.",
        "ru": "Дети до 14 лет едут по документу ({document}); у ваших детей он есть.",
    },
    "stay_days_in_period": {
        "en": "You may stay up to {days} days in any {per_days}.",
        "ru": "Можно находиться до {days} дн. из каждых {per_days}.",
    },
    "stay_days": {
        "en": "You may stay up to {days} days.",
        "ru": "Можно находиться до {days} дн.",
    },
    "stay_unlimited": {
        "en": "There is no time limit on a visa-free stay.",
        "ru": "Срок безвизового пребывания не ограничен.",
    },
    "registration": {
        "en": "You must register your address within {days} days.",
        "ru": "Адрес нужно зарегистрировать в течение {days} дн.",
    },
    "no_stay_fact": {
        "en": "We have no verified fact on how long you may stay.",
        "ru": "У нас нет проверенных сведений о том, сколько можно там находиться.",
    },
    "protection": {
        "en": "Protection ({kind}): the outlook is {outlook}.",
        "ru": "Защита ({kind}): шансы {outlook}.",
    },
    "relies_on_unconfirmed": {
        "en": "{count} of the facts behind this option are disputed or still to be verified.",
        "ru": "Сведения, на которых основан вариант, спорны или не проверены (фактов: {count}).",
    },
    "relies_on_changed": {
        "en": "{count} of the facts behind this option describe rules that have changed.",
        "ru": "Часть сведений описывает правила, которые менялись (фактов: {count}).",
    },
    # Risks attached to an option
    "risk_handover": {
        "en": "People in your situation have been handed over to Russia.",
        "ru": "Людей в вашем положении уже передавали России.",
    },
    "risk_russian_control": {
        "en": "This territory is under de facto Russian control and gives no refuge.",
        "ru": "Эта территория фактически под контролем России и укрытием не является.",
    },
    "risk_extradition": {
        "en": "You may be extradited to Russia.",
        "ru": "Вас могут экстрадировать в Россию.",
    },
    "risk_abduction": {
        "en": "Russian personnel have seized people like you there and taken them to Russia.",
        "ru": "Российские военные уже задерживали там таких людей и вывозили в Россию.",
    },
    "risk_deportation": {
        "en": "You may be deported to Russia.",
        "ru": "Вас могут депортировать в Россию.",
    },
    "risk_expulsion": {
        "en": "You may be ordered to leave the country.",
        "ru": "Вам могут приказать покинуть страну.",
    },
    "risk_detention": {
        "en": "You may be detained there.",
        "ru": "Вас могут задержать.",
    },
    "risk_refusal_at_border": {
        "en": "You may be refused a visa or turned back at the border.",
        "ru": "Вам могут отказать в визе или не пустить на границе.",
    },
    "risk_entry_ban": {
        "en": "You may be on an entry ban list.",
        "ru": "Вы можете оказаться в списке запрета на въезд.",
    },
    "risk_trap": {
        "en": "With a criminal case you may be unable to leave again.",
        "ru": "С уголовным делом вас могут не выпустить оттуда дальше.",
    },
    "risk_exit_ban": {
        "en": "Russian border guards will stop you from leaving.",
        "ru": "Российские пограничники не выпустят вас из страны.",
    },
    # Warnings about the whole situation
    "document_invalidated": {
        "en": "Your {document} is cancelled or must be surrendered; do not rely on it.",
        "ru": "Ваш документ ({document}) аннулирован или подлежит сдаче; не рассчитывайте на него.",
    },
    "passport_expired": {
        "en": "Your foreign-travel passport expired on {date}.",
        "ru": "Срок вашего загранпаспорта истёк {date}.",
    },
    "current_country_unsafe": {
        "en": "Where you are now ({country}) is not safe for you.",
        "ru": "Там, где вы сейчас ({country}), для вас небезопасно.",
    },
    "stale_facts": {
        "en": "{count} facts behind this advice were last checked more than {days} days ago.",
        "ru": "Часть сведений (фактов: {count}) проверялась больше {days} дн. назад.",
    },
    "no_safe_option": {
        "en": "No route is safe for you right now; talk to a counselor before you move.",
        "ru": "Безопасного маршрута для вас сейчас нет; поговорите с консультантом, прежде чем "
        "ехать.",
    },
    "captivity_no_routes": {
        "en": "Routes cannot be planned from captivity; a counselor will look at your case.",
        "ru": "Из плена маршрут спланировать нельзя; консультант разберёт ваш случай.",
    },
    "exit_ban_after_summons": {
        "en": "Once a summons is served you may not leave Russia until you report.",
        "ru": "После вручения повестки выезд из России запрещён до явки.",
    },
    "exit_ban_from_sending": {
        "en": "The exit ban starts the day a summons enters the register, even unread.",
        "ru": "Запрет выезда действует со дня внесения повестки в реестр, даже если вы её не "
        "видели.",
    },
    "draft_points_at_border": {
        "en": "Draft officers work at land crossings; men may be stopped there.",
        "ru": "На сухопутных пунктах пропуска работают военкоматы; мужчин могут задержать.",
    },
    "trapped_by_wanted_list": {
        "en": "Wanted people are stopped at this country's border; leaving may get you arrested.",
        "ru": "Разыскиваемых задерживают на границе этой страны; при выезде вас могут арестовать.",
    },
    "restrictions_after_20_days": {
        "en": "After 20 days without reporting, bans on driving, property deals and loans apply.",
        "ru": "Через 20 дней неявки вводятся запреты на вождение, сделки с жильём и кредиты.",
    },
    "electronic_register": {
        "en": "Summonses now arrive through the electronic register with an instant exit ban.",
        "ru": "Повестки теперь приходят через электронный реестр с мгновенным запретом выезда.",
    },
    "servicemen_without_passport": {
        "en": "Without a foreign-travel passport only internal-passport countries are open.",
        "ru": "Без загранпаспорта доступны только страны, куда пускают по внутреннему паспорту.",
    },
    "wartime_aggravation": {
        "en": "Military crimes committed during mobilisation or hostilities carry harsher terms.",
        "ru": "Воинские преступления в период мобилизации или боевых действий наказываются строже.",
    },
    "exposure_evasion": {
        "en": "Evading conscription (Article {article}) carries up to {max_years} years.",
        "ru": "Уклонение от призыва (статья {article}) грозит сроком до {max_years} лет.",
    },
    "exposure_refusing_orders": {
        "en": "Refusing orders or combat carries {min_years} to {max_years} years.",
        "ru": "Отказ выполнять приказ или участвовать в боях грозит сроком от {min_years} до "
        "{max_years} лет.",
    },
    "exposure_leaving_unit": {
        "en": "Leaving your unit is a crime punishable by up to {max_years} years.",
        "ru": "Оставление части - преступление, грозит сроком до {max_years} лет.",
    },
    "exposure_awol": {
        "en": "Your absence falls under Article 337 part {part}: up to {max_years} years.",
        "ru": "Ваше отсутствие подпадает под часть {part} статьи 337: до {max_years} лет.",
    },
    "exposure_desertion": {
        "en": "If charged with desertion you face {min_years} to {max_years} years.",
        "ru": "За дезертирство грозит от {min_years} до {max_years} лет.",
    },
    "exposure_surrender": {
        "en": "Voluntary surrender carries {min_years} to {max_years} years in Russia.",
        "ru": "Добровольная сдача в плен грозит в России сроком от {min_years} до {max_years} лет.",
    },
    "mobilisation_not_ended": {
        "en": "Mobilisation has never formally ended, so wartime penalties still apply.",
        "ru": "Мобилизация формально не завершена, поэтому действуют наказания военного времени.",
    },
    "alternative_service": {
        "en": "You may apply for alternative civilian service (21 months) instead of the army.",
        "ru": "Вместо армии можно подать заявление на альтернативную гражданскую службу "
        "(21 месяц).",
    },
    "alternative_service_mobilized": {
        "en": "A court challenge citing the right to alternative service exists but rarely wins.",
        "ru": "Можно оспорить мобилизацию в суде, ссылаясь на право на АГС, но это редко удаётся.",
    },
    "interpol_military_offences": {
        "en": "Interpol refuses notices for purely military offences, but CIS wanted lists differ.",
        "ru": "Интерпол не объявляет в розыск за чисто воинские преступления, но розыск СНГ "
        "работает иначе.",
    },
}

VOCABULARY: dict[str, dict[str, str]] = {
    "internal_passport": {"en": "internal passport", "ru": "внутренний паспорт"},
    "international_passport": {"en": "foreign-travel passport", "ru": "загранпаспорт"},
    "birth_certificate": {"en": "birth certificate", "ru": "свидетельство о рождении"},
    "land": {"en": "land", "ru": "по суше"},
    "air": {"en": "air", "ru": "по воздуху"},
    "asylum": {"en": "asylum", "ru": "убежище"},
    "humanitarian_visa": {"en": "humanitarian visa", "ru": "гуманитарная виза"},
    "residence_permit": {"en": "residence permit", "ru": "вид на жительство"},
    "good": {"en": "good", "ru": "хорошие"},
    "limited": {"en": "limited", "ru": "ограниченные"},
    "poor": {"en": "poor", "ru": "плохие"},
}


def placeholders(template: str) -> frozenset[str]:
    return frozenset(
        name for _, name, _, _ in string.Formatter().parse(template) if name is not None
    )


def render(
    code: str,
    params: Mapping[str, str | int],
    lang: str,
    place_names: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """The text for ``code`` in ``lang``; enum values and place ids are translated too."""
    template = MESSAGES[code][lang]
    names = place_names or {}
    shown: dict[str, str | int] = {}
    for key, value in params.items():
        if isinstance(value, str) and value in VOCABULARY:
            shown[key] = VOCABULARY[value][lang]
        elif isinstance(value, str) and value in names:
            shown[key] = names[value][lang]
        else:
            shown[key] = value
    return template.format(**shown)
