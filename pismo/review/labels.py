"""What the pages show instead of codes: Russian names of fields, kinds, categories,
statuses, letters and grounds, and dates as dd.mm.yyyy in the organisation's time zone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

from pismo.actions.appeals import DECISIONS
from pismo.actions.corrections import GENDERS
from pismo.states import DRAFT_STATUSES
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
    "text-unreadable": "Текст не читается",
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

    def day(value: dt.date | dt.datetime | str | None) -> str:
        if not value:
            return "—"
        if isinstance(value, str):
            try:
                return day(dt.date.fromisoformat(value[:10]))
            except ValueError:
                return value
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

    def detail(event: Any) -> str:
        return describe_event(event.action, event.detail, ru, day)

    env.filters.update(ru=ru, day=day, moment=moment, detail=detail, citation=citation)
    env.globals["labels"] = ALL


# Which table names an audited field's old and new value.
_VALUE_TABLE = {"kind": "kind", "category": "category", "gender": "gender", "decision": "decision"}


def shown_evidence(findings: dict[str, Any]) -> dict[str, str]:
    """What reading saw for each field, the model's own feature names left out."""
    return {
        field: ", ".join(p for p in str(seen).split(", ") if not p.startswith("словарь:"))
        for field, seen in findings.get("evidence", {}).items()
    }


def describe_event(
    action: str, detail: dict[str, Any], ru: Callable[[object, str], str], day: Callable[..., str]
) -> str:
    """An audit event's detail in words: names, not codes; dates as dd.mm.yyyy."""
    parts = []
    field = detail.get("field")
    table = _VALUE_TABLE.get(field or "", "decision" if action == "decided" else "")

    def finding(code: object) -> str:
        return ru(code, "ground" if code in GROUND_NAMES else "defect")

    def shown(value: Any) -> str:
        if isinstance(value, list):
            names = ", ".join(
                ru(v, "ground") if v in GROUND_NAMES else ru(v, "defect") for v in value
            )
            return names or "нет"
        if isinstance(value, dict):
            return ", ".join(str(v) for v in value.values() if v) or "—"
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            return day(dt.date.fromisoformat(value))
        return ru(value, table) if table else ("—" if value in (None, "") else str(value))

    if field:
        parts.append(f"поле «{ru(field, 'field')}»")
    if "kind" in detail and action == "registered":
        parts.append(f"{ru(detail['kind'], 'kind')}, {ru(detail.get('category'), 'category')}")
    if "type" in detail:
        parts.append(ru(detail["type"], "draft_type"))
    if "code" in detail:
        parts.append(finding(detail["code"]))
    if "old" in detail or "new" in detail:
        parts.append(f"было: {shown(detail.get('old'))}; стало: {shown(detail.get('new'))}")
    if detail.get("grounds_before") != detail.get("grounds_after"):
        parts.append(f"основания: {shown(detail.get('grounds_after'))}")
    if "version" in detail:
        parts.append(f"версия {detail['version']}")
    if detail.get("out_number"):
        parts.append(f"исх. № {detail['out_number']}")
    if "days" in detail:
        parts.append(f"на {detail['days']} дн.")
    if detail.get("reason") and action not in ("quarantined", "read_failed"):
        parts.append(f"причина: {detail['reason']}")
    if "attempt" in detail:
        parts.append(f"попытка {detail['attempt']}")
    return "; ".join(parts)


_CITATION = re.compile(r"(\d+(?:-\d+)?)-FZ Art\. ([\d.]+)(?: p\.\s*([\d.]+))?")


def citation(text: str | None) -> str:
    """«59-FZ Art. 11 p.1» as staff write it: «ч. 1 ст. 11 59-ФЗ» (126-ФЗ: «п. 5»)."""

    def russian(m: re.Match[str]) -> str:
        law, article, part = m.groups()
        unit = "ч." if law == "59" else "п."
        return f"{unit} {part} ст. {article} {law}-ФЗ" if part else f"ст. {article} {law}-ФЗ"

    return _CITATION.sub(russian, text or "")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _aware(value: dt.datetime) -> dt.datetime:
    """The store keeps UTC; SQLite gives it back without the zone."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
