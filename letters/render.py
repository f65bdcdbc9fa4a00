"""HTML templates to PDF.

Templates are looked up in the organisation's own folder first, then in the
packaged ones, each first under the regime's subfolder (``telecom/``,
``public/``) and then at the top: a deployment overrides any letter by
dropping a file of the same name.  Autoescaping is on: letter text comes from
citizens' mail and must never become markup.

WeasyPrint pays for font setup on its first document; one ``Renderer`` keeps
one ``PdfEngine`` (its ``FontConfiguration`` and the parsed stylesheet) for
every letter it renders.  Statutes without a verified wording are cited and
never quoted: ``statutes()`` drops any text they might carry.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from letters.pdf import PDFA, LetterDoc, PdfEngine
from pismo.errors import RenderError

TEMPLATES = Path(__file__).parent / "templates"
STATUTES = Path(__file__).parent / "data" / "statutes.toml"


@functools.cache
def statutes() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = tomllib.loads(STATUTES.read_text(encoding="utf-8"))
    for entry in data.values():
        entry["citation_ablt"] = _instrumental(entry["citation"])
        entry.setdefault("verified", "text" in entry)
        if not entry["verified"]:
            entry.pop("text", None)  # an unverified wording is never quoted
    return data


def _instrumental(citation: str) -> str:
    """«часть 1 статьи 11 …» → «частью 1 статьи 11 …», for «в соответствии с …»."""
    first, _, rest = citation.partition(" ")
    return (
        {"часть": "частью", "пункт": "пунктом", "статья": "статьей"}.get(first, first) + " " + rest
    )


_REGULATION_ABLT = {
    "положение": "Положением",
    "регламент": "Регламентом",
    "порядок": "Порядком",
    "правила": "Правилами",
    "инструкция": "Инструкцией",
    "политика": "Политикой",
}


def regulation_ablt(name: str) -> str:
    """«Положение о порядке …» → «Положением о порядке …»; other names are quoted as titles."""
    first, _, rest = name.partition(" ")
    word = _REGULATION_ABLT.get(first.lower())
    return f"{word} {rest}".strip() if word else f"документом «{name}»"


# «№ 59-ФЗ», «№ 2300-1» and dates must not break at their hyphen or dots.
_NO_BREAK = re.compile(r"№\s?\d+(?:-[\dА-ЯA-Z]+)*|\d{2}\.\d{2}\.\d{4}")


# A one-letter word («О связи», «в сети») never ends a line.
_ONE_LETTER = re.compile(r"(?<![\w-])([А-ЯЁа-яё])\s+")


def no_break(text: str) -> markupsafe.Markup:
    escaped = _ONE_LETTER.sub("\\1\u00a0", str(markupsafe.escape(text)))
    return markupsafe.Markup(_NO_BREAK.sub(lambda m: f'<span class="nw">{m[0]}</span>', escaped))


# «д. 6», «кв. 1», «И. И. Иванов»: an abbreviation or an initial stays with what follows.
_BOUND_SPACE = re.compile(
    r"(?<!\w)(г|ул|д|кв|корп|стр|пр|просп|наб|пер|обл|пл|ш|б-р|оф|пом|[А-ЯЁ])\.\s+"
)


def bound(text: str | None) -> str:
    return _BOUND_SPACE.sub(lambda m: f"{m[1]}.\u00a0", text or "")


WEASYPRINT_LOCK = threading.Lock()


def template_environment(*folders: Path) -> jinja2.Environment:
    """Autoescaped HTML templates, looked up in ``folders`` in order (a deployment's
    own folder first overrides the packaged one); an undefined name is an error."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(folders)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class Renderer:
    """Templates to HTML, and HTML to PDF files through one batch ``PdfEngine``."""

    def __init__(self, override_dir: Path | None = None, variant: str | None = PDFA) -> None:
        self.env = template_environment(*filter(None, [override_dir]), TEMPLATES)
        self.env.filters["nobreak"] = no_break
        self.env.filters["bound"] = bound
        self.variant = variant

    @functools.cached_property
    def css(self) -> str:
        return self.env.get_template("letter.css").render()

    @functools.cached_property
    def engine(self) -> PdfEngine:
        return PdfEngine(self.css, str(TEMPLATES), variant=self.variant)

    def html(
        self, template: str, regime: str, context: dict[str, Any], *, inline_css: bool = False
    ) -> str:
        """The letter's HTML; ``inline_css`` makes it stand alone (for plain WeasyPrint)."""
        try:
            chosen = self.env.select_template([f"{regime}/{template}.html", f"{template}.html"])
            return chosen.render(css=self.css if inline_css else "", **context)
        except jinja2.TemplateError as exc:
            raise RenderError(f"template {template!r}: {exc}") from exc

    def letter(self, template: str, regime: str, context: dict[str, Any]) -> LetterDoc:
        return LetterDoc(
            html=self.html(template, regime, context),
            title=str(context["title"]),
            author=str(context["org"].name),
        )

    def pdf(self, html: str, title: str = "", author: str = "") -> bytes:
        """One letter from ``html()``'s output (kept for callers of the first API)."""
        return self.pdfs([LetterDoc(html=html, title=title, author=author)])[0]

    def pdfs(self, letters: Sequence[LetterDoc], created: dt.datetime | None = None) -> list[bytes]:
        # Pango and fontconfig under WeasyPrint are not thread-safe: worker jobs and web
        # requests run in threads, and two renders at once corrupted memory.
        with WEASYPRINT_LOCK:
            return self.engine.pdfs(
                letters, created or dt.datetime.now(dt.UTC).replace(microsecond=0)
            )
