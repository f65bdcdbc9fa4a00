"""Scanned letters made up for tests and benchmarks, with the text drawn on them.

Pages are drawn by ``scripts/make_samples.py`` (the same typewriter that
made the bundled samples), from letters assembled here with a seeded random
generator, then aged: ``age_quickly`` (Pillow: skew, blur, grey, noise, JPEG;
milliseconds, for tests) or ``age_like_a_scanner`` (augraphy: ink bleed, toner
and paper texture, skew, JPEG; seconds per page, for the benchmark,
which caches its pages).  ``cer`` measures character error rate against the
text that was drawn.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence

from PIL import Image, ImageFilter
from rapidfuzz.distance import Levenshtein

from scripts.make_samples import PaperLetter, render_letter  # type: ignore[import-not-found]

SURNAMES = [
    ("Смирнова", "Анна", "Петровна", "Смирновой Анны Петровны"),
    ("Кузнецов", "Игорь", "Васильевич", "Кузнецова Игоря Васильевича"),
    ("Морозова", "Елена", "Андреевна", "Морозовой Елены Андреевны"),
    ("Волков", "Дмитрий", "Сергеевич", "Волкова Дмитрия Сергеевича"),
    ("Лебедева", "Ольга", "Николаевна", "Лебедевой Ольги Николаевны"),
    ("Соколов", "Павел", "Михайлович", "Соколова Павла Михайловича"),
]
CITIES = ["г. Тверь", "г. Казань", "г. Самара", "г. Пермь", "г. Омск", "г. Курск"]
STREETS = ["ул. Советская", "ул. Садовая", "пр. Мира", "ул. Лесная", "ул. Гагарина"]
COMPLAINTS = [
    "С моего лицевого счёта списаны деньги за услугу, которую я не подключал.",
    "Мобильный интернет в моём доме работает очень медленно уже второй месяц.",
    "Звонки обрываются через минуту после начала разговора, особенно вечером.",
    "В счёте за октябрь начислена плата за роуминг, хотя я не выезжал из города.",
    "Сотрудник салона связи отказался принять моё заявление о смене тарифа.",
    "После смены тарифа абонентская плата выросла без моего согласия.",
    "Я неоднократно обращался на горячую линию, однако оператор каждый раз обещал "
    "передать информацию специалистам, и ничего не менялось.",
    "Услуги связи оплачиваются мною полностью и вовремя, задолженности по лицевому "
    "счёту нет, что подтверждается квитанциями об оплате.",
    "Считаю, что услуга оказывается ненадлежащего качества, а мои устные обращения "
    "остались без результата.",
]
DEMANDS = [
    "Прошу провести проверку и вернуть списанные средства на мой лицевой счёт.",
    "Прошу устранить неисправность и сделать перерасчёт абонентской платы.",
    "Прошу сообщить о результатах рассмотрения письменно по указанному адресу.",
]
HEADINGS = [("ПРЕТЕНЗИЯ", "о перерасчёте платы"), ("ЖАЛОБА", None), ("ЗАЯВЛЕНИЕ", None)]


def make_letter(seed: int, paragraphs: int = 6, email: str | None = None) -> PaperLetter:
    """A one-page typed letter; the same seed gives the same letter."""
    rng = random.Random(seed)
    surname, name, patronymic, genitive = rng.choice(SURNAMES)
    postcode = f"{rng.randint(100000, 699999)}"
    address = (
        f"{postcode}, {rng.choice(CITIES)}, {rng.choice(STREETS)}, "
        f"д. {rng.randint(1, 99)}, кв. {rng.randint(1, 200)}"
    )
    account = "".join(str(rng.randint(0, 9)) for _ in range(10))
    heading, subheading = rng.choice(HEADINGS)
    body = [
        f"Я являюсь абонентом ООО «Связь-Регион», лицевой счёт № {account}.",
        *rng.sample(COMPLAINTS, k=min(paragraphs, len(COMPLAINTS))),
        rng.choice(DEMANDS),
    ]
    return PaperLetter(
        header=(
            "В ООО «Связь-Регион»",
            "",
            f"от {genitive},",
            f"адрес: {address}",
            *([f"e-mail: {email}"] if email else []),
        ),
        heading=heading,
        subheading=subheading,
        paragraphs=tuple(body),
        attachments=(),
        date_text=f"{rng.randint(10, 28)}.10.2026",
        signer=f"{name[0]}. {patronymic[0]}. {surname}",
    )


def drawn_text(letter: PaperLetter) -> str:
    """Every word drawn on the page, in reading order (the scribble is not text)."""
    lines = [line for line in letter.header if line]
    lines += [letter.heading, *([letter.subheading] if letter.subheading else [])]
    lines += list(letter.paragraphs)
    if letter.attachments:
        lines += ["Приложения:", *letter.attachments]
    lines += [letter.date_text, "Подпись", f"/ {letter.signer} /"]
    return "\n".join(lines)


def pages(letter: PaperLetter) -> list[Image.Image]:
    return list(render_letter(letter))


def normalise(text: str) -> str:
    return " ".join(text.split())


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: edits to turn what was read into what was drawn, per
    character drawn, whitespace runs counted as one space."""
    ref = normalise(reference)
    return Levenshtein.distance(ref, normalise(hypothesis)) / max(1, len(ref))


def jpeg(page: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    page.save(buf, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def age_quickly(page: Image.Image, seed: int, skew: float = 1.0, noise: int = 20) -> Image.Image:
    """Office-scanner damage in milliseconds: grey paper, skew, blur, noise, JPEG."""
    rng = random.Random(seed)
    grey = page.point(lambda v: 60 + v * 170 // 255)
    skewed = grey.rotate(rng.uniform(-skew, skew), Image.Resampling.BICUBIC, fillcolor=235)
    blurred = skewed.filter(ImageFilter.GaussianBlur(0.8))
    speckle = Image.effect_noise(page.size, noise).point(lambda v: v - 128)
    noisy = Image.blend(blurred, speckle.convert("L"), 0.12)
    return jpeg(noisy, 60)


def age_like_a_scanner(page: Image.Image, seed: int) -> Image.Image:
    """Realistic office-scanner damage (augraphy); 5-7 s a page.

    No ``DirtyDrum`` or ``BadPhotoCopy``: their streaks are a worn photocopier's,
    which no OCR reads at office-scan accuracy (NOTES.md: a third of the letters)."""
    import augraphy as ag  # the benchmark's dependency, slow to import
    import numpy as np

    pipeline = ag.AugraphyPipeline(
        ink_phase=[
            ag.InkBleed(intensity_range=(0.1, 0.3), kernel_size=(3, 3), severity=(0.2, 0.4)),
            ag.LowInkRandomLines(count_range=(3, 8), use_consistent_lines=False, p=0.5),
        ],
        paper_phase=[
            ag.ColorPaper(hue_range=(0, 10), saturation_range=(5, 20), p=0.5),
            ag.NoiseTexturize(sigma_range=(2, 6), turbulence_range=(2, 5), p=0.7),
        ],
        post_phase=[
            ag.SubtleNoise(subtle_range=10, p=0.8),
            ag.Geometric(rotate_range=(-2, 2), p=0.8),
            ag.Jpeg(quality_range=(40, 75), p=1.0),
        ],
        random_seed=seed,
    )
    aged = pipeline(np.asarray(page.convert("L")))
    return Image.fromarray(aged).convert("L")


def save(images: Sequence[Image.Image], fmt: str) -> bytes:
    """Pages as one file: PNG, JPEG (first page only), multi-page TIFF or image-only PDF."""
    buf = io.BytesIO()
    first, rest = images[0], list(images[1:])
    if fmt == "PDF":
        first.save(buf, format="PDF", save_all=True, append_images=rest, resolution=300.0)
    elif fmt == "TIFF":
        first.save(buf, format="TIFF", save_all=True, append_images=rest, dpi=(300, 300))
    else:
        first.save(buf, format=fmt, dpi=(300, 300))
    return buf.getvalue()
