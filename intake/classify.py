"""Kind of appeal and category (LAW.md), each with the words that decided it.

The vocabulary is data (``data/classify.toml``); the rules here only count it.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data" / "classify.toml"
KINDS = ("claim", "complaint", "statement", "proposal")
_HEADINGS = {"претензия": "claim", "жалоба": "complaint", "заявление": "statement",
             "предложение": "proposal"}  # fmt: skip


@dataclass(frozen=True)
class Classification:
    kind: str
    category: str
    evidence: dict[str, list[str]]


@functools.cache
def _vocabulary() -> dict[str, dict[str, list[re.Pattern[str]]]]:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    return {
        section: {
            label: [re.compile(r"(?<!\w)" + pattern) for pattern in patterns]
            for label, patterns in labels.items()
        }
        for section, labels in data.items()
    }


def _hits(text: str, patterns: list[re.Pattern[str]]) -> list[str]:
    return [m.group() for p in patterns for m in p.finditer(text)]


def _heading_kind(text: str) -> tuple[str, str] | None:
    for line in text.splitlines()[:40]:
        words = line.strip().strip(".:!").lower().split()
        first = words[0].rstrip(".:!,") if words else ""
        # «Жалоба», «ЖАЛОБА», «Жалоба на сотрудника …», a subject «Жалоба: тариф сменили»:
        # a heading, not a sentence.
        if (
            first in _HEADINGS
            and len(line) < 80
            and (len(words) == 1 or words[0].endswith(":") or words[1] in ("на", "о", "об", "по"))
        ):
            return _HEADINGS[first], line.strip()
    return None


def classify(text: str, subject: str = "") -> Classification:
    lowered = f"{subject}\n{text}".lower()
    vocabulary = _vocabulary()
    evidence: dict[str, list[str]] = {}
    heading = _heading_kind(f"{subject}\n{text}")
    if heading is not None:
        kind = heading[0]
        evidence["kind"] = [heading[1]]
    else:
        scores = {k: _hits(lowered, vocabulary["kind"][k]) for k in KINDS}
        kind = max(KINDS, key=lambda k: len(scores[k]))  # a tie goes to the earlier kind
        kind = kind if scores[kind] else "statement"
        evidence["kind"] = scores[kind][:5]
    categories = {c: _hits(lowered, p) for c, p in vocabulary["category"].items()}
    category = max(categories, key=lambda c: len(categories[c]))
    if not categories[category]:
        category = "other"
    evidence["category"] = categories.get(category, [])[:5]
    return Classification(kind=kind, category=category, evidence=evidence)
