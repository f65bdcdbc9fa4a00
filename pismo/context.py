"""The context every stage and action is given: the settings and what is built from them.

One per process.  Its parts are made on first use, so a command that never
renders a letter never loads the fonts, and one that reads no scan starts no
OCR worker.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from intake.fields import Known, extract_fields
from intake.grounds import OtherBody
from intake.reading import Rules
from letters.render import Renderer
from ocr.document import OcrOptions
from ocr.pool import OcrPool
from pismo.settings import Settings
from store.blobs import BlobStore
from store.deadlines import ProductionCalendar


@dataclass
class Context:
    settings: Settings

    @functools.cached_property
    def blobs(self) -> BlobStore:
        return BlobStore(self.settings.blob_dir)

    @functools.cached_property
    def calendar(self) -> ProductionCalendar:
        c = self.settings.calendar
        return ProductionCalendar(c.extra_holidays, c.extra_working_days)

    @functools.cached_property
    def renderer(self) -> Renderer:
        return Renderer(self.settings.org.template_dir)

    @functools.cached_property
    def ocr_options(self) -> OcrOptions:
        s = self.settings
        return OcrOptions(
            languages=s.ocr.languages,
            dpi=s.ocr.dpi,
            max_pixels=s.limits.max_image_pixels,
            max_pages=s.limits.max_pages,
            max_item_pixels=s.limits.max_item_pixels,
            layout=s.ocr.layout,
            page_seconds=s.ocr.page_seconds,
            min_quality=s.ocr.min_quality,
        )

    @functools.cached_property
    def ocr_pool(self) -> OcrPool:
        return OcrPool(self.settings.ocr.workers)

    def close(self) -> None:
        """Stop the OCR workers, if any were started."""
        if "ocr_pool" in self.__dict__:
            self.ocr_pool.close()

    @functools.cached_property
    def known(self) -> Known:
        """The organisation's own details, which letters quote and which are not the sender's."""
        org = self.settings.org
        own = extract_fields(f"{org.address}\n{org.phone}", channel="email")
        return Known(
            postcodes=frozenset(filter(None, [own.postcode])),
            emails=frozenset([org.email.lower()]),
            phones=frozenset(filter(None, [own.phone])),
        )

    @functools.cached_property
    def rules(self) -> Rules:
        s = self.settings
        bodies = tuple(OtherBody(b.name, tuple(b.topics)) for b in s.other_bodies)
        return Rules(s.org.regime, s.org.regulation, bodies, self.known)

    def today(self) -> dt.date:
        return dt.datetime.now(ZoneInfo(self.settings.org.timezone)).date()

    @property
    def db(self) -> str:
        return self.settings.db_url
