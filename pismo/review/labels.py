"""What the pages show instead of codes: Russian names of fields, kinds, categories,
statuses, letters and grounds, and dates as dd.mm.yyyy in the organisation's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import jinja2

from pismo.actions.appeals import DECISIONS
from pismo.actions.corrections import GENDERS
from store.reports import CATEGORIES, GROUNDS, KINDS

FIELDS = {
    "surname": "Фамилия",
    "name": "Имя",
    "patronymic": "Отчество",
    "postcode": "Индекс",
    "postal_address": "Почтовый адрес",
    "email": "Электронная почта",
    "phone": "Телефон",
    "account": "Лицевой счёт",
    "contract": "Договор",
    "kind": "Вид обращения",
    "category": "Категория",
    "department": "Отдел",
    "letter_date": "Дата письма",
    "gender": "Пол заявителя",
}
STATUSES = {
    "registered": "Зарегистрировано",
    "drafted": "Ждёт проверки",
    "needs_transcription": "Нужно набрать текст",
    "decided": "Решение принято",
    "second_review": "Повторное рассмотрение",
    "answered": "Ответ отправлен",
    "closed": "Закрыто",
}
DRAFT_STATUSES = {
    "draft": "Черновик",
    "returned": "Возвращён на доработку",
    "superseded": "Заменён новой версией",
    "approved": "Утверждён",
    "printed": "Напечатан, ждёт отправки почтой",
    "sent": "Отправлен",
    "filed": "В дело",
    "suppressed": "Не отправлен (автоответ)",
}
DRAFT_TYPES = {
    "acknowledgment": "Уведомление о регистрации",
    "answer": "Ответ по существу",
    "no-answer": "Заключение без ответа",
    "notice": "Уведомление",
    "forwarding": "Переадресация",
    "cover": "Сопроводительное письмо",
    "extension": "Продление срока",
    "supplement": "Запрос документов",
}
GROUND_NAMES = {
    **{k: v for k, v in GROUNDS.items() if k},
    "published-answer": "Ответ размещён на сайте",
    "state-secret": "Охраняемая законом тайна",
}
DEFECTS = {
    "address-unrecognised": "Адрес не распознан",
    "surname-unrecognised": "Фамилия не распознана",
    "unsigned": "Нет подписи",
    "no-contract-copy": "Нет копии договора",
}
OUTCOMES = {"satisfied": "Удовлетворено", "partly": "Удовлетворено частично", "refused": "Отказано"}
VIA = {"email": "по электронной почте", "post": "почтой"}
ROLES = {"clerk": "исполнитель", "approver": "согласующий", "admin": "администратор"}
EVENTS = {
    "received": "Получено",
    "read": "Прочитано",
    "read_failed": "Не прочитано",
    "registered": "Зарегистрировано",
    "duplicate": "Дубликат",
    "joined": "Присоединено к обращению",
    "not_registered": "Не зарегистрировано",
    "quarantined": "В карантине",
    "retried": "Повторная обработка",
    "drafted": "Подготовлено письмо",
    "draft_created": "Создано письмо",
    "draft_edited": "Новая версия письма",
    "draft_approved": "Письмо утверждено",
    "returned": "Возвращено на доработку",
    "superseded": "Письмо заменено",
    "printed": "Напечатано",
    "sent": "Отправлено",
    "send_failed": "Отправка не удалась",
    "corrected": "Исправлено поле",
    "ground_added": "Добавлено основание",
    "ground_dismissed": "Отклонено основание",
    "defect_added": "Добавлен недостаток",
    "defect_dismissed": "Отклонён недостаток",
    "transcribed": "Набран текст скана",
    "confirmed_unreadable": "Подтверждено: не читается",
    "assigned": "Назначено",
    "decided": "Принято решение",
    "disputed": "Решение оспорено",
    "extended": "Срок продлён",
}
ALL = {
    "event": EVENTS,
    "field": FIELDS,
    "kind": KINDS,
    "category": CATEGORIES,
    "status": STATUSES,
    "draft_status": DRAFT_STATUSES,
    "draft_type": DRAFT_TYPES,
    "ground": GROUND_NAMES,
    "defect": DEFECTS,
    "decision": DECISIONS,
    "gender": GENDERS,
    "outcome": OUTCOMES,
    "via": VIA,
    "role": ROLES,
}


def install(env: jinja2.Environment, timezone: str) -> None:
    """The ``ru`` filter (``{{ appeal.kind | ru("kind") }}``) and ``day``/``moment``."""
    tz = ZoneInfo(timezone)

    def ru(code: object, table: str) -> str:
        if code is None or code == "":
            return "—"
        return ALL[table].get(str(code), str(code))

    def day(value: dt.date | dt.datetime | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, dt.datetime):
            value = _aware(value).astimezone(tz).date()
        return value.strftime("%d.%m.%Y")

    def moment(value: dt.datetime | str | None) -> str:
        if not value:
            return "—"
        if isinstance(value, str):
            try:
                return moment(dt.datetime.fromisoformat(value))
            except ValueError:
                return value
        return _aware(value).astimezone(tz).strftime("%d.%m.%Y %H:%M")

    env.filters.update(ru=ru, day=day, moment=moment)
    env.globals["labels"] = ALL


def _aware(value: dt.datetime) -> dt.datetime:
    """The store keeps UTC; SQLite gives it back without the zone."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
