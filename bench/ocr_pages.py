"""The aged pages bench/ocr.py measures on, with the text printed on each.

Two grades, each drawn from known letters (tests/scans.py) and aged with a
fixed seed, so every machine makes the same pages (5-10 s a page, cached in
bench/data/honest/, not versioned):

* office: ``age_like_a_scanner`` (augraphy: ink bleed, faded lines, paper
  texture, skew, JPEG), seeds 3000-3023;
* photocopy: ``age_like_a_photocopy`` (tests/photocopy.py: BadPhotoCopy,
  DirtyDrum, LowInkRandomLines with Folding, dark bands, faint pages, and all
  at once), seeds 2000-2023, the kind cycling with the seed.

The quality threshold and line filter were tuned on the first half of each
grade (``TUNE``: seeds 2000-2011, 3000-3011) and are reported on the second
(``TEST``: 2012-2023, 3012-3023), which nobody looked at while tuning.
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.photocopy import PHOTOCOPY_KINDS, age_like_a_photocopy  # noqa: E402
from tests.scans import age_like_a_scanner, drawn_text, make_letter, pages, save  # noqa: E402

DATA = REPO / "bench" / "data" / "honest"
PER_GRADE = 24
FIRST_SEED = {"photocopy": 2000, "office": 3000}
TUNED_ON = 12  # the first 12 seeds of each grade


@dataclass(frozen=True)
class Page:
    grade: str  # "office" or "photocopy"
    seed: int
    kind: str  # the damage done
    part: str  # "tune" or "test"

    @property
    def path(self) -> Path:
        return DATA / f"{self.grade}-{self.seed}-{self.kind}.png"

    @property
    def truth(self) -> str:
        return self.path.with_suffix(".txt").read_text("utf-8")


def page_set(per_grade: int = PER_GRADE) -> list[Page]:
    found = []
    for grade, first in FIRST_SEED.items():
        for n in range(per_grade):
            kind = PHOTOCOPY_KINDS[n % len(PHOTOCOPY_KINDS)] if grade == "photocopy" else "scan"
            found.append(Page(grade, first + n, kind, "tune" if n < TUNED_ON else "test"))
    return found


def make(page: Page) -> Page:
    if not page.path.exists() or not page.path.with_suffix(".txt").exists():
        letter = make_letter(page.seed)
        (image,) = pages(letter)
        if page.grade == "office":
            aged = age_like_a_scanner(image, page.seed)
        else:
            aged = age_like_a_photocopy(image, page.seed, page.kind)
        page.path.write_bytes(save([aged], "PNG"))
        page.path.with_suffix(".txt").write_text(drawn_text(letter), encoding="utf-8")
    return page


def made(per_grade: int = PER_GRADE, processes: int = 2) -> list[Page]:
    """The page set, made where it is not cached yet."""
    DATA.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(processes) as pool:
        return list(pool.map(make, page_set(per_grade)))


if __name__ == "__main__":
    for page in made():
        print(page.part, page.path.relative_to(REPO))
