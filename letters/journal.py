"""The registration journal: incoming appeals and outgoing letters of a year.

Rows are plain dataclasses read in one query each; ``to_csv`` writes them for
a spreadsheet (UTF-8 with BOM and ``;``, what Russian-locale Excel opens
correctly), ``to_pdf`` as a landscape register rendered by the same engine
as the letters.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from letters.cells import cell
from letters.drafting import russian_date
from letters.pdf import LetterDoc
from letters.render import Renderer
from letters.types import letter_type
from pismo.settings import OrgProfile
from store.models import Appeal, Draft

Direction = Literal["incoming", "outgoing"]


@dataclass(frozen=True)
class IncomingRow:
    number: str
    registered: str
    received: str
    channel: str
    applicant: str
    kind: str
    category: str
    answer_by: str
    status: str


@dataclass(frozen=True)
class OutgoingRow:
    number: str
    date: str
    in_reply_to: str
    addressee: str
    heading: str
    approved_by: str


HEADERS = {
    "incoming": (
        "Рег. №",
        "Дата регистрации",
        "Дата поступления",
        "Канал",
        "Заявитель",
        "Вид",
        "Категория",
        "Срок ответа",
        "Статус",
    ),
    "outgoing": ("Исх. №", "Дата", "На №", "Адресат", "Заголовок", "Подписал"),
}


def _day(value: dt.datetime | dt.date | None, tz: ZoneInfo) -> str:
    return russian_date(value, tz, empty="")


def _name(appeal: Appeal) -> str:
    p = appeal.applicant
    return " ".join(x for x in (p.surname, p.name, p.patronymic) if x) or "—"


def incoming_rows(s: Session, year: int, org: OrgProfile) -> list[IncomingRow]:
    tz = ZoneInfo(org.timezone)
    appeals = s.scalars(
        sa.select(Appeal)
        .where(Appeal.reg_year == year)
        .order_by(Appeal.reg_seq)
        .options(selectinload(Appeal.applicant))
    )
    return [
        IncomingRow(
            a.reg_number,
            _day(a.registered_at, tz),
            _day(a.received_at, tz),
            a.channel.value,
            _name(a),
            a.kind,
            a.category,
            _day(a.answer_by, tz),
            a.status,
        )
        for a in appeals
    ]


def outgoing_rows(s: Session, year: int, org: OrgProfile) -> list[OutgoingRow]:
    tz = ZoneInfo(org.timezone)
    # Only letters with an outgoing number: a record for the file («В дело») has none.
    drafts = s.scalars(
        sa.select(Draft)
        .where(
            Draft.out_number.is_not(None),
            Draft.out_date >= dt.date(year, 1, 1),
            Draft.out_date <= dt.date(year, 12, 31),
        )
        .order_by(Draft.out_date, Draft.id)
        .options(selectinload(Draft.appeal).selectinload(Appeal.applicant))
    )
    rows = []
    for d in drafts:
        kind = letter_type(d.type, d.ground)
        addressee = _name(d.appeal) if kind.to_sender else str(d.inputs.get("forward_to") or "")
        rows.append(
            OutgoingRow(
                d.out_number or "",
                _day(d.out_date, tz),
                d.appeal.reg_number,
                addressee or "—",
                kind.heading_for(d.appeal.kind, d.appeal.regime),
                _signatory(d, org),
            )
        )
    return rows


def _signatory(draft: Draft, org: OrgProfile) -> str:
    """Who signed the letter, as it says: kept on approval; an older letter, the profile's.
    The approver's login is in the audit log, not in the register."""
    return str(draft.inputs.get("signatory") or f"{org.signatory_position} {org.signatory_name}")


def journal_rows(
    s: Session, direction: Direction, year: int, org: OrgProfile
) -> list[IncomingRow] | list[OutgoingRow]:
    if direction == "incoming":
        return incoming_rows(s, year, org)
    return outgoing_rows(s, year, org)


def _cells(rows: list[IncomingRow] | list[OutgoingRow]) -> list[list[str]]:
    return [list(dataclasses.astuple(r)) for r in rows]


def to_csv(direction: Direction, rows: list[IncomingRow] | list[OutgoingRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS[direction])
    writer.writerows([[cell(value) for value in row] for row in _cells(rows)])
    return buffer.getvalue().encode("utf-8-sig")


def to_pdf(
    renderer: Renderer,
    direction: Direction,
    rows: list[IncomingRow] | list[OutgoingRow],
    year: int,
    org: OrgProfile,
) -> bytes:
    title = f"Журнал регистрации {'входящих' if direction == 'incoming' else 'исходящих'} " + (
        f"документов за {year} год"
    )
    html = renderer.env.get_template("journal.html").render(
        title=title, org=org, headers=HEADERS[direction], rows=_cells(rows)
    )
    return renderer.pdfs([LetterDoc(html=html, title=title, author=org.name)])[0]
