"""HTML templates to PDF.

Templates are looked up in the organisation's own folder first, then in the
packaged ones, each first under the regime's subfolder (``telecom/``,
``public/``) and then at the top: a deployment overrides any letter by
dropping a file of the same name.  Autoescaping is on: letter text comes from
citizens' mail and must never become markup.

WeasyPrint pays for font setup on its first document; one ``Renderer`` keeps
its ``FontConfiguration`` for every letter it renders.
"""

from __future__ import annotations

import functools
import logging
import tomllib
from pathlib import Path
from typing import Any

import jinja2

from errors import RenderError

TEMPLATES = Path(__file__).parent / "templates"
STATUTES = Path(__file__).parent / "data" / "statutes.toml"


@functools.cache
def statutes() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = tomllib.loads(STATUTES.read_text(encoding="utf-8"))
    for entry in data.values():
        entry["citation_ablt"] = _instrumental(entry["citation"])
    return data


def _instrumental(citation: str) -> str:
    """«часть 1 статьи 11 …» → «частью 1 статьи 11 …», for «в соответствии с …»."""
    first, _, rest = citation.partition(" ")
    return (
        {"часть": "частью", "пункт": "пунктом", "статья": "статьей"}.get(first, first) + " " + rest
    )


class Renderer:
    def __init__(self, override_dir: Path | None = None) -> None:
        loaders: list[jinja2.BaseLoader] = []
        if override_dir is not None:
            loaders.append(jinja2.FileSystemLoader(override_dir))
        loaders.append(jinja2.FileSystemLoader(TEMPLATES))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._font_config: Any = None

    def html(self, template: str, regime: str, context: dict[str, Any]) -> str:
        try:
            chosen = self.env.select_template([f"{regime}/{template}.html", f"{template}.html"])
            css = self.env.get_template("letter.css").render()
            return chosen.render(css=css, **context)
        except jinja2.TemplateError as exc:
            raise RenderError(f"template {template!r}: {exc}") from exc

    def pdf(self, html: str) -> bytes:
        # Imported here: WeasyPrint loads Pango at import, which commands
        # that never render (list, export) should not pay for.
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration

        if self._font_config is None:
            self._font_config = FontConfiguration()
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        try:
            result: bytes = HTML(string=html, base_url=str(TEMPLATES)).write_pdf(
                font_config=self._font_config
            )
        except Exception as exc:  # WeasyPrint raises many kinds on bad input
            raise RenderError(f"PDF rendering failed: {exc}") from exc
        return result
