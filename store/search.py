"""Full-text search over appeals: the letter as read, its fields, its sender, its numbers.

Each appeal has a row in ``appeal_search``: its denormalised ``text``
(number, applicant, account, contract, e-mail subject, the text of its items)
and ``terms`` (the pymorphy3 lemmas and identifier keys of that text, see
``store.lemmas``), written by ``index_appeal`` when the appeal is registered
and whenever its fields change.

* PostgreSQL: a stored generated ``tsv`` column, the ``russian``
  configuration over the text plus ``simple`` over the terms, with a GIN
  index; ranked by ``ts_rank_cd``.  A query word matches its Snowball stem
  *or* its lemmas: Snowball alone cuts «Иванов» to «иван» but «Иванова» to
  «иванов», so surnames need the lemmas.
* SQLite: an FTS5 table ``appeal_fts`` (rowid = appeal id) over the same
  terms; ranked by ``bm25``.

Both read the query the way ``store.lemmas`` reads documents, and both rank
only the ``CANDIDATES`` most recent matches (ties: the most recent first), so a
word found in half the letters costs no more than a rare one.  The matching
words are highlighted in Python on the original text, the same way on both
databases, so a hit shows the words as the sender wrote them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from store.lemmas import Query, document_terms, parse_query, tokens
from store.models import Appeal

MAX_TEXT = 100_000  # characters of letter text indexed per appeal; OCR of a thick file is cut
SNIPPET_WORDS = 24  # words around the best match shown in a hit
BATCH = 500
# Ranking reads every match's index entry; a word that is in half the letters would make
# a search read half the store.  Only the most recent matches are ranked: appeal ids
# follow registration, and staff look for recent letters.
CANDIDATES = 1000


def _table(table: str, /, **columns: Any) -> sa.TableClause:
    """A lightweight table of just the columns indexing reads: the ORM models may have
    columns a later migration adds, which a migration running this code must not select."""
    return sa.table(table, *(sa.column(column, kind) for column, kind in columns.items()))


STR, INT = sa.String, sa.Integer
_appeals = _table("appeals", id=INT, reg_number=STR, account=STR, contract=STR, applicant_id=INT)
_applicants = _table(
    "applicants", id=INT, surname=STR, name=STR, patronymic=STR, postcode=STR,
    postal_address=STR, email=STR, phone=STR,
)  # fmt: skip
_items = _table(
    "inbound_items", id=INT, appeal_id=INT, content_hash=STR, meta=sa.JSON, text=sa.Text
)
_drafts = _table("drafts", appeal_id=INT, out_number=STR)


# --- indexing -------------------------------------------------------------------------


def index_appeal(session: Session, appeal: Appeal) -> None:
    """(Re)index one appeal inside the caller's transaction: at registration, after edits."""
    session.flush()
    reindex(session.connection(), [appeal.id])


def reindex(conn: sa.Connection, ids: Iterable[int] | None = None) -> int:
    """Index the given appeals, or all of them; core SQL only, so a migration can call it."""
    if ids is None:
        ids = conn.scalars(sa.select(_appeals.c.id).order_by(_appeals.c.id))
    done = 0
    batch: list[int] = []
    for appeal_id in ids:
        batch.append(appeal_id)
        if len(batch) == BATCH:
            done += _index_batch(conn, batch)
            batch = []
    if batch:
        done += _index_batch(conn, batch)
    return done


def _index_batch(conn: sa.Connection, ids: list[int]) -> int:
    rows = [
        {"id": appeal_id, "text": text, "terms": document_terms(text)}
        for appeal_id, text in _documents(conn, ids).items()
    ]
    if not rows:
        return 0
    conn.execute(
        sa.text("DELETE FROM appeal_search WHERE appeal_id IN :ids").bindparams(
            sa.bindparam("ids", expanding=True)
        ),
        {"ids": ids},
    )
    conn.execute(
        sa.text("INSERT INTO appeal_search (appeal_id, text, terms) VALUES (:id, :text, :terms)"),
        rows,
    )
    if conn.dialect.name == "sqlite":
        conn.execute(sa.text("DELETE FROM appeal_fts WHERE rowid = :id"), rows)
        conn.execute(sa.text("INSERT INTO appeal_fts (rowid, terms) VALUES (:id, :terms)"), rows)
    return len(rows)


def _documents(conn: sa.Connection, ids: list[int]) -> dict[int, str]:
    """The searchable text of each appeal: its numbers and sender first, then the letters."""
    rows = conn.execute(
        sa.select(_appeals, _applicants)
        .join(_applicants, _applicants.c.id == _appeals.c.applicant_id)
        .where(_appeals.c.id.in_(ids))
    ).mappings()
    heads = {
        row["id"]: "\n".join(
            filter(
                None,
                [
                    row["reg_number"],
                    " ".join(filter(None, (row["surname"], row["name"], row["patronymic"]))),
                    " ".join(filter(None, (row["postcode"], row["postal_address"]))),
                    row["email"],
                    row["phone"],
                    row["account"],
                    row["contract"],
                ],
            )
        )
        for row in rows
    }
    outgoing = conn.execute(
        sa.select(_drafts.c.appeal_id, _drafts.c.out_number).where(
            _drafts.c.appeal_id.in_(ids), _drafts.c.out_number.is_not(None)
        )
    )
    for appeal_id, out_number in outgoing:
        heads[appeal_id] += f"\n{out_number}"
    bodies: dict[int, list[str]] = {i: [] for i in heads}
    seen: set[tuple[int, str]] = set()
    items = conn.execute(
        sa.select(_items.c.appeal_id, _items.c.content_hash, _items.c.meta, _items.c.text)
        .where(_items.c.appeal_id.in_(ids))
        .order_by(_items.c.id)
    )
    for appeal_id, digest, meta, text in items:
        if (appeal_id, digest) in seen:
            continue  # a duplicate says nothing new
        seen.add((appeal_id, digest))
        subject = (meta or {}).get("subject") if isinstance(meta, dict) else None
        bodies[appeal_id].extend(filter(None, [subject, text]))
    return {i: f"{head}\n\n" + "\n\n".join(bodies[i])[:MAX_TEXT] for i, head in heads.items()}


# --- searching --------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    appeal_id: int
    reg_number: str
    registered_at: str  # ISO date
    applicant: str
    category: str
    status: str
    rank: float  # higher is better; comparable within one search only
    fragments: tuple[tuple[str, bool], ...]  # the snippet: (text, is a matching word)

    def snippet(self, start: str = "[", end: str = "]") -> str:
        return "".join(f"{start}{t}{end}" if hit else t for t, hit in self.fragments)

    @property
    def snippet_html(self) -> str:
        """The snippet escaped for HTML, matching words in ``<mark>``."""
        return "".join(
            f"<mark>{html.escape(t)}</mark>" if hit else html.escape(t) for t, hit in self.fragments
        )

    def as_line(self) -> str:
        """One line for a terminal: number first, matching words in [brackets]."""
        return "\t".join(
            [self.reg_number, self.registered_at, self.applicant or "—", self.snippet()]
        )

    def as_dict(self) -> dict[str, Any]:
        """For a JSON API."""
        return {
            "reg_number": self.reg_number,
            "registered_at": self.registered_at,
            "applicant": self.applicant,
            "category": self.category,
            "status": self.status,
            "rank": self.rank,
            "snippet_html": self.snippet_html,
        }


def search(session: Session, query: str, limit: int = 20) -> list[Hit]:
    """Appeals matching every word of the query, best first, with highlighted snippets."""
    parsed = parse_query(query)
    if parsed.empty or limit <= 0:
        return []
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        ranked = _ranked_postgres(conn, parsed, limit)
    else:
        ranked = _ranked_sqlite(conn, parsed, limit)
    return _hits(conn, ranked, parsed)


def _quoted(term: str) -> str:
    return "'" + term.replace("'", "''") + "'"


def _ranked_postgres(conn: sa.Connection, q: Query, limit: int) -> list[tuple[int, float]]:
    params: dict[str, object] = {"limit": limit}
    parts = []
    for i, group in enumerate(q.groups):
        params[f"t{i}"] = " | ".join(_quoted(t) for t in sorted(group.terms))
        lemmas = f"to_tsquery('simple', :t{i})"
        if group.word is None:
            parts.append(lemmas)
        else:
            params[f"w{i}"] = group.word
            parts.append(f"(plainto_tsquery('russian', :w{i}) || {lemmas})")
    params["candidates"] = CANDIDATES
    sql = sa.text(
        "SELECT id, ts_rank_cd(tsv, q) AS rank FROM ("
        "  SELECT x.appeal_id AS id, x.tsv, t.q FROM appeal_search x,"
        f"  (SELECT {' && '.join(parts)}) AS t(q)"
        "  WHERE x.tsv @@ t.q ORDER BY x.appeal_id DESC LIMIT :candidates"
        ") AS recent ORDER BY rank DESC, id DESC LIMIT :limit"
    )
    return [(row.id, float(row.rank)) for row in conn.execute(sql, params)]


def _fts_match(q: Query) -> str:
    """An FTS5 expression: each group ANDed, a group's alternatives ORed, every term quoted."""
    return " AND ".join(
        "(" + " OR ".join('"' + term.replace('"', '""') + '"' for term in sorted(group)) + ")"
        for group in (g.terms for g in q.groups)
    )


def _ranked_sqlite(conn: sa.Connection, q: Query, limit: int) -> list[tuple[int, float]]:
    rows = conn.execute(
        sa.text(
            "SELECT id, score FROM ("
            "  SELECT rowid AS id, bm25(appeal_fts) AS score FROM appeal_fts"
            "  WHERE appeal_fts MATCH :match ORDER BY rowid DESC LIMIT :candidates"
            ") ORDER BY score, id DESC LIMIT :limit"
        ),
        {"match": _fts_match(q), "candidates": CANDIDATES, "limit": limit},
    )
    return [(row.id, -float(row.score)) for row in rows]  # bm25: lower is better


def _hits(conn: sa.Connection, ranked: Sequence[tuple[int, float]], q: Query) -> list[Hit]:
    if not ranked:
        return []
    rows = {
        row.id: row
        for row in conn.execute(
            sa.text(
                "SELECT a.id, a.reg_number, a.registered_at, a.category, a.status, x.text,"
                " p.surname, p.name, p.patronymic FROM appeals a"
                " JOIN applicants p ON p.id = a.applicant_id"
                " LEFT JOIN appeal_search x ON x.appeal_id = a.id WHERE a.id IN :ids"
            ).bindparams(sa.bindparam("ids", expanding=True)),
            {"ids": [appeal_id for appeal_id, _ in ranked]},
        )
    }
    hits = []
    for appeal_id, rank in ranked:
        row = rows[appeal_id]
        hits.append(
            Hit(
                appeal_id=appeal_id,
                reg_number=row.reg_number,
                registered_at=str(row.registered_at)[:10],
                applicant=" ".join(filter(None, (row.surname, row.name, row.patronymic))),
                category=row.category,
                status=row.status,
                rank=round(rank, 6),
                fragments=highlight(row.text or "", q),
            )
        )
    return hits


def highlight(text: str, q: Query, width: int = SNIPPET_WORDS) -> tuple[tuple[str, bool], ...]:
    """The stretch of ``width`` words with the most matching words, split into marked runs."""
    wanted = q.terms
    words = list(tokens(text))
    if not words:
        return ()
    marks = [bool(w.terms & wanted) for w in words]
    best, best_score = 0, -1
    for start in range(max(1, len(words) - width + 1)):
        score = sum(marks[start : start + width])
        if score > best_score:
            best, best_score = start, score
    chosen = range(best, min(len(words), best + width))
    fragments: list[tuple[str, bool]] = []
    cursor = words[chosen[0]].start
    for i in chosen:
        word = words[i]
        if word.start > cursor:
            fragments.append((_spaces(text[cursor : word.start]), False))
        fragments.append((text[word.start : word.end], marks[i]))
        cursor = word.end
    prefix = [("… ", False)] if chosen[0] > 0 else []
    suffix = [(" …", False)] if chosen[-1] < len(words) - 1 else []
    return tuple(prefix + fragments + suffix)


def _spaces(gap: str) -> str:
    """Punctuation between words as written, line breaks folded: a snippet is one line."""
    return re.sub(r"\s+", " ", gap)
