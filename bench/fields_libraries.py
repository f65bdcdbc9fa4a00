"""The applicant's name and postal address: pismo's rules against Natasha and Pullenti.

    .venv/bin/python bench/fields_libraries.py [--errors] [--libs-python PATH] [--sender RULE]

Scores surname, name, patronymic, postcode and postal_address on the labelled letters
(tests/reading) for pismo's rules (``read_all``), Natasha and Pullenti, per split and overall,
and the median time per letter. The libraries run in a virtualenv of their own, so the project's
dependencies stay untouched::

    python3 -m venv /work/libs-venv && /work/libs-venv/bin/pip install natasha pullenti

This same file, started with that interpreter as ``--worker natasha|pullenti``, is the worker:
it reads JSON lines ``{"text", "display"}`` on stdin and prints one JSON line of what the
library found (persons and addresses with their offsets) for each, after a first line with its
load time. Everything after that is done here, the same way for both libraries:

* each library reads the text pismo's rules read (``cyrillic_words``: Latin look-alikes inside
  Cyrillic words made Cyrillic) and, apart, the e-mail display name; Natasha: NER PER spans
  (cut at line breaks, and glued when only spaces part them: its news-trained tagger runs
  «Петров Сергей Николаевич\nАдрес» together and splits «Егоровой | Натальи Владимировны»),
  ``span.normalize`` and ``span.extract_fact(NamesExtractor)``; AddrExtractor's parts on one
  line, or apart only by spaces and punctuation, as one address. Pullenti: the standard
  processor's PERSON and ADDRESS referents (a letter its DateAnalyzer fails on is read again
  without it);
* the sender (``--sender``, default ``ot``, the best of the three on ``tune`` for both): ``ot``
  the person right after «от» on its line, else the one mentioned last (the signature);
  ``last`` the one mentioned last; ``first`` the first one. Initials count as missing and
  are completed from another mention with the same surname, then, as pismo does, from the
  display name read by the same library;
* names title-cased (Pullenti answers in capitals) unless the letter writes them in capitals,
  «ё» put back where the letter has it, of Pullenti's variants («МАРЬЯ», «МАРИЯ») the one
  nearest the letter's word;
* the address: of the library's addresses with a house or a flat, or a street and a postcode,
  and not the organisation's postcode (123100, which pismo is told too), the first at or
  after the sender's mention, else the first; written from the library's span as the letter
  has it, a label («Адрес:», «для ответа:») dropped, the postcode first: «POSTCODE, rest»; a
  postcode the library left just outside its span («656056, Барнаул, …», «…, индекс 625000»)
  is taken as the address's.

The split ``blind`` is held out: only its aggregate figures are printed; ``--errors`` lists the
wrong values of ``tune`` and ``holdout`` only.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIELDS = ("surname", "name", "patronymic", "postcode", "postal_address")
LIBRARIES = ("natasha", "pullenti")
HELD_OUT = "blind"  # aggregate figures only: never a letter or an error of it


# ---------------------------------------------------------------- worker (libraries' venv)


def _natasha_worker() -> Any:
    from natasha import (
        PER,
        AddrExtractor,
        Doc,
        MorphVocab,
        NamesExtractor,
        NewsEmbedding,
        NewsMorphTagger,
        NewsNERTagger,
        Segmenter,
    )
    from natasha.doc import DocSpan

    segmenter, vocab, embedding = Segmenter(), MorphVocab(), NewsEmbedding()
    morph, ner = NewsMorphTagger(embedding), NewsNERTagger(embedding)
    names, addresses = NamesExtractor(vocab), AddrExtractor(vocab)

    def per_line(span: Any, text: str) -> list[Any]:
        """The news-trained tagger runs a PER span over a line break («Петров Сергей
        Николаевич\\nАдрес»): one span for each line's tokens."""
        groups: list[list[Any]] = [[]]
        for token in span.tokens:
            if groups[-1] and "\n" in text[groups[-1][-1].stop : token.start]:
                groups.append([])
            groups[-1].append(token)
        if len(groups) == 1:
            return [span]
        return [
            DocSpan(g[0].start, g[-1].stop, span.type, text[g[0].start : g[-1].stop], tokens=g)
            for g in groups
        ]

    def persons(text: str) -> list[dict[str, Any]]:
        if not text.strip():
            return []
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_morph(morph)
        doc.tag_ner(ner)
        spans: list[Any] = []
        for whole in doc.spans:
            if whole.type != PER:
                continue
            for span in per_line(whole, text):
                # … and tags «Егоровой» and «Натальи Владимировны» as two persons: one.
                if spans and re.fullmatch(r"[ \t]+", text[spans[-1].stop : span.start]):
                    tokens = [*spans[-1].tokens, *span.tokens]
                    start = spans[-1].start
                    span = DocSpan(start, span.stop, PER, text[start : span.stop], tokens=tokens)
                    spans.pop()
                spans.append(span)
        found = []
        for span in spans:
            span.normalize(vocab)
            span.extract_fact(names)
            fact = span.fact.as_dict if span.fact else {}
            found.append(
                {
                    "starts": [span.start],
                    "surname": [fact["last"]] if "last" in fact else [],
                    "name": [fact["first"]] if "first" in fact else [],
                    "patronymic": [fact["middle"]] if "middle" in fact else [],
                    "mention": span.text,
                }
            )
        return found

    def places(text: str) -> list[dict[str, Any]]:
        """AddrExtractor gives parts («г. Москва», «д. 5»): parts apart only by spaces and
        punctuation make one address."""
        groups: list[list[Any]] = []
        for match in sorted(addresses(text), key=lambda m: m.start):
            if match.fact.type is None:
                continue  # a word it could not place («Ивановой»)
            gap = text[groups[-1][-1].stop : match.start] if groups else None
            # Parts on one line (with words it did not know between: «мкр. Сходня»), or apart
            # by spaces and punctuation only, make one address.
            if gap is not None and ("\n" not in gap or re.fullmatch(r"[\s,.;]*", gap)):
                groups[-1].append(match)
            else:
                groups.append([match])
        found = []
        for group in groups:
            kinds = [m.fact.type for m in group]
            index = next((m.fact.value for m in group if m.fact.type == "индекс"), None)
            found.append(
                {"start": group[0].start, "stop": group[-1].stop, "postcode": index, "kinds": kinds}
            )
        return found

    def analyse(text: str, display: str) -> dict[str, Any]:
        return {
            "persons": persons(text),
            "addresses": places(text),
            "display": persons(display),
        }

    return analyse


def _pullenti_worker() -> Any:
    from pullenti.ner.ProcessorService import ProcessorService
    from pullenti.ner.SourceOfAnalysis import SourceOfAnalysis
    from pullenti.Sdk import Sdk

    Sdk.initialize_all()
    processor = ProcessorService.create_processor()
    # Pullenti 4.1's DateAnalyzer can fail on a relative date («year 0 is out of range»): such
    # a letter is read again without it, and counted.
    no_dates = ProcessorService.create_processor()
    for analyzer in list(no_dates.analyzers):
        if analyzer.name == "DATE":
            no_dates.del_analyzer(analyzer)
    retried = [0]

    def slot(entity: Any, name: str) -> str | None:
        value = entity.get_string_value(name)
        return str(value) if value else None

    def slots(entity: Any, name: str) -> list[str]:
        """All its variants («МАРЬЯ», «МАРИЯ»): the one nearest the letter is chosen."""
        return [str(s.value) for s in entity.slots if s.type_name == name and s.value]

    def entities(text: str) -> list[Any]:
        if not text.strip():
            return []
        # Its character table ends at U+FFFF (an emoji fails it): one space each, offsets kept.
        text = re.sub("[^\u0000-\uffff]", " ", text)
        try:
            return list(processor.process(SourceOfAnalysis(text), None, None).entities)
        except ValueError:
            retried[0] += 1
            return list(no_dates.process(SourceOfAnalysis(text), None, None).entities)

    def persons(found: list[Any]) -> list[dict[str, Any]]:
        return [
            {
                "starts": sorted(o.begin_char for o in e.occurrence),
                "surname": slots(e, "LASTNAME"),
                "name": slots(e, "FIRSTNAME"),
                "patronymic": slots(e, "MIDDLENAME"),
                "mention": str(e),
            }
            for e in found
            if e.type_name == "PERSON"
        ]

    def analyse(text: str, display: str) -> dict[str, Any]:
        found = entities(text)
        places = [
            {
                "start": o.begin_char,
                "stop": o.end_char + 1,
                "postcode": slot(e, "ZIP"),
                "kinds": sorted({s.type_name for s in e.slots}),
            }
            for e in found
            if e.type_name == "ADDRESS"
            for o in e.occurrence
        ]
        places.sort(key=lambda p: p["start"])
        return {
            "persons": persons(found),
            "addresses": places,
            "display": persons(entities(display)),
            "retried": retried[0],
        }

    return analyse


def worker(library: str) -> None:
    start = time.perf_counter()
    analyse = _natasha_worker() if library == "natasha" else _pullenti_worker()
    print(json.dumps({"load_ms": (time.perf_counter() - start) * 1000}), flush=True)
    for line in sys.stdin:
        item = json.loads(line)
        start = time.perf_counter()
        try:
            found = analyse(item["text"], item.get("display") or "")
        except Exception as error:  # a letter the library fails on reads as nothing found
            found = {"persons": [], "addresses": [], "display": [], "failed": type(error).__name__}
        found["ms"] = (time.perf_counter() - start) * 1000
        print(json.dumps(found, ensure_ascii=False), flush=True)


# ---------------------------------------------------------------- the same choices for both


@dataclass
class Person:
    starts: list[int]
    surname: str | None
    name: str | None
    patronymic: str | None


_OT = re.compile(r"(?:^|\s)от\s*$", re.IGNORECASE)
_LABEL = re.compile(r"^(?:[^\d,:]*:|[^\d,]*?адрес\w*)\s*", re.IGNORECASE)
_POSTCODE_BEFORE = re.compile(r"(?<!\d)(\d{6})[ \t,]*$")
_POSTCODE_AFTER = re.compile(r"[ \t,]*\n?[ \t]*(?:индекс:?\s*)?(\d{6})(?!\d)", re.IGNORECASE)
# What makes a postal address of what a library found: a house or a flat, or a street with
# a postcode; not a street alone («в офисе на ул. Тверской»), nor a postcode alone (Natasha
# reads any six digits, a passport's too, as one).
_HOUSE = {
    *("дом", "корпус", "строение", "квартира", "офис"),
    *("HOUSE", "CORPUS", "BUILDING", "CORPUSORFLAT", "FLAT", "OFFICE", "POSTOFFICEBOX", "PLOT"),
}
_STREET = {
    *("улица", "проспект", "проезд", "переулок", "площадь", "шоссе", "набережная", "бульвар"),
    *("микрорайон", "STREET"),
}


def _titled(word: str | None, text: str) -> str | None:
    if not word:
        return None
    word = word.strip(" .")
    if len(word) <= 1:
        return None  # an initial is no name
    word = " ".join(
        "-".join(p[:1].upper() + p[1:].lower() for p in part.split("-")) for part in word.split()
    )
    # In capitals where the letter writes it so («ПОПОВ ВЛАДИМИР»).
    stem = word.lower()[: max(3, len(word) - 2)]
    seen = [w for w in re.findall(r"\w+", text) if w.lower().startswith(stem)]
    if seen and all(w.isupper() for w in seen):
        word = word.upper()
    # «ё» where the letter spells it (Pullenti writes Е): «Семёновичу» → «Семёнович».
    for written in {w.lower() for w in re.findall(r"\w*ё\w*", text, re.IGNORECASE)}:
        at = written.index("ё")
        plain = written.replace("ё", "е")
        low = word.lower()
        if len(low) > at + 1 and low[: at + 2] == plain[: at + 2]:
            word = word[:at] + ("Ё" if word[at].isupper() else "ё") + word[at + 1 :]
    return word


def _common_start(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _nearest(variants: list[str], text: str) -> str | None:
    """Of a library's variants of a name, the one sharing the longest start with a word of
    the letter («Марии» → «Мария», not «Марья»)."""
    if len(variants) <= 1:
        return variants[0] if variants else None
    words = {w.lower().replace("ё", "е") for w in re.findall(r"\w+", text)}

    def shared(variant: str) -> int:
        v = variant.lower().replace("ё", "е")
        return max((_common_start(v, w) for w in words), default=0)

    return max(variants, key=shared)


def _people(found: list[dict[str, Any]], text: str) -> list[Person]:
    people = []
    for p in found:
        person = Person(
            p["starts"],
            _titled(_nearest(p["surname"], text), text),
            _titled(_nearest(p["name"], text), text),
            _titled(_nearest(p["patronymic"], text), text),
        )
        if person.surname or person.name:
            people.append(person)
    return people


def _same_surname(a: str | None, b: str | None) -> bool:
    """«Смирнов» (a library's nominative of «Смирнова А. П.») and «Смирнова» are one."""
    if not a or not b:
        return False
    a, b = sorted((a.lower().replace("ё", "е"), b.lower().replace("ё", "е")), key=len)
    return b.startswith(a) and len(b) - len(a) <= 1


def _sender(people: list[Person], display: list[Person], text: str, rule: str) -> Person | None:
    chosen = None
    if people and rule == "ot":
        for person in sorted(people, key=lambda p: p.starts[0]):
            if any(_OT.search(text[text.rfind("\n", 0, s) + 1 : s]) for s in person.starts):
                chosen = person
                break
    if people and chosen is None:
        chosen = (
            min(people, key=lambda p: p.starts[0])
            if rule == "first"
            else max(people, key=lambda p: max(p.starts))
        )
    # A mention with the name spells the surname in the right gender too («Смирнова А. П.»
    # alone is as well «Смирнов»): the whole of it, at the chosen mention.
    if chosen is not None and chosen.name is None:
        for other in people:
            if other.name and _same_surname(other.surname, chosen.surname):
                chosen = Person(chosen.starts, other.surname, other.name, other.patronymic)
                break
    shown = display[0] if display else None
    if shown is None:
        return chosen
    if chosen is None or (chosen.surname is None and shown.surname is not None):
        return Person(chosen.starts if chosen else [], shown.surname, shown.name, shown.patronymic)
    if chosen.name is None and _same_surname(chosen.surname, shown.surname):
        return Person(chosen.starts, shown.surname, shown.name, shown.patronymic)
    return chosen


def _address(
    found: list[dict[str, Any]], text: str, after: int, org_postcodes: frozenset[str]
) -> tuple[str | None, str | None]:
    places = []
    for place in found:
        postcode = re.sub(r"\s", "", place["postcode"]) if place["postcode"] else None
        kinds = set(place["kinds"])
        if postcode in org_postcodes or not (kinds & _HOUSE or (postcode and kinds & _STREET)):
            continue
        places.append((place, postcode))
    if not places:
        return None, None
    place, postcode = next(((p, c) for p, c in places if p["start"] >= after), places[0])
    if postcode is None:
        # A postcode the library left just outside its address («656056, Барнаул, …»,
        # «…, кв. 45, индекс 625000»).
        before = _POSTCODE_BEFORE.search(text, max(0, place["start"] - 12), place["start"])
        behind = _POSTCODE_AFTER.match(text, place["stop"])
        found = before or behind
        if found is not None and found.group(1) not in org_postcodes:
            postcode = found.group(1)
    rest = _LABEL.sub("", " ".join(text[place["start"] : place["stop"]].split()))
    if postcode:
        digits = r"\s?".join(postcode)
        rest = re.sub(rf"(?<!\d){digits}(?!\d)\s*,?\s*", "", rest, count=1)
    rest = rest.strip(" ,.;")
    if not rest:
        return None, None
    return postcode, f"{postcode}, {rest}" if postcode else rest


def library_fields(
    found: dict[str, Any], text: str, display: str, rule: str, org_postcodes: frozenset[str]
) -> dict[str, Any]:
    people, shown = _people(found["persons"], text), _people(found["display"], display)
    person = _sender(people, shown, text, rule)
    after = person.starts[0] if person and person.starts else 0
    postcode, address = _address(found["addresses"], text, after, org_postcodes)
    return {
        "surname": person.surname if person else None,
        "name": person.name if person else None,
        "patronymic": person.patronymic if person else None,
        "postcode": postcode,
        "postal_address": address,
    }


# ---------------------------------------------------------------- the bench (project's venv)


def run_library(python: str, library: str, items: list[dict[str, str]]) -> tuple[float, list[Any]]:
    """The worker's load time (ms) and its answers, one per item, in order."""
    done = subprocess.run(
        [python, str(Path(__file__).resolve()), "--worker", library],
        input="".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if done.returncode != 0:  # its last line only: no letter's text is shown
        last = (done.stderr.strip().splitlines() or [""])[-1][:200]
        sys.exit(f"{library} worker failed ({done.returncode}): {last}")
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if len(lines) != len(items) + 1:
        sys.exit(f"{library} worker answered {len(lines) - 1} of {len(items)} letters")
    return lines[0]["load_ms"], lines[1:]


def pismo_ms(cases: list[Any], rules: Any, rounds: int = 3) -> float:
    """Median warm time of pismo's field extraction alone (``extract_fields``), in ms."""
    from intake.fields import extract_fields
    from intake.reading import cyrillic_words

    times = []
    for _ in range(rounds):
        for case in cases:
            letter = case.letter
            start = time.perf_counter()
            extract_fields(
                cyrillic_words(letter.text),
                channel=letter.channel,
                sender_email=letter.sender_email,
                sender_name=letter.sender_name,
                sent_at=letter.sent_at,
                known=rules.known,
            )
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    from intake.reading import cyrillic_words
    from tests.reading.labelled import SPLITS, _same, default_rules, load, median_ms, read_all

    cases = load()
    rules = default_rules()
    org = frozenset(rules.known.postcodes)
    readings = read_all(cases, rules)
    got: dict[str, dict[str, dict[str, Any]]] = {
        "pismo": {c.file: {k: getattr(readings[c.file].fields, k) for k in FIELDS} for c in cases}
    }
    timing = {"pismo": (0.0, pismo_ms(cases, rules))}
    trouble: dict[str, tuple[int, int]] = {}
    texts = {c.file: cyrillic_words(c.letter.text) for c in cases}
    items = [{"text": texts[c.file], "display": c.letter.sender_name or ""} for c in cases]
    for library in LIBRARIES:
        load_ms, answers = run_library(args.libs_python, library, items)
        got[library] = {
            c.file: library_fields(a, texts[c.file], c.letter.sender_name or "", args.sender, org)
            for c, a in zip(cases, answers, strict=True)
        }
        timing[library] = (load_ms, statistics.median(a["ms"] for a in answers))
        trouble[library] = (sum("failed" in a for a in answers), answers[-1].get("retried", 0))

    readers = ("pismo", *LIBRARIES)
    head = f"{'reader':<9}{'split':<8}{'n':>4}" + "".join(f"{k[:14]:>15}" for k in FIELDS)
    print(f"sender rule for the libraries: {args.sender}\n")
    print(head + f"{'ms/letter':>11}")
    for reader in readers:
        for split in (*SPLITS, "all"):
            part = [c for c in cases if split in ("all", c.split)]
            right = {
                k: sum(_same(k, got[reader][c.file][k], c.expected[k]) for c in part)
                for k in FIELDS
            }
            row = f"{reader:<9}{split:<8}{len(part):>4}"
            row += "".join(f"{right[k] / len(part):>15.1%}" for k in FIELDS)
            if split == "all":
                row += f"{timing[reader][1]:>11.1f}"
            print(row)
        print()
    print(
        "ms/letter: median, warm. pismo: extract_fields alone "
        f"(the whole read_letter: {median_ms(cases, rules, rounds=1):.1f} ms); "
        "the libraries: names and addresses of the text and the display name."
    )
    for library in LIBRARIES:
        failed, retried = trouble[library]
        print(
            f"{library}: load (models, dictionaries) {timing[library][0] / 1000:.1f} s; "
            f"letters it failed on (read as nothing found) {failed}"
            + (f"; read again without its DateAnalyzer {retried}" if library == "pullenti" else "")
        )
    if args.errors:
        for reader in readers:
            print(f"\n== {reader}: wrong values (tune, holdout; {HELD_OUT} never shown)")
            for case in cases:
                if case.split == HELD_OUT:
                    continue
                for k in FIELDS:
                    value, want = got[reader][case.file][k], case.expected[k]
                    if not _same(k, value, want):
                        print(f"{case.split} {case.file}: {k} = {value!r}, expected {want!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true", help="wrong values (not of blind)")
    parser.add_argument(
        "--libs-python",
        default="/work/libs-venv/bin/python",
        help="the interpreter of the virtualenv with natasha and pullenti",
    )
    parser.add_argument(
        "--sender",
        choices=("ot", "last", "first"),
        default="ot",
        help="how the libraries' sender is chosen among the persons found",
    )
    parser.add_argument("--worker", choices=LIBRARIES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
    else:
        bench(args)


if __name__ == "__main__":
    main()
