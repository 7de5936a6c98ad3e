"""The emergency checklist a network starts with. Each network edits it (staff/cases/checklists/)
and fills in its own lawyers' and partners' contacts; none are shipped here."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

STEPS: list[tuple[str, int, str, str, str]] = [
    (
        "",
        10,
        "action",
        "Write down what is known: who raised the alarm, when he was last in contact, where he "
        "was (police station, border post, airport, military base) and what he was told.",
        "Запишите, что известно: кто поднял тревогу, когда он последний раз выходил на связь, "
        "где он был (отделение полиции, пограничный пост, аэропорт, военная база) и что ему "
        "сказали.",
    ),
    (
        "",
        20,
        "lawyer",
        "Call the network's duty lawyer for the country where he was detained. Give the place "
        "and the time; do not send case details through an open messenger.",
        "Позвоните дежурному юристу сети в стране, где его задержали. Сообщите место и время; "
        "не пересылайте подробности дела через открытый мессенджер.",
    ),
    (
        "",
        30,
        "action",
        "If there is a risk of handover to Russia (extradition, deportation or removal by "
        "force), ask the lawyer at once about urgent international measures: in a Council of "
        "Europe state, interim measures of the European Court of Human Rights (Rule 39); "
        "elsewhere, a request to the UN Human Rights Committee.",
        "Если есть риск передачи в Россию (экстрадиция, депортация или вывоз силой), сразу "
        "спросите юриста о срочных международных мерах: в государстве Совета Европы — "
        "обеспечительные меры Европейского суда по правам человека (правило 39); в других "
        "странах — обращение в Комитет ООН по правам человека.",
    ),
    (
        "",
        40,
        "partner",
        "If he has applied for asylum or means to, inform the UNHCR office in the country.",
        "Если он подал или собирается подать на убежище, сообщите в офис УВКБ ООН в стране.",
    ),
    (
        "",
        50,
        "call",
        "Call the person who raised the alarm back: agree on one channel and a time for the "
        "next contact.",
        "Перезвоните тому, кто поднял тревогу: договоритесь об одном канале связи и о времени "
        "следующего разговора.",
    ),
    (
        "",
        60,
        "action",
        "Record every step in a case note with the time: whom you called and what they said.",
        "Записывайте каждый шаг в заметку по делу со временем: кому звонили и что ответили.",
    ),
    (
        "AM",
        10,
        "action",
        "In Armenia, deserters have been seized by Russian military police and held at the "
        "102nd base in Gyumri before being taken to Russia: if he was in or near Gyumri, tell "
        "the lawyer at once.",
        "В Армении дезертиров задерживала российская военная полиция и держала на 102-й базе "
        "в Гюмри перед вывозом в Россию: если он был в Гюмри или рядом, сразу скажите юристу.",
    ),
    (
        "AM",
        20,
        "partner",
        "Helsinki Citizens' Assembly–Vanadzor acted locally in earlier rendition cases: ask "
        "them for help.",
        "Хельсинкская гражданская ассамблея — Ванадзор помогала на месте в прежних случаях "
        "вывоза: попросите их о помощи.",
    ),
    (
        "KZ",
        10,
        "action",
        "Kazakhstan has said it extradites only people charged with acts that are crimes in "
        "Kazakhstan too, yet it has deported a man while his asylum appeal ran: ask the lawyer "
        "to check at once for an extradition request or a deportation order.",
        "Казахстан заявлял, что выдаёт только обвиняемых в деяниях, которые преступны и в "
        "Казахстане, но депортировал человека, пока шло обжалование отказа в убежище: "
        "попросите юриста сразу проверить, нет ли запроса об экстрадиции или решения о "
        "депортации.",
    ),
    (
        "RU",
        10,
        "partner",
        "OVD-Info runs a hotline and a Telegram bot for people detained in Russia; its lawyers "
        "go to police stations and courts.",
        "У ОВД-Инфо есть горячая линия и телеграм-бот для задержанных в России; их юристы "
        "приходят в отделения полиции и в суды.",
    ),
    (
        "RU",
        20,
        "action",
        "Contact with organisations Russia calls 'foreign agents' or 'undesirable' can itself "
        "be prosecuted: relatives in Russia should reach you only through a safe channel.",
        "Сам контакт с организациями, которые Россия объявила «иноагентами» или "
        "«нежелательными», может стать поводом для преследования: родственники в России "
        "должны связываться с вами только по безопасному каналу.",
    ),
]


def add_steps(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    item = apps.get_model("cases", "ChecklistItem")
    for country, position, kind, text_en, text_ru in STEPS:
        item.objects.create(
            country=country, position=position, kind=kind, text_en=text_en, text_ru=text_ru
        )


def remove_steps(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("cases", "ChecklistItem").objects.filter(updated_by=None).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_emergency_checklist")]

    operations = [migrations.RunPython(add_steps, remove_steps)]
