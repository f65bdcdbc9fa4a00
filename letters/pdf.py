"""Many letters to many PDF files, each complete on its own, at batch speed.

WeasyPrint's cost per letter is layout (``render()``) plus ``write_pdf()``,
which pays for font subsetting and the PDF object graph once per document.
So letters are laid out one by one, each as its own document (its own
``page`` / ``pages`` counters, so «2 из 3» is right for every letter), then
up to ``chunk`` of them are written as ONE PDF, and pikepdf splits that PDF
back into one file per letter.  Each file carries the pages it needs and every
object they reference (fonts subsetted over the chunk, so each file has all
the glyphs it shows), its own document info and XMP metadata (title, author,
dates, PDF/A identification) and the output intent PDF/A needs.  The chunk
bounds memory: pages of at most ``chunk`` letters are alive at once.

The letter's stylesheet is parsed once and passed to every document instead
of being inlined in each HTML string.

Output is deterministic: the same HTML and the same ``created`` time give the
same bytes (the file identifier is derived from the content).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pismo.errors import RenderError

PDFA = "pdf/a-2b"
PRODUCER = "pismo (WeasyPrint, pikepdf)"


@dataclass(frozen=True)
class LetterDoc:
    """One letter ready for PDF: its HTML (without the shared stylesheet) and metadata."""

    html: str
    title: str
    author: str
    lang: str = "ru"


def _chunks(docs: Sequence[LetterDoc], size: int) -> Iterator[Sequence[LetterDoc]]:
    for start in range(0, len(docs), size):
        yield docs[start : start + size]


def _pdf_date(when: dt.datetime) -> str:
    offset = when.strftime("%z")
    tz = f"{offset[:3]}'{offset[3:]}'" if offset else "Z"
    return when.strftime("D:%Y%m%d%H%M%S") + tz


class PdfEngine:
    """Lays out letters and writes them in batches; reuse one engine for many letters."""

    def __init__(self, css: str, base_url: str, *, variant: str | None = PDFA, chunk: int = 25):
        self.css_text = css
        self.base_url = base_url
        self.variant = variant
        self.chunk = chunk

    @functools.cached_property
    def _weasy(self) -> tuple[Any, Any]:
        # Imported late: WeasyPrint loads Pango at import, which commands that
        # never render should not pay for.
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        fonts = FontConfiguration()
        return fonts, CSS(string=self.css_text, font_config=fonts, base_url=self.base_url)

    def pdfs(self, docs: Sequence[LetterDoc], created: dt.datetime) -> list[bytes]:
        """One complete PDF file per letter, in order."""
        out: list[bytes] = []
        for chunk in _chunks(docs, self.chunk):
            out.extend(self._write_chunk(chunk, created))
        return out

    def pdf(self, doc: LetterDoc, created: dt.datetime) -> bytes:
        return self.pdfs([doc], created)[0]

    def layout(self, html: str) -> Any:
        """A laid-out WeasyPrint document, for callers that only need pages (tests, counts)."""
        from weasyprint import HTML

        fonts, css = self._weasy
        try:
            return HTML(string=html, base_url=self.base_url).render(
                stylesheets=[css], font_config=fonts
            )
        except Exception as exc:  # WeasyPrint raises many kinds on bad input
            raise RenderError(f"letter layout failed: {exc}") from exc

    def _write_chunk(self, chunk: Sequence[LetterDoc], created: dt.datetime) -> list[bytes]:
        documents = [self.layout(doc.html) for doc in chunk]
        counts = [len(d.pages) for d in documents]
        combined = documents[0].copy([p for d in documents for p in d.pages])
        try:
            data = combined.write_pdf(pdf_variant=self.variant)
        except Exception as exc:
            raise RenderError(f"PDF writing failed: {exc}") from exc
        return list(split(data, chunk, counts, created))


def split(
    data: bytes, docs: Iterable[LetterDoc], counts: Iterable[int], created: dt.datetime
) -> Iterator[bytes]:
    """Cut a combined PDF into one file per letter with its own metadata."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as src:
        intents = src.Root.get("/OutputIntents")
        metadata = src.Root.get("/Metadata")
        start = 0
        for doc, count in zip(docs, counts, strict=True):
            dst = pikepdf.new()
            for page in src.pages[start : start + count]:
                dst.pages.append(page)
            start += count
            if intents is not None:
                dst.Root.OutputIntents = pikepdf.Array(
                    [dst.copy_foreign(src.make_indirect(i)) for i in intents]
                )
            if metadata is not None:
                dst.Root.Metadata = dst.copy_foreign(metadata)
            _describe(dst, doc, created)
            buffer = io.BytesIO()
            dst.save(buffer, deterministic_id=True, compress_streams=True)
            yield buffer.getvalue()


def _describe(pdf: Any, doc: LetterDoc, created: dt.datetime) -> None:
    """The letter's own document info and XMP (the combined PDF had the first letter's)."""
    import pikepdf

    pdf.Root.Lang = pikepdf.String(doc.lang)
    stamp = _pdf_date(created)
    pdf.docinfo = pdf.make_indirect(
        pikepdf.Dictionary(
            Title=pikepdf.String(doc.title),
            Author=pikepdf.String(doc.author),
            Creator=pikepdf.String("pismo"),
            Producer=pikepdf.String(PRODUCER),
            CreationDate=pikepdf.String(stamp),
            ModDate=pikepdf.String(stamp),
        )
    )
    if "/Metadata" not in pdf.Root:
        return
    iso = created.isoformat()
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = doc.title
        meta["dc:creator"] = [doc.author]
        meta["dc:language"] = [doc.lang]
        meta["pdf:Producer"] = PRODUCER
        meta["xmp:CreatorTool"] = "pismo"
        meta["xmp:CreateDate"] = iso
        meta["xmp:ModifyDate"] = iso
