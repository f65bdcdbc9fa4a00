"""Search on SQLite and PostgreSQL: inflected words, surnames in any case, numbers.

The appeals are registered through the pipeline, so these tests also show that
registration indexes an appeal in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from intake.sources import read_file
from pismo.context import Context
from pismo.running.chain import process
from store import db, schema
from store.lemmas import compact, document_terms, parse_query
from store.search import Hit, reindex, search
from tests.helpers import pismo
from tests.letters import appeal_eml

PEOPLE = [
    ("Смирнова", "Анна", "Петровна"),
    ("Иванов", "Пётр", "Сергеевич"),
    ("Кузнецова", "Ольга", "Игоревна"),
]


@pytest.fixture
def seeded(ctx: Context, tmp_path: Path) -> Context:
    for n, (surname, name, patronymic) in enumerate(PEOPLE, start=1):
        path = tmp_path / f"{n}.eml"
        path.write_bytes(appeal_eml(n, surname=surname, name=name, patronymic=patronymic))
        process(ctx, read_file(path, 10**8))
    return ctx


def find(ctx: Context, query: str) -> list[Hit]:
    with db.transaction(ctx.db) as s:
        return search(s, query)


def surnames(ctx: Context, query: str) -> list[str]:
    return sorted(h.applicant.split()[0] for h in find(ctx, query))


def reg(ctx: Context, n: int) -> str:
    year = find(ctx, "претензия")[0].reg_number.split("-")[1]
    return f"ВХ-{year}-{n:06d}"


def test_words_surnames_and_numbers_find_their_appeals(seeded: Context) -> None:
    everyone = sorted(p[0] for p in PEOPLE)
    # inflected words: the letters say «Претензия», «услугу», «лицевого счёта»
    assert surnames(seeded, "претензию") == everyone
    assert surnames(seeded, "услуги") == everyone
    assert surnames(seeded, "лицевые счета") == everyone
    assert surnames(seeded, "телевидение") == []
    # a surname in the genitive and the dative
    assert surnames(seeded, "Смирновой") == ["Смирнова"]  # both cases of a woman's surname
    assert surnames(seeded, "смирновой претензию") == ["Смирнова"]
    assert surnames(seeded, "Иванова") == ["Иванов"]  # genitive of a man's
    assert surnames(seeded, "Иванову") == ["Иванов"]  # dative
    assert surnames(seeded, "КУЗНЕЦОВОЙ ОЛЬГЕ") == ["Кузнецова"]
    # a registration number however it is typed, and an account
    number = reg(seeded, 2)
    for query in (number, number.lower(), number.replace("-", ""), f"№ {number}"):
        hits = find(seeded, query)
        assert [h.reg_number for h in hits] == [number], query
        assert hits[0].applicant == "Иванов Пётр Сергеевич"
    assert [h.applicant.split()[0] for h in find(seeded, "5550000003")] == ["Кузнецова"]
    assert find(seeded, "5550000009") == []
    # nothing to look for
    assert find(seeded, "") == []
    assert find(seeded, "и по на") == []


def test_hits_are_ranked_highlighted_and_reindexed(seeded: Context) -> None:
    hits = find(seeded, "Смирновой")
    assert len(hits) == 1
    hit = hits[0]
    assert "<mark>Смирнова</mark>" in hit.snippet_html
    assert "[Смирнова]" in hit.snippet()
    assert "\n" not in hit.snippet()
    assert hit.as_dict()["reg_number"] == hit.reg_number
    ranked = find(seeded, "претензия")
    assert [h.rank for h in ranked] == sorted((h.rank for h in ranked), reverse=True)
    with db.transaction(seeded.db) as s:
        assert reindex(s.connection()) == len(PEOPLE)
    assert surnames(seeded, "Смирновой") == ["Смирнова"]


def test_query_reading() -> None:
    q = parse_query("о претензии ВХ-2026-000001 и счёте")
    # «о» and «и» mean nothing to a search
    assert [g.word for g in q.groups] == ["претензии", None, "счёте"]
    assert [sorted(g.terms) for g in q.groups] == [["претензия"], ["вх2026000001"], ["счет"]]
    assert compact("ВХ-2026-000001") == "вх2026000001"
    terms = document_terms("рег. № ВХ-2026-000001, тел. +7 (912) 345-67-89, ivan@mail.ru")
    assert {"вх2026000001", "000001", "3456789", "ivanmailru"} <= set(terms.split())


def test_search_and_report_commands(env: dict[str, str], tmp_path: Path) -> None:
    letter = tmp_path / "letter.eml"
    letter.write_bytes(appeal_eml(7, surname="Смирнова", name="Анна", patronymic="Петровна"))
    registered = pismo(env, "ingest", str(letter)).stdout
    number = registered.split("registered ")[1].split()[0]
    lines = pismo(env, "search", "Смирновой", "претензию").stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{number}\t")
    assert "[Смирнова]" in lines[0]
    nothing = pismo(env, "search", "телевидение")
    assert nothing.stdout == "" and "no appeal matches" in nothing.stderr
    assert pismo(env, "search", "--reindex", number).stdout.startswith(number)

    today = dt.date.today()  # the machine's; the organisation's day may already be the next
    window = [
        "--from",
        str(today - dt.timedelta(days=1)),
        "--to",
        str(today + dt.timedelta(days=1)),
    ]
    table = pismo(env, "report", *window).stdout
    assert "summary,total,Поступило обращений,1" in table.splitlines()
    out = tmp_path / "r.xlsx"
    assert pismo(env, "report", *window, "--format", "xlsx", "-o", str(out)).stdout.strip() == str(
        out
    )
    assert out.read_bytes()[:2] == b"PK"
    backwards = pismo(env, "report", "--from", "2026-02-01", "--to", "2026-01-01", check=False)
    assert backwards.returncode == 2


def test_the_migration_indexes_appeals_already_in_the_store(db_url: str) -> None:
    schema.upgrade(db_url, "0001")
    with db.engine_for(db_url).begin() as conn:
        conn.execute(sa.text("INSERT INTO applicants (id, surname) VALUES (1, 'Смирнова')"))
        conn.execute(
            sa.text(
                "INSERT INTO appeals (id, reg_number, reg_year, reg_seq, registered_at,"
                " received_at, channel, content_hash, regime, kind, category, status,"
                " applicant_id, wants_paper_reply, findings) VALUES (1, 'ВХ-2025-000007', 2025,"
                " 7, :t, :t, 'post', 'x', 'public', 'complaint', 'other', 'drafted', 1, false,"
                " '{}')"
            ),
            {"t": dt.datetime(2025, 5, 5, tzinfo=dt.UTC)},
        )
    schema.upgrade(db_url)
    with db.transaction(db_url) as s:
        assert [h.reg_number for h in search(s, "Смирновой")] == ["ВХ-2025-000007"]
