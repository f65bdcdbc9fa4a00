"""Search latency and a year's report on 100,000 generated appeals, SQLite and PostgreSQL.

    .venv/bin/python bench/search.py                      # both databases, 100,000 appeals
    .venv/bin/python bench/search.py --appeals 20000 --db sqlite
    .venv/bin/python bench/search.py --screenshot docs/report.png

The appeals (applicant, appeal, inbound item with a letter's text) are made
up from a fixed seed and written with bulk inserts, not through the pipeline;
then ``store.search.reindex`` indexes them exactly as registration does.
Each query is run once to warm up, then timed; the figures are the median and
95th percentile over the mix.  Baselines measured in the same run: a plain
``LIKE '%…%'`` scan over the same text for search (it cannot even find
inflected forms), and loading the year's appeals into Python to count them
for the report.  Targets: search median under 50 ms, a year's report under 2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pismo.reports import report_html
from pismo.settings import Settings
from store import db, schema
from store.models import Appeal, Applicant, InboundItem
from store.reports import build_report
from store.search import reindex, search
from tests.servers import create_database, postgres_server

MSK = ZoneInfo("Europe/Moscow")
YEAR = 2026
BASES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоров",
]
MEN = [("Пётр", "Сергеевич"), ("Иван", "Андреевич"), ("Алексей", "Викторович")]
WOMEN = [("Анна", "Петровна"), ("Ольга", "Игоревна"), ("Мария", "Сергеевна")]
TOPICS = {
    "billing": [
        "С моего лицевого счёта списаны деньги за услугу, которую я не подключал.",
        "Прошу сделать перерасчёт абонентской платы за прошлый месяц.",
        "Платёж, внесённый через банк, не поступил на мой счёт.",
    ],
    "service_quality": [
        "Уже неделю нет связи в моём доме, интернет работает медленно.",
        "Звонки постоянно обрываются, связь пропадает каждый вечер.",
    ],
    "staff_conduct": [
        "Сотрудник офиса продаж грубо разговаривал со мной и отказался помочь.",
        "Оператор контактного центра дал неверную информацию о тарифе.",
    ],
    "tariff_change": ["Мой тариф изменили без уведомления, стоимость выросла."],
    "self_service": ["В мобильном приложении не открывается личный кабинет."],
    "confidentiality": ["Мои персональные данные стали известны посторонним лицам."],
    "other": ["Прошу разъяснить порядок расторжения договора."],
}
# the departments a fresh installation routes each category to
DEPARTMENTS: dict[str, str] = Settings.model_fields["departments"].default_factory()  # type: ignore[call-arg,misc]
GROUNDS = ["claim-late", "repeat", "not-competent", "no-postal-address", "abusive"]
KINDS = [("claim", "Претензия"), ("complaint", "Жалоба"), ("statement", "Заявление")]
OUTCOMES = ["satisfied", "partly", "refused", None]
LIKE = sa.text(
    "SELECT a.id FROM appeal_search x JOIN appeals a ON a.id = x.appeal_id"
    " WHERE x.text LIKE :pattern ORDER BY a.registered_at DESC LIMIT 20"
)


def person(rng: random.Random) -> tuple[str, str, str, str]:
    """Surname, name, patronymic in the nominative, and «from whom» in the genitive."""
    base = rng.choice(BASES)
    if rng.random() < 0.5:
        name, patronymic = rng.choice(MEN)
        return base, name, patronymic, f"{base}а {name[:-1] if name.endswith('й') else name}"
    name, patronymic = rng.choice(WOMEN)
    return f"{base}а", name, patronymic, f"{base}ой {name[:-1]}ы"


def letter(rng: random.Random, n: int, kind: str, category: str) -> tuple[str, dict[str, object]]:
    surname, name, patronymic, genitive = person(rng)
    account = f"{4000000000 + n}"
    body = "\n".join(
        [
            "Генеральному директору ООО «Связь-Регион»",
            f"от {genitive}",
            f"170{n % 1000:03d}, г. Тверь, ул. Советская, д. {n % 90 + 1}, кв. {n % 200 + 1}",
            "",
            dict(KINDS)[kind],
            "",
            *rng.sample(TOPICS[category], k=min(2, len(TOPICS[category]))),
            f"Лицевой счёт № {account}, договор № Д-{n}.",
            rng.choice(["Прошу вернуть деньги.", "Прошу разобраться.", "Жду ответа."]),
            "",
            f"С уважением, {surname} {name[0]}. {patronymic[0]}.",
        ]
    )
    fields: dict[str, object] = {"surname": surname, "name": name, "patronymic": patronymic}
    return body, fields | {"account": account, "contract": f"Д-{n}"}


def grounds(rng: random.Random) -> list[dict[str, str]]:
    """One appeal in twenty has a ground of the special order."""
    return [{"code": rng.choice(GROUNDS)}] if rng.random() < 0.05 else []


def rows(count: int, seed: int = 11) -> Iterator[tuple[dict[str, object], ...]]:
    rng = random.Random(seed)
    start = dt.datetime(YEAR, 1, 1, 9, tzinfo=MSK)
    span = (dt.datetime(YEAR, 11, 20, tzinfo=MSK) - start).total_seconds()
    for n in range(1, count + 1):
        kind, _ = rng.choice(KINDS)
        category = rng.choice(list(TOPICS))
        text, fields = letter(rng, n, kind, category)
        registered = start + dt.timedelta(seconds=span * n / count)
        answered = registered + dt.timedelta(days=rng.choice([2, 5, 9, 14, 21, 28, 33, 45]))
        open_now = rng.random() < 0.1
        yield (
            {"id": n, **{k: fields[k] for k in ("surname", "name", "patronymic")}},
            {
                "id": n, "reg_number": f"ВХ-{YEAR}-{n:06d}", "reg_year": YEAR, "reg_seq": n,
                "registered_at": registered, "received_at": registered,
                "channel": rng.choice(["email", "email", "post"]), "content_hash": f"{n:064x}",
                "regime": "telecom", "kind": kind, "category": category,
                "department": DEPARTMENTS[category], "status": "drafted", "applicant_id": n,
                "account": fields["account"], "contract": fields["contract"],
                "wants_paper_reply": False, "findings": {"grounds": grounds(rng)},
                "answer_by": (registered + dt.timedelta(days=30)).date(),
                "outcome": None if open_now else rng.choice(OUTCOMES[:3]),
                "answered_at": None if open_now else answered,
            },
            {
                "source_key": f"bench:{n}", "source": f"bench:{n}", "channel": "email",
                "content_hash": f"{n:064x}", "size": len(text), "received_at": registered,
                "state": "drafted", "text": text, "meta": {"subject": dict(KINDS)[kind]},
                "appeal_id": n,
            },
        )  # fmt: skip


def fill(url: str, count: int) -> dict[str, float]:
    schema.ensure_migrated(url)
    engine = db.engine_for(url)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    batch: list[tuple[dict[str, object], ...]] = []
    with engine.begin() as conn:
        for row in rows(count):
            batch.append(row)
            if len(batch) == 5000:
                _insert(conn, batch)
                batch = []
        if batch:
            _insert(conn, batch)
    timings["insert_s"] = time.perf_counter() - started
    started = time.perf_counter()
    with engine.begin() as conn:
        reindex(conn)
    timings["index_s"] = time.perf_counter() - started
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    return timings


def _insert(conn: sa.Connection, batch: list[tuple[dict[str, object], ...]]) -> None:
    for i, model in enumerate((Applicant, Appeal, InboundItem)):
        conn.execute(sa.insert(model), [row[i] for row in batch])


def queries(count: int) -> list[tuple[str, str]]:
    """A mix of what staff type: surnames in any case, numbers, words, combinations."""
    rng = random.Random(7)
    mix: list[tuple[str, str]] = []
    for i in range(60):
        base = rng.choice(BASES)
        mix.append(("surname", rng.choice([f"{base}ой", f"{base}у", f"{base}а", base])))
        n = rng.randint(1, count)
        mix.append(("reg number", f"ВХ-{YEAR}-{n:06d}"))
        mix.append(("account", f"{4000000000 + rng.randint(1, count)}"))
        mix.append(("surname + word", f"{base}ой {rng.choice(['перерасчёт', 'связи', 'тарифа'])}"))
        if i % 3 == 0:
            word = rng.choice(["приложении", "персональных данных", "грубо", "уведомления"])
            mix.append(("words", word))
        if i % 6 == 0:
            mix.append(("very common word", rng.choice(["претензию", "деньги", "связь"])))
    return mix


def timed(func: Callable[[], object]) -> float:
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000


def bench_search(url: str, count: int) -> dict[str, object]:
    sessions = db.session_factory(url)
    mix = queries(count)
    found: Counter[str] = Counter()
    latencies: dict[str, list[float]] = {}
    with sessions() as s:
        for _kind, text in mix[:20]:
            search(s, text)  # warm caches: the lemmatiser, the database's pages
        for kind, text in mix:
            started = time.perf_counter()
            hits = search(s, text)
            latencies.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            found[kind] += bool(hits)
        like_ms = []
        for _kind, text in mix[:40]:
            started = time.perf_counter()
            s.execute(LIKE, {"pattern": f"%{text}%"}).all()
            like_ms.append((time.perf_counter() - started) * 1000)
    every = [ms for values in latencies.values() for ms in values]
    return {
        "queries": len(every),
        "median_ms": statistics.median(every),
        "p95_ms": _p95(every),
        "like_median_ms": statistics.median(like_ms),
        "by_kind": {
            k: (statistics.median(v), _p95(v), found[k], len(v)) for k, v in latencies.items()
        },
    }


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def bench_report(url: str) -> dict[str, float]:
    sessions = db.session_factory(url)
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    with sessions() as s:
        build_report(s, start, end, tz="Europe/Moscow")  # warm
        times = [timed(lambda: build_report(s, start, end, tz="Europe/Moscow")) for _ in range(3)]
        report = build_report(s, start, end, tz="Europe/Moscow")
        html_ms = timed(lambda: report_html(report))

        def naive() -> None:
            counts: Counter[str] = Counter()
            t0 = dt.datetime(YEAR, 1, 1, tzinfo=MSK)
            for appeal in s.scalars(sa.select(Appeal).where(Appeal.registered_at >= t0)):
                counts[appeal.category] += 1
                counts[appeal.outcome or ""] += 1

        naive_ms = timed(naive)
    return {
        "appeals": report.total,
        "report_ms": statistics.median(times),
        "charts_html_ms": html_ms,
        "load_into_python_ms": naive_ms,
    }


@contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    with postgres_server() as admin:
        yield create_database(admin, "pismo_bench")


def run(kind: str, count: int, workdir: Path, screenshot: Path | None) -> None:
    with database(kind, workdir) as url:
        fill_times = fill(url, count)
        print(f"\n== {kind}: {count} appeals ==")
        print(f"insert {fill_times['insert_s']:.1f} s, index {fill_times['index_s']:.1f} s")
        found = bench_search(url, count)
        print(
            f"search: {found['queries']} queries, median {found['median_ms']:.1f} ms, "
            f"p95 {found['p95_ms']:.1f} ms (target: median < 50 ms); "
            f"baseline LIKE scan median {found['like_median_ms']:.1f} ms "
            f"({found['like_median_ms'] / found['median_ms']:.1f}× slower, finds no inflections)"  # type: ignore[operator]
        )
        for name, (median, p95, hit, total) in found["by_kind"].items():  # type: ignore[attr-defined]
            print(f"  {name:<18} median {median:7.1f} ms  p95 {p95:7.1f} ms  found {hit}/{total}")
        rep = bench_report(url)
        print(
            f"report for {YEAR} ({rep['appeals']:.0f} appeals): {rep['report_ms']:.0f} ms "
            f"(target < 2000 ms); charts + HTML {rep['charts_html_ms']:.0f} ms; "
            f"baseline loading them into Python {rep['load_into_python_ms']:.0f} ms "
            f"({rep['load_into_python_ms'] / rep['report_ms']:.1f}× slower)"
        )
        if screenshot is not None and kind == "sqlite":
            shoot(url, screenshot, workdir)


def shoot(url: str, png: Path, workdir: Path) -> None:
    """docs/report.png: the report page of the generated year, as Debian's chromium draws it."""
    with db.session_factory(url)() as s:
        report = build_report(
            s, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), tz="Europe/Moscow",
            today=dt.date(YEAR, 11, 23),
        )  # fmt: skip
    page = workdir / "report.html"
    page.write_text(report_html(report), encoding="utf-8")
    png.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--hide-scrollbars",
         f"--screenshot={png.resolve()}", "--window-size=1200,2400", page.as_uri()],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    print(f"screenshot of the report page: {png}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appeals", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--screenshot", type=Path, help="also save the report page as this PNG")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pismo-bench-") as tmp:
        for kind in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
            run(kind, args.appeals, Path(tmp), args.screenshot)


if __name__ == "__main__":
    main()
