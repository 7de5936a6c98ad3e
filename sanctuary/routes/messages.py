"""English, Russian and Ukrainian texts for every message code the engine and the data emit.

Advice carries codes and params, never prose, so the same advice renders in any language.
Older texts write numbers with abbreviations ("дн."); newer ones choose the plural form with
``{days:день|дня|дней}`` (one, few, many in Russian and Ukrainian; one, other in English).
"""

from __future__ import annotations

import string
from collections.abc import Mapping

LANGUAGES = ("en", "ru", "uk")

MESSAGES: dict[str, dict[str, str]] = {
    # Reasons attached to an option
    "entry_allowed": {
        "en": "Entry is allowed with the {document}.",
        "ru": "Въезд разрешён по документу: {document}.",
        "uk": "В'їзд дозволено за документом: {document}.",
    },
    "entry_closed": {
        "en": "The border is closed to crossings by {mode}.",
        "ru": "Граница закрыта для пересечения ({mode}).",
        "uk": "Кордон закритий для перетину ({mode}).",
    },
    "missing_document": {
        "en": "You need a valid {document}, which you do not have.",
        "ru": "Нужен действующий документ ({document}), которого у вас нет.",
        "uk": "Потрібен чинний документ ({document}), якого у вас немає.",
    },
    "passport_validity_short": {
        "en": "The passport must stay valid for at least {days} {days:day|days} after arrival.",
        "ru": "Паспорт должен быть действителен ещё не менее {days} {days:дня|дней|дней} "
        "после въезда.",
        "uk": "Паспорт має бути чинним ще щонайменше {days} {days:дня|днів|днів} після в'їзду.",
    },
    "visa_required": {
        "en": "A visa is required, and visas for Russians are issued restrictively.",
        "ru": "Нужна виза, а визы россиянам выдают с большими ограничениями.",
        "uk": "Потрібна віза, а візи росіянам видають з великими обмеженнями.",
    },
    "child_needs_document": {
        "en": "Each child under 14 needs a {document}; at least one of yours does not have it.",
        "ru": "Каждому ребёнку до 14 лет нужен документ ({document}); у кого-то из ваших детей "
        "его нет.",
        "uk": "Кожній дитині до 14 років потрібен документ ({document}); у когось із ваших дітей "
        "його немає.",
    },
    "child_lacks_document": {
        "en": "Each child under 14 needs a {document}; your child aged {age} does not have it.",
        "ru": "Каждому ребёнку до 14 лет нужен документ ({document}), а у вашего ребёнка "
        "{age} {age:года|лет|лет} его нет.",
        "uk": "Кожній дитині до 14 років потрібен документ ({document}), а у вашої дитини "
        "{age} {age:року|років|років} його немає.",
    },
    "companion_needs_document": {
        "en": "Everyone from 14 travels on their own document: the person with you aged {age} "
        "needs a {document} for this route and does not have one.",
        "ru": "С 14 лет каждый едет по своему документу: вашему спутнику {age} "
        "{age:года|лет|лет} на этом маршруте нужен документ ({document}), а его нет.",
        "uk": "З 14 років кожен їде за своїм документом: вашому супутнику {age} "
        "{age:року|років|років} на цьому маршруті потрібен документ ({document}), а його немає.",
    },
    "companion_documents_unknown": {
        "en": "You have not said whether the person with you aged {age} has an internal passport: "
        "without one they cannot take this route unless they have a foreign-travel passport.",
        "ru": "Вы не указали, есть ли у вашего спутника {age} {age:года|лет|лет} внутренний "
        "паспорт: без него, если нет загранпаспорта, этим маршрутом не проехать.",
        "uk": "Ви не вказали, чи має ваш супутник {age} {age:року|років|років} внутрішній "
        "паспорт: без нього, якщо немає закордонного паспорта, цим маршрутом не проїхати.",
    },
    "no_border_post": {
        "en": "There is no Russian border post on the way to Belarus, so the exit ban does not "
        "stop you at the border. But Belarus receives Russia's list of people barred from "
        "leaving: you would be stopped there when you try to travel on.",
        "ru": "На пути в Беларусь нет российского пункта пропуска, поэтому запрет на выезд не "
        "остановит вас на границе. Но Беларусь получает от России списки тех, кому запрещён "
        "выезд: вас остановят уже там, когда вы попробуете уехать дальше.",
        "uk": "На шляху до Білорусі немає російського пункту пропуску, тому заборона на виїзд не "
        "зупинить вас на кордоні. Але Білорусь отримує від Росії списки тих, кому заборонено "
        "виїзд: вас зупинять уже там, коли ви спробуєте виїхати далі.",
    },
    # One line explaining each verdict
    "why_recommended": {
        "en": "Recommended: you can enter with what you hold, the stay is known, and we know of "
        "no serious risk for you there.",
        "ru": "Рекомендуем: с вашими документами вас впустят, срок пребывания известен, и "
        "серьёзных рисков для вас там мы не знаем.",
        "uk": "Радимо: з вашими документами вас впустять, строк перебування відомий, і "
        "серйозних ризиків для вас там ми не знаємо.",
    },
    "why_possible_risk": {
        "en": "Possible, but with a {level} risk for you: {kind}.",
        "ru": "Возможно, но для вас есть {level} риск: {kind}.",
        "uk": "Можливо, але для вас є {level} ризик: {kind}.",
    },
    "why_possible_visa": {
        "en": "Possible, but only with a visa, which is hard for Russians to get.",
        "ru": "Возможно, но только с визой, а россиянам её получить трудно.",
        "uk": "Можливо, але тільки з візою, а росіянам її отримати важко.",
    },
    "why_possible_children": {
        "en": "Possible, but we do not know which documents your children need on this route.",
        "ru": "Возможно, но мы не знаем, какие документы нужны вашим детям на этом маршруте.",
        "uk": "Можливо, але ми не знаємо, які документи потрібні вашим дітям на цьому маршруті.",
    },
    "why_possible_companions": {
        "en": "Possible, but we do not know whether everyone with you holds a document this "
        "route accepts.",
        "ru": "Возможно, но мы не знаем, у всех ли, кто едет с вами, есть документ, по которому "
        "пускают на этом маршруте.",
        "uk": "Можливо, але ми не знаємо, чи всі, хто їде з вами, мають документ, за яким "
        "пропускають на цьому маршруті.",
    },
    "why_possible_unconfirmed": {
        "en": "Possible, but a fact behind this answer is not confirmed: check it before you go.",
        "ru": "Возможно, но один из фактов, на которых стоит ответ, не подтверждён: перепроверьте "
        "его перед поездкой.",
        "uk": "Можливо, але один із фактів, на яких стоїть відповідь, не підтверджений: "
        "перевірте його перед поїздкою.",
    },
    "why_possible_no_stay": {
        "en": "Possible, but we do not know how long you may stay there.",
        "ru": "Возможно, но мы не знаем, сколько там можно оставаться.",
        "uk": "Можливо, але ми не знаємо, скільки там можна залишатися.",
    },
    "why_unsafe": {
        "en": "Unsafe: for people in your situation there is a documented risk there: {kind}.",
        "ru": "Опасно: для людей в вашем положении там есть задокументированный риск: {kind}.",
        "uk": "Небезпечно: для людей у вашому становищі там є задокументований ризик: {kind}.",
    },
    "why_unsafe_default": {
        "en": "Unsafe: we know of no case, but this country's arrangements with Russia make "
        "{kind} likely for someone in your situation.",
        "ru": "Опасно: случаев мы не знаем, но из-за договорённостей этой страны с Россией "
        "человеку в вашем положении нужно исходить из риска: {kind}.",
        "uk": "Небезпечно: випадків ми не знаємо, але через домовленості цієї країни з Росією "
        "людині у вашому становищі треба виходити з ризику: {kind}.",
    },
    "why_exit_blocked": {
        "en": "Blocked: you are barred from leaving Russia, and the Russian border post will "
        "most likely stop you.",
        "ru": "Закрыто: вам запрещён выезд из России, и на российском пункте пропуска вас, "
        "скорее всего, остановят.",
        "uk": "Закрито: вам заборонено виїзд із Росії, і на російському пункті пропуску вас, "
        "найімовірніше, зупинять.",
    },
    "why_not_possible_closed": {
        "en": "Not possible: the border is closed on this route.",
        "ru": "Невозможно: на этом маршруте граница закрыта.",
        "uk": "Неможливо: на цьому маршруті кордон закритий.",
    },
    "why_not_possible_document": {
        "en": "Not possible: you do not hold a document this route accepts.",
        "ru": "Невозможно: у вас нет документа, по которому пускают на этом маршруте.",
        "uk": "Неможливо: у вас немає документа, за яким пропускають на цьому маршруті.",
    },
    "why_not_possible_passport": {
        "en": "Not possible: your passport does not stay valid long enough.",
        "ru": "Невозможно: ваш паспорт действует недостаточно долго.",
        "uk": "Неможливо: ваш паспорт чинний недостатньо довго.",
    },
    "why_not_possible_child": {
        "en": "Not possible: one of your children lacks the document this route requires.",
        "ru": "Невозможно: у одного из ваших детей нет документа, который нужен на этом маршруте.",
        "uk": "Неможливо: в однієї з ваших дітей немає документа, потрібного на цьому маршруті.",
    },
    "why_not_possible_companion": {
        "en": "Not possible: someone travelling with you lacks a document this route accepts.",
        "ru": "Невозможно: у кого-то из тех, кто едет с вами, нет документа, по которому пускают "
        "на этом маршруте.",
        "uk": "Неможливо: у когось із тих, хто їде з вами, немає документа, за яким пропускають "
        "на цьому маршруті.",
    },
    "child_document_ok": {
        "en": "Children under 14 travel with a {document}; yours have it.",
        "ru": "Дети до 14 лет едут по документу ({document}); у ваших детей он есть.",
        "uk": "Діти до 14 років їдуть за документом ({document}); у ваших дітей він є.",
    },
    "no_child_rule": {
        "en": "We hold no verified rule on the documents children need for this route: check "
        "with a counselor before you travel with them.",
        "ru": "У нас нет проверенного правила о том, какие документы нужны детям на этом "
        "маршруте: прежде чем ехать с ними, уточните у консультанта.",
        "uk": "У нас немає перевіреного правила про те, які документи потрібні дітям на цьому "
        "маршруті: перш ніж їхати з ними, уточніть у консультанта.",
    },
    "stay_days_in_period": {
        "en": "You may stay up to {days} {days:day|days} in any {per_days}.",
        "ru": "Можно находиться до {days} {days:дня|дней|дней} из каждых {per_days}.",
        "uk": "Можна перебувати до {days} {days:дня|днів|днів} з кожних {per_days}.",
    },
    "stay_days": {
        "en": "You may stay up to {days} {days:day|days}.",
        "ru": "Можно находиться до {days} {days:дня|дней|дней}.",
        "uk": "Можна перебувати до {days} {days:дня|днів|днів}.",
    },
    "stay_unlimited": {
        "en": "There is no time limit on a visa-free stay.",
        "ru": "Срок безвизового пребывания не ограничен.",
        "uk": "Строк безвізового перебування не обмежений.",
    },
    "registration": {
        "en": "You must register your address within {days} {days:day|days}.",
        "ru": "Адрес нужно зарегистрировать в течение {days} {days:дня|дней|дней}.",
        "uk": "Адресу треба зареєструвати протягом {days} {days:дня|днів|днів}.",
    },
    "no_stay_fact": {
        "en": "We have no verified fact on how long you may stay.",
        "ru": "У нас нет проверенных сведений о том, сколько можно там находиться.",
        "uk": "У нас немає перевірених відомостей про те, скільки там можна перебувати.",
    },
    "protection": {
        "en": "Protection ({kind}): the outlook is {outlook}.",
        "ru": "Защита ({kind}): шансы {outlook}.",
        "uk": "Захист ({kind}): шанси {outlook}.",
    },
    "relies_on_unconfirmed": {
        "en": "{count} of the facts behind this option are disputed or still to be verified.",
        "ru": "Сведения, на которых основан вариант, спорны или не проверены (фактов: {count}).",
        "uk": "Відомості, на яких ґрунтується варіант, спірні або не перевірені (фактів: {count}).",
    },
    "relies_on_changed": {
        "en": "{count} of the facts behind this option describe rules that have changed.",
        "ru": "Часть сведений описывает правила, которые менялись (фактов: {count}).",
        "uk": "Частина відомостей описує правила, які змінювалися (фактів: {count}).",
    },
    # Risks attached to an option
    "risk_handover": {
        "en": "People in your situation have been handed over to Russia.",
        "ru": "Людей в вашем положении уже передавали России.",
        "uk": "Людей у вашому становищі вже передавали Росії.",
    },
    "risk_russian_control": {
        "en": "This territory is under de facto Russian control and gives no refuge.",
        "ru": "Эта территория фактически под контролем России и укрытием не является.",
        "uk": "Ця територія фактично під контролем Росії і не є прихистком.",
    },
    "risk_extradition": {
        "en": "You may be extradited to Russia.",
        "ru": "Вас могут экстрадировать в Россию.",
        "uk": "Вас можуть екстрадувати до Росії.",
    },
    "risk_abduction": {
        "en": "Russian personnel have seized people like you there and taken them to Russia.",
        "ru": "Российские военные уже задерживали там таких людей и вывозили в Россию.",
        "uk": "Російські військові вже затримували там таких людей і вивозили до Росії.",
    },
    "risk_deportation": {
        "en": "You may be deported to Russia.",
        "ru": "Вас могут депортировать в Россию.",
        "uk": "Вас можуть депортувати до Росії.",
    },
    "risk_expulsion": {
        "en": "You may be ordered to leave the country.",
        "ru": "Вам могут приказать покинуть страну.",
        "uk": "Вам можуть наказати залишити країну.",
    },
    "risk_detention": {
        "en": "You may be detained there.",
        "ru": "Вас могут задержать.",
        "uk": "Вас можуть затримати.",
    },
    "risk_refusal_at_border": {
        "en": "You may be refused a visa or turned back at the border.",
        "ru": "Вам могут отказать в визе или не пустить на границе.",
        "uk": "Вам можуть відмовити у візі або не пропустити на кордоні.",
    },
    "risk_entry_ban": {
        "en": "You may be on an entry ban list.",
        "ru": "Вы можете оказаться в списке запрета на въезд.",
        "uk": "Ви можете опинитися в списку заборони на в'їзд.",
    },
    "risk_trap": {
        "en": "With a criminal case you may be unable to leave again.",
        "ru": "С уголовным делом вас могут не выпустить оттуда дальше.",
        "uk": "З кримінальною справою вас можуть не випустити звідти далі.",
    },
    "risk_exit_ban": {
        "en": "Russian border guards will stop you from leaving.",
        "ru": "Российские пограничники не выпустят вас из страны.",
        "uk": "Російські прикордонники не випустять вас із країни.",
    },
    "risk_default": {
        "en": "A prudent default, not a documented case: we know of no case here, but for someone "
        "in your situation we assume a risk of {kind}.",
        "ru": "Это осторожное допущение, а не задокументированный случай: таких случаев здесь мы "
        "не знаем, но для человека в вашем положении исходим из риска: {kind}.",
        "uk": "Це обережне припущення, а не задокументований випадок: таких випадків тут ми не "
        "знаємо, але для людини у вашому становищі виходимо з ризику: {kind}.",
    },
    # Why a prudent default applies: the arrangement with Russia behind it
    "basis_cis_search": {
        "en": "This country takes part in the CIS interstate search for wanted people, which "
        "includes detention for extradition.",
        "ru": "Эта страна участвует в межгосударственном розыске СНГ, который включает задержание "
        "для выдачи.",
        "uk": "Ця країна бере участь у міждержавному розшуку СНД, який передбачає затримання для "
        "видачі.",
    },
    "basis_union_state": {
        "en": "Belarus and Russia share data on people barred from leaving, so that they cannot "
        "travel on to a third country.",
        "ru": "Беларусь и Россия обмениваются сведениями о тех, кому запрещён выезд, чтобы они не "
        "уехали дальше в третьи страны.",
        "uk": "Білорусь і Росія обмінюються відомостями про тих, кому заборонено виїзд, щоб вони "
        "не виїхали далі до третіх країн.",
    },
    "basis_csto": {
        "en": "This country is Russia's military ally (CSTO); deserters have been seized by "
        "Russian military in allied states.",
        "ru": "Эта страна - военный союзник России (ОДКБ); в союзных странах российские военные "
        "уже задерживали дезертиров.",
        "uk": "Ця країна - військовий союзник Росії (ОДКБ); у союзних країнах російські військові "
        "вже затримували дезертирів.",
    },
    "exit_blocked": {
        "en": "You will most likely be stopped at the Russian border post: your summons is in the "
        "register, so the guards see the exit ban. They can turn you back and pass you to the "
        "enlistment office, and the attempt becomes known. Do not go to the border before you "
        "talk to a counselor.",
        "ru": "На российском пункте пропуска вас, скорее всего, остановят: повестка есть в "
        "реестре, и пограничники видят запрет на выезд. Вас могут развернуть и передать в "
        "военкомат, а о попытке выезда станет известно. Не езжайте на границу, пока не "
        "поговорите с консультантом.",
        "uk": "На російському пункті пропуску вас, найімовірніше, зупинять: повістка є в реєстрі, "
        "і прикордонники бачать заборону на виїзд. Вас можуть розвернути й передати до "
        "військкомату, а про спробу виїзду стане відомо. Не їдьте на кордон, доки не поговорите "
        "з консультантом.",
    },
    "risk_departure_check": {
        "en": "To leave, you pass the border control of the country you are in, where people "
        "like you have been stopped and handed over.",
        "ru": "Чтобы уехать, нужно пройти пограничный контроль страны, где вы сейчас, а там уже "
        "задерживали и выдавали людей в вашем положении.",
        "uk": "Щоб виїхати, треба пройти прикордонний контроль країни, де ви зараз, а там уже "
        "затримували й видавали людей у вашому становищі.",
    },
    # Where you are now
    "here_days_left": {
        "en": "You may stay {days} {days:day|days}: {left} {left:day|days} left, until {date}.",
        "ru": "Здесь можно находиться {days} {days:день|дня|дней}: осталось {left} "
        "{left:день|дня|дней}, до {date}.",
        "uk": "Тут можна перебувати {days} {days:день|дні|днів}: залишилося {left} "
        "{left:день|дні|днів}, до {date}.",
    },
    "here_overstay": {
        "en": "Your {days} {days:day|days} of allowed stay ended on {date}: you are staying "
        "beyond them. Talk to a counselor now.",
        "ru": "Разрешённые {days} {days:день|дня|дней} пребывания закончились {date}: вы "
        "находитесь здесь сверх срока. Срочно поговорите с консультантом.",
        "uk": "Дозволені {days} {days:день|дні|днів} перебування закінчилися {date}: ви "
        "перебуваєте тут понад строк. Терміново поговоріть із консультантом.",
    },
    "here_period": {
        "en": "The limit counts every day you spent here in the last {per_days} {per_days:day|"
        "days}; earlier visits reduce what is left.",
        "ru": "В лимит входят все дни, проведённые здесь за последние {per_days} "
        "{per_days:день|дня|дней}; прежние поездки уменьшают остаток.",
        "uk": "До ліміту входять усі дні, проведені тут за останні {per_days} "
        "{per_days:день|дні|днів}; попередні поїздки зменшують залишок.",
    },
    "here_since_unknown": {
        "en": "Tell us the day you arrived to see how many days you have left.",
        "ru": "Укажите день приезда, чтобы увидеть, сколько дней у вас осталось.",
        "uk": "Вкажіть день приїзду, щоб побачити, скільки днів у вас залишилося.",
    },
    "here_register_by": {
        "en": "Register your address within {days} {days:day|days} of arrival: by {date}.",
        "ru": "Зарегистрируйтесь по месту пребывания в течение {days} {days:дня|дней|дней} после "
        "приезда: до {date}.",
        "uk": "Зареєструйтеся за місцем перебування протягом {days} {days:дня|днів|днів} після "
        "приїзду: до {date}.",
    },
    "here_register_passed": {
        "en": "Registration was due within {days} {days:day|days} of arrival, by {date}; if you "
        "have not registered, talk to a counselor about doing it now.",
        "ru": "Регистрироваться нужно было в течение {days} {days:дня|дней|дней} после приезда, "
        "до {date}; если вы не зарегистрировались, обсудите с консультантом, как сделать это "
        "сейчас.",
        "uk": "Зареєструватися треба було протягом {days} {days:дня|днів|днів} після приїзду, до "
        "{date}; якщо ви не зареєструвалися, обговоріть із консультантом, як зробити це зараз.",
    },
    "here_claim_pending": {
        "en": "You applied for protection here on {date}. Before you travel anywhere, talk to "
        "your lawyer or a counselor: leaving can end a pending claim.",
        "ru": "Вы подали здесь заявление о защите {date}. Прежде чем куда-либо ехать, "
        "посоветуйтесь с юристом или консультантом: отъезд может прекратить рассмотрение.",
        "uk": "Ви подали тут заяву про захист {date}. Перш ніж кудись їхати, порадьтеся з "
        "юристом або консультантом: від'їзд може припинити розгляд.",
    },
    # Warnings about the whole situation
    "document_invalidated": {
        "en": "Your {document} is cancelled or must be surrendered; do not rely on it.",
        "ru": "Ваш документ ({document}) аннулирован или подлежит сдаче; не рассчитывайте на него.",
        "uk": "Ваш документ ({document}) анульовано або його треба здати; не розраховуйте на "
        "нього.",
    },
    "passport_expires_before_travel": {
        "en": "Your foreign-travel passport expires on {date}, before the day you mean to travel: "
        "the routes below are judged without it.",
        "ru": "Ваш загранпаспорт истекает {date}, раньше дня, когда вы собираетесь ехать: "
        "маршруты ниже оценены без него.",
        "uk": "Ваш закордонний паспорт спливає {date}, раніше за день, коли ви збираєтеся їхати: "
        "маршрути нижче оцінено без нього.",
    },
    "summons_not_binding": {
        "en": "A paper summons that was neither handed to you nor placed in the register does not "
        "bar you from leaving yet. Once it is in the register, the ban applies from that day.",
        "ru": "Бумажная повестка, которую вам не вручили и не внесли в реестр, пока не запрещает "
        "выезд. Как только её внесут в реестр, запрет действует с этого дня.",
        "uk": "Паперова повістка, яку вам не вручили й не внесли до реєстру, поки не забороняє "
        "виїзд. Щойно її внесуть до реєстру, заборона діє з цього дня.",
    },
    "summons_register_delivered": {
        "en": "A summons in the register counts as delivered on {date}, even if you never open "
        "it; you are barred from leaving from the day it was placed there.",
        "ru": "Повестка из реестра считается врученной {date}, даже если вы её не откроете; "
        "выезд запрещён со дня, когда её туда внесли.",
        "uk": "Повістка з реєстру вважається врученою {date}, навіть якщо ви її не відкриєте; "
        "виїзд заборонено з дня, коли її туди внесли.",
    },
    "summons_report_by": {
        "en": "The summons calls you to report on {date}; twenty days after that without a valid "
        "reason the restrictions on driving, property and loans begin.",
        "ru": "По повестке нужно явиться {date}; через двадцать дней после этого без "
        "уважительной причины начинаются запреты на вождение, сделки с имуществом и кредиты.",
        "uk": "За повісткою треба з'явитися {date}; через двадцять днів після цього без поважної "
        "причини починаються заборони на керування авто, угоди з майном і кредити.",
    },
    "passport_expired": {
        "en": "Your foreign-travel passport expired on {date}.",
        "ru": "Срок вашего загранпаспорта истёк {date}.",
        "uk": "Строк дії вашого закордонного паспорта сплив {date}.",
    },
    "current_country_unsafe": {
        "en": "Where you are now ({country}) is not safe for you.",
        "ru": "Там, где вы сейчас ({country}), для вас небезопасно.",
        "uk": "Там, де ви зараз ({country}), для вас небезпечно.",
    },
    "current_country_unsafe_default": {
        "en": "Where you are now ({country}) we assume you are not safe: no case is documented, "
        "but the country works with Russia on wanted people. This is a default, not a documented "
        "case.",
        "ru": "Там, где вы сейчас ({country}), мы считаем, что вы не в безопасности: случаев не "
        "задокументировано, но страна сотрудничает с Россией в розыске. Это допущение, а не "
        "задокументированный случай.",
        "uk": "Там, де ви зараз ({country}), ми вважаємо, що ви не в безпеці: випадків не "
        "задокументовано, але країна співпрацює з Росією в розшуку. Це припущення, а не "
        "задокументований випадок.",
    },
    "stale_fact": {
        "en": "A fact that decides a verdict here was last checked {days} {days:day|days} ago; "
        "a counselor should confirm it before you rely on it.",
        "ru": "Сведения, от которых здесь зависит вывод, проверялись {days} {days:день|дня|дней} "
        "назад; прежде чем на них полагаться, пусть их подтвердит консультант.",
        "uk": "Відомості, від яких тут залежить висновок, перевіряли {days} {days:день|дні|днів} "
        "тому; перш ніж на них покладатися, хай їх підтвердить консультант.",
    },
    "no_safe_option": {
        "en": "No route is safe for you right now; talk to a counselor before you move.",
        "ru": "Безопасного маршрута для вас сейчас нет; поговорите с консультантом, прежде чем "
        "ехать.",
        "uk": "Безпечного маршруту для вас зараз немає; поговоріть із консультантом, перш ніж "
        "їхати.",
    },
    "captivity_no_routes": {
        "en": "Routes cannot be planned from captivity; a counselor will look at your case.",
        "ru": "Из плена маршрут спланировать нельзя; консультант разберёт ваш случай.",
        "uk": "З полону маршрут спланувати неможливо; консультант розгляне вашу справу.",
    },
    "exit_ban_after_summons": {
        "en": "Once a summons is served you may not leave Russia until you report.",
        "ru": "После вручения повестки выезд из России запрещён до явки.",
        "uk": "Після вручення повістки виїзд із Росії заборонено до явки.",
    },
    "exit_ban_from_sending": {
        "en": "The exit ban starts the day a summons enters the register, even unread.",
        "ru": "Запрет выезда действует со дня внесения повестки в реестр, даже если вы её не "
        "видели.",
        "uk": "Заборона виїзду діє від дня внесення повістки до реєстру, навіть якщо ви її не "
        "бачили.",
    },
    "draft_points_at_border": {
        "en": "Draft officers work at land crossings; men may be stopped there.",
        "ru": "На сухопутных пунктах пропуска работают военкоматы; мужчин могут задержать.",
        "uk": "На сухопутних пунктах пропуску працюють військкомати; чоловіків можуть затримати.",
    },
    "trapped_by_wanted_list": {
        "en": "Wanted people are stopped at this country's border; leaving may get you arrested.",
        "ru": "Разыскиваемых задерживают на границе этой страны; при выезде вас могут арестовать.",
        "uk": "Тих, кого розшукують, затримують на кордоні цієї країни; під час виїзду вас можуть "
        "заарештувати.",
    },
    "restrictions_after_20_days": {
        "en": "After 20 days without reporting, bans on driving, property deals and loans apply.",
        "ru": "Через 20 дней неявки вводятся запреты на вождение, сделки с жильём и кредиты.",
        "uk": "Через 20 днів неявки діють заборони на водіння, угоди з житлом і кредити.",
    },
    "electronic_register": {
        "en": "Summonses now arrive through the electronic register with an instant exit ban.",
        "ru": "Повестки теперь приходят через электронный реестр с мгновенным запретом выезда.",
        "uk": "Повістки тепер надходять через електронний реєстр із миттєвою забороною виїзду.",
    },
    "servicemen_without_passport": {
        "en": "Without a foreign-travel passport only internal-passport countries are open.",
        "ru": "Без загранпаспорта доступны только страны, куда пускают по внутреннему паспорту.",
        "uk": "Без закордонного паспорта доступні лише країни, куди пускають за внутрішнім "
        "паспортом.",
    },
    "wartime_aggravation": {
        "en": "Military crimes committed during mobilisation or hostilities carry harsher terms.",
        "ru": "Воинские преступления в период мобилизации или боевых действий наказываются строже.",
        "uk": "Військові злочини під час мобілізації або бойових дій караються суворіше.",
    },
    "exposure_evasion": {
        "en": "Evading conscription (Article {article}) carries up to {max_years} "
        "{max_years:year|years}.",
        "ru": "Уклонение от призыва (статья {article}) грозит сроком до {max_years} "
        "{max_years:года|лет|лет}.",
        "uk": "Ухилення від призову (стаття {article}) загрожує строком до {max_years} "
        "{max_years:року|років|років}.",
    },
    "exposure_refusing_orders": {
        "en": "Refusing orders or combat carries {min_years} to {max_years} years.",
        "ru": "Отказ выполнять приказ или участвовать в боях грозит сроком от {min_years} до "
        "{max_years} лет.",
        "uk": "Відмова виконувати наказ або брати участь у боях загрожує строком від {min_years} "
        "до {max_years} років.",
    },
    "exposure_leaving_unit": {
        "en": "Leaving your unit is a crime punishable by up to {max_years} years.",
        "ru": "Оставление части - преступление, грозит сроком до {max_years} лет.",
        "uk": "Залишення частини - злочин, загрожує строком до {max_years} років.",
    },
    "exposure_awol": {
        "en": "Your absence falls under Article 337 part {part}: up to {max_years} years.",
        "ru": "Ваше отсутствие подпадает под часть {part} статьи 337: до {max_years} лет.",
        "uk": "Ваша відсутність підпадає під частину {part} статті 337: до {max_years} років.",
    },
    "exposure_desertion": {
        "en": "If charged with desertion you face {min_years} to {max_years} years.",
        "ru": "За дезертирство грозит от {min_years} до {max_years} лет.",
        "uk": "За дезертирство загрожує від {min_years} до {max_years} років.",
    },
    "exposure_surrender": {
        "en": "Voluntary surrender carries {min_years} to {max_years} years in Russia.",
        "ru": "Добровольная сдача в плен грозит в России сроком от {min_years} до {max_years} лет.",
        "uk": "Добровільна здача в полон загрожує в Росії строком від {min_years} до {max_years} "
        "років.",
    },
    "mobilisation_not_ended": {
        "en": "Mobilisation has never formally ended, so wartime penalties still apply.",
        "ru": "Мобилизация формально не завершена, поэтому действуют наказания военного времени.",
        "uk": "Мобілізацію формально не завершено, тому діють покарання воєнного часу.",
    },
    "alternative_service": {
        "en": "You may apply for alternative civilian service (21 months) instead of the army.",
        "ru": "Вместо армии можно подать заявление на альтернативную гражданскую службу "
        "(21 месяц).",
        "uk": "Замість армії можна подати заяву на альтернативну цивільну службу (21 місяць).",
    },
    "alternative_service_mobilized": {
        "en": "A court challenge citing the right to alternative service exists but rarely wins.",
        "ru": "Можно оспорить мобилизацию в суде, ссылаясь на право на АГС, но это редко удаётся.",
        "uk": "Можна оскаржити мобілізацію в суді, посилаючись на право на АЦС, але це рідко "
        "вдається.",
    },
    "interpol_military_offences": {
        "en": "Interpol refuses notices for purely military offences, but CIS wanted lists differ.",
        "ru": "Интерпол не объявляет в розыск за чисто воинские преступления, но розыск СНГ "
        "работает иначе.",
        "uk": "Інтерпол не оголошує в розшук за суто військові злочини, але розшук СНД працює "
        "інакше.",
    },
}

VOCABULARY: dict[str, dict[str, str]] = {
    "internal_passport": {
        "en": "internal passport",
        "ru": "внутренний паспорт",
        "uk": "внутрішній паспорт",
    },
    "international_passport": {
        "en": "foreign-travel passport",
        "ru": "загранпаспорт",
        "uk": "закордонний паспорт",
    },
    "birth_certificate": {
        "en": "birth certificate",
        "ru": "свидетельство о рождении",
        "uk": "свідоцтво про народження",
    },
    "land": {"en": "land", "ru": "по суше", "uk": "суходолом"},
    "air": {"en": "air", "ru": "по воздуху", "uk": "повітрям"},
    "asylum": {"en": "asylum", "ru": "убежище", "uk": "притулок"},
    "humanitarian_visa": {
        "en": "humanitarian visa",
        "ru": "гуманитарная виза",
        "uk": "гуманітарна віза",
    },
    "residence_permit": {
        "en": "residence permit",
        "ru": "вид на жительство",
        "uk": "посвідка на проживання",
    },
    "handover": {
        "en": "being handed over to Russia",
        "ru": "выдача России",
        "uk": "видача Росії",
    },
    "extradition": {"en": "extradition", "ru": "экстрадиция", "uk": "екстрадиція"},
    "deportation": {"en": "deportation", "ru": "депортация", "uk": "депортація"},
    "abduction": {
        "en": "being seized and taken to Russia",
        "ru": "похищение и вывоз в Россию",
        "uk": "викрадення й вивезення до Росії",
    },
    "trap": {
        "en": "not being let out again",
        "ru": "невозможность уехать оттуда дальше",
        "uk": "неможливість виїхати звідти далі",
    },
    "detention": {"en": "detention", "ru": "задержание", "uk": "затримання"},
    "expulsion": {"en": "expulsion", "ru": "выдворение", "uk": "видворення"},
    "refusal_at_border": {
        "en": "being turned back at the border",
        "ru": "отказ во въезде на границе",
        "uk": "відмова у в'їзді на кордоні",
    },
    "entry_ban": {"en": "an entry ban", "ru": "запрет на въезд", "uk": "заборона на в'їзд"},
    "russian_control": {
        "en": "Russian control",
        "ru": "российский контроль",
        "uk": "російський контроль",
    },
    "exit_ban": {"en": "an exit ban", "ru": "запрет на выезд", "uk": "заборона на виїзд"},
    "departure_check": {
        "en": "being stopped at departure",
        "ru": "задержание при выезде",
        "uk": "затримання під час виїзду",
    },
    "high": {"en": "high", "ru": "высокий", "uk": "високий"},
    "medium": {"en": "medium", "ru": "средний", "uk": "середній"},
    "good": {"en": "good", "ru": "хорошие", "uk": "добрі"},
    "limited": {"en": "limited", "ru": "ограниченные", "uk": "обмежені"},
    "poor": {"en": "poor", "ru": "плохие", "uk": "погані"},
}


def plural_index(number: int, lang: str) -> int:
    """Which of a word's forms goes with ``number``: English has two, Russian and Ukrainian
    three (1, 21 день; 2-4, 22 дня; 5-20, 25 дней)."""
    if lang == "en":
        return 0 if number == 1 else 1
    if number % 10 == 1 and number % 100 != 11:
        return 0
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return 1
    return 2


class _PluralFormatter(string.Formatter):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec and isinstance(value, int):
            forms = format_spec.split("|")
            return forms[min(plural_index(value, self.lang), len(forms) - 1)]
        return str(super().format_field(value, format_spec))


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
    return _PluralFormatter(lang).format(template, **shown)
