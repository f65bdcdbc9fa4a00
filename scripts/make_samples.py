"""Generate pismo's bundled sample appeals: e-mails, scanned letters, expected fields.

Run from the repository root:

    .venv/bin/python scripts/make_samples.py

Everything is deterministic (fixed dates, Message-IDs, MIME boundaries, PDF
timestamps, no randomness), so re-running it reproduces the committed files
byte for byte.  All persons, addresses, accounts and phone numbers are
fictitious.
"""

from __future__ import annotations

import io
import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email import charset as email_charset
from email.charset import Charset
from email.header import Header
from email.message import Message
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent.parent / "pismo" / "samples"  # package data
MAIL_DIR = HERE / "mail"
SCAN_DIR = HERE / "scans"

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SERIF = FONT_DIR / "DejaVuSerif.ttf"
SERIF_BOLD = FONT_DIR / "DejaVuSerif-Bold.ttf"
SANS = FONT_DIR / "DejaVuSans.ttf"
SANS_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

# A4 at 300 dpi; a real flatbed scan of a letter has exactly this raster.
DPI = 300
PAGE_W, PAGE_H = 2480, 3508
MM = DPI / 25.4
# GOST R 7.0.97 margins: 20 mm left, 10 mm right, 20 mm top and bottom;
# 30/15 mm is what people actually print with, and it reads more like a letter.
LEFT, RIGHT, TOP, BOTTOM = round(30 * MM), round(15 * MM), round(20 * MM), round(20 * MM)
BLOCK_X = round(105 * MM)  # the addressee block starts at the middle of the page
INDENT = round(12.5 * MM)  # first-line indent of a paragraph
BODY_PX = 50  # 12 pt at 300 dpi
HEAD_PX = 58  # 14 pt heading
LINE_GAP = 1.45  # between single and 1.5 spacing, as typed letters usually are

MSK = timezone(timedelta(hours=3))
ORG_NAME = "ООО «Связь-Регион»"
ORG_MAIL = "appeals@svyaz-region.example"
# Pillow writes "now" into a PDF's Info dictionary unless told otherwise.
PDF_TIME = time.strptime("2026-10-28 09:15:00", "%Y-%m-%d %H:%M:%S")


# --------------------------------------------------------------------------
# Data: who writes, and what the paper letters say
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A fictitious applicant; the nominative name is what extraction must return."""

    surname: str
    name: str
    patronymic: str
    postcode: str | None = None
    postal_address: str | None = None  # the full line as written, postcode included
    email: str | None = None
    phone: str | None = None  # normalised to +7XXXXXXXXXX

    @property
    def full_name(self) -> str:
        return f"{self.surname} {self.name} {self.patronymic}"

    @property
    def initials_surname(self) -> str:
        return f"{self.name[0]}. {self.patronymic[0]}. {self.surname}"


@dataclass(frozen=True)
class Style:
    """How a page looks: a clean laser print or a tired grey photocopy."""

    paper: int = 255
    ink: int = 0
    body_font: Path = SERIF
    bold_font: Path = SERIF_BOLD


@dataclass(frozen=True)
class PaperLetter:
    """A typed letter as people send them to an operator by post."""

    header: tuple[str, ...]  # the top-right block: addressee, then «от кого»
    heading: str
    subheading: str | None
    paragraphs: tuple[str, ...]
    attachments: tuple[str, ...]
    date_text: str
    signer: str  # «И. О. Фамилия» next to the signature


SMIRNOVA = Person(
    "Смирнова",
    "Анна",
    "Петровна",
    postcode="123456",
    postal_address="123456, г. Москва, ул. Ленина, д. 5, кв. 12",
    email="anna.smirnova@mail.example",
    phone="+79161234567",
)
KUZNETSOV = Person(
    "Кузнецов",
    "Игорь",
    "Владимирович",
    email="kuznetsov.igor@post.example",
    phone="+79035551234",
)
PETROV = Person(
    "Петров",
    "Сергей",
    "Николаевич",
    postcode="620014",
    postal_address="620014, г. Екатеринбург, ул. Школьная, д. 21, кв. 48",
    email="s.n.petrov@mail.example",
    phone="+79126001122",
)
GONCHARENKO = Person(
    "Гончаренко",
    "Ольга",
    "Ивановна",
    postcode="350000",
    postal_address="350000, г. Краснодар, ул. Красная, д. 120, кв. 5",
    email="olga.goncharenko@mail.example",
    phone="+79184321765",
)
SEDYKH = Person(
    "Седых",
    "Виктор",
    "Павлович",
    postcode="394030",
    postal_address="394030, г. Воронеж, ул. Садовая, д. 14, кв. 7",
    phone="+79107412235",
)
SHEVCHUK = Person(
    "Шевчук",
    "Мария",
    "Олеговна",
    postcode="603005",
    postal_address="603005, г. Нижний Новгород, ул. Минина, д. 9, кв. 33",
    phone="+79200184490",
)
# No postal address and no e-mail: the `no-postal-address` defect of a paper letter.
ORLOVA = Person("Орлова", "Татьяна", "Сергеевна", phone="+79057770321")

SEDYKH_CLAIM = PaperLetter(
    header=(
        "Генеральному директору",
        ORG_NAME,
        # The addressee's own address is a trap: its postcode is not the sender's.
        "125009, г. Москва, ул. Примерная, д. 1",
        "",
        "от Седых Виктора Павловича,",
        "проживающего по адресу:",
        SEDYKH.postal_address or "",
        "тел.: 8 910 741-22-35",
    ),
    heading="ПРЕТЕНЗИЯ",
    subheading="о возврате необоснованно списанных денежных средств",
    paragraphs=(
        "Я являюсь абонентом ООО «Связь-Регион» по договору № 36-112233 "
        "от 10.01.2023, лицевой счёт № 2345678901.",
        "В августе и сентябре 2026 г. с моего лицевого счёта списаны деньги "
        "за услугу, которую я не подключал: ежемесячно по 299 руб. за услугу "
        "«Мобильное ТВ». Согласия на подключение платной услуги я не давал, "
        "никаких SMS-подтверждений не отправлял. Всего списано 598 руб.",
        "На основании статьи 55 Федерального закона от 07.07.2003 № 126-ФЗ «О связи» прошу:",
        "1. Отключить услугу «Мобильное ТВ».",
        "2. Вернуть 598 руб. на мой лицевой счёт.",
        "3. Ответ направить по почтовому адресу, указанному выше.",
    ),
    attachments=(
        "1. Копия договора № 36-112233 на 3 л.",
        "2. Детализация счёта за август и сентябрь 2026 г. на 2 л.",
    ),
    date_text="02.11.2026",
    signer=SEDYKH.initials_surname,
)

SHEVCHUK_COMPLAINT = PaperLetter(
    header=(
        "В ООО «Связь-Регион»",
        "",
        "от Шевчук Марии Олеговны,",
        "проживающей по адресу:",
        SHEVCHUK.postal_address or "",
        "тел.: +7 (920) 018-44-90",
    ),
    heading="ЖАЛОБА",
    subheading="на качество мобильной связи",
    paragraphs=(
        "Я, Шевчук Мария Олеговна, с 2021 года пользуюсь услугами мобильной "
        "связи ООО «Связь-Регион», абонентский номер +7 (920) 018-44-90, "
        "лицевой счёт № 4567890123.",
        "С конца сентября 2026 г. у меня дома (ул. Минина, д. 9) и на работе "
        "(ул. Большая Покровская, д. 40) постоянно обрываются телефонные "
        "разговоры. Соединение прерывается через одну-две минуты после начала "
        "разговора: собеседник перестаёт меня слышать, затем звонок "
        "сбрасывается. Чаще всего это происходит вечером, с 18 до 22 часов.",
        "Обрывы звонков я записывала, в частности, в следующие дни:",
        "29 сентября 2026 г. — 4 обрыва;",
        "3 октября 2026 г. — 6 обрывов;",
        "8 октября 2026 г. — 3 обрыва;",
        "14 октября 2026 г. — 5 обрывов;",
        "21 октября 2026 г. — 7 обрывов.",
        "5 октября 2026 г. я позвонила на горячую линию. Оператор сообщил, "
        "что в моём районе ведутся работы на базовой станции, и посоветовал "
        "подождать несколько дней. 10 октября 2026 г. по совету сотрудника "
        "салона связи я заменила SIM-карту, а затем проверила связь на другом "
        "телефоне, однако звонки обрываются по-прежнему.",
        "По работе мне необходима устойчивая связь: из-за обрывов я не могу "
        "нормально поговорить с клиентами и вынуждена перезванивать им "
        "по несколько раз, за что плачу из собственных средств. Услуга "
        "оплачивается мною полностью и вовремя, задолженности по лицевому "
        "счёту нет.",
        "Считаю, что услуга связи оказывается мне ненадлежащего качества, "
        "а мои обращения по телефону остались без результата. Повторные "
        "звонки на горячую линию 12 и 19 октября 2026 г. также ничего "
        "не изменили: мне лишь обещали передать информацию техническим "
        "специалистам.",
        "В связи с изложенным прошу:",
        "1. Провести проверку качества связи по указанным адресам.",
        "2. Устранить причины обрывов связи.",
        "3. Сообщить мне о результатах проверки и о принятых мерах письменно "
        "по почтовому адресу, указанному выше.",
    ),
    attachments=(),
    date_text="«27» октября 2026 г.",
    signer=SHEVCHUK.initials_surname,
)

ORLOVA_STATEMENT = PaperLetter(
    header=(
        "Генеральному директору",
        ORG_NAME,
        "",
        "от Орловой Татьяны Сергеевны",
        "тел.: 8 (905) 777-03-21",
    ),
    heading="ЗАЯВЛЕНИЕ",
    subheading=None,
    paragraphs=(
        "Прошу восстановить мне доступ к личному кабинету на сайте "
        "ООО «Связь-Регион» и в мобильном приложении. С 1 ноября 2026 г. "
        "при входе появляется сообщение «Неверный логин или пароль», а код "
        "для восстановления пароля по SMS не приходит. Лицевой счёт "
        "№ 6789012345.",
        "Также прошу выдать мне детализацию счёта за октябрь 2026 г.",
    ),
    attachments=(),
    date_text="09.11.2026",
    signer=ORLOVA.initials_surname,
)

GONCHARENKO_CLAIM = PaperLetter(
    header=(
        "В ООО «Связь-Регион»",
        "",
        "от Гончаренко Ольги Ивановны,",
        "адрес: " + (GONCHARENKO.postal_address or ""),
        "тел.: +7 918 432-17-65",
    ),
    heading="ПРЕТЕНЗИЯ",
    subheading="о перерасчёте платы за международный роуминг",
    paragraphs=(
        "Я пользуюсь услугами связи ООО «Связь-Регион» по договору "
        "№ 23-045678 от 02.06.2025, абонентский номер +7 918 432-17-65.",
        "С 10 по 17 октября 2026 г. я находилась в Турции. Перед поездкой "
        "я подключила опцию «Роуминг Безлимит» стоимостью 350 руб. в сутки, "
        "однако в счёте за октябрь 2026 г. мне начислено 4 860 руб. "
        "за исходящие международные звонки в роуминге по полной стоимости, "
        "без учёта опции.",
        "Прошу сделать перерасчёт, вернуть 4 860 руб. на мой лицевой счёт "
        "и направить ответ по почтовому адресу, указанному выше.",
    ),
    attachments=(),
    date_text="4 ноября 2026 г.",
    signer=GONCHARENKO.initials_surname,
)


# --------------------------------------------------------------------------
# Drawing paper letters
# --------------------------------------------------------------------------


def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def wrap(text: str, fnt: ImageFont.FreeTypeFont, width: int, first_indent: int = 0) -> list[str]:
    """Greedy word wrap, measuring real glyph widths so lines never overrun the margin."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        limit = width - (first_indent if not lines else 0)
        if current and fnt.getlength(candidate) > limit:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


class Typewriter:
    """Lays text onto A4 pages top to bottom, opening a new page when one fills up."""

    def __init__(self, style: Style) -> None:
        self.style = style
        self.body = font(style.body_font, BODY_PX)
        self.bold = font(style.bold_font, HEAD_PX)
        self.line_h = round(BODY_PX * LINE_GAP)
        self.pages: list[Image.Image] = []
        self.draw = self._new_page()
        self.y = TOP

    def _new_page(self) -> ImageDraw.ImageDraw:
        page = Image.new("L", (PAGE_W, PAGE_H), self.style.paper)
        self.pages.append(page)
        draw = ImageDraw.Draw(page)
        if len(self.pages) > 1:
            # Page numbers from the second page on, centred at the top (GOST R 7.0.97).
            number = str(len(self.pages))
            x = (PAGE_W - self.body.getlength(number)) / 2
            draw.text((x, TOP // 2), number, font=self.body, fill=self.style.ink)
        return draw

    def ensure_room(self, height: int) -> None:
        if self.y + height > PAGE_H - BOTTOM:
            self.draw = self._new_page()
            self.y = TOP + self.line_h

    def skip(self, lines: float = 1.0) -> None:
        self.y += round(self.line_h * lines)

    def line(self, text: str, x: float, fnt: ImageFont.FreeTypeFont | None = None) -> None:
        self.ensure_room(self.line_h)
        self.draw.text((x, self.y), text, font=fnt or self.body, fill=self.style.ink)
        self.y += self.line_h

    def centred(self, text: str, fnt: ImageFont.FreeTypeFont) -> None:
        width = PAGE_W - LEFT - RIGHT
        for part in wrap(text, fnt, width):
            self.line(part, LEFT + (width - fnt.getlength(part)) / 2, fnt)

    def paragraph(self, text: str, indent: int = INDENT) -> None:
        width = PAGE_W - LEFT - RIGHT
        for i, part in enumerate(wrap(text, self.body, width, indent)):
            self.line(part, LEFT + (indent if i == 0 else 0))

    def block(self, lines: Sequence[str], x: int) -> None:
        """The top-right addressee/sender block, wrapped to its own column."""
        for text in lines:
            if not text:
                self.skip(0.5)
                continue
            for part in wrap(text, self.body, PAGE_W - RIGHT - x):
                self.line(part, x)


def draw_scribble(draw: ImageDraw.ImageDraw, x: float, y: float, ink: int) -> None:
    """A signature-like stroke: a tall initial, then shrinking cursive loops, then an underline.

    The loops are a prolate cycloid, so the shape is fixed and needs no randomness.
    """
    initial = [
        (x + 10 + 22 * math.sin(i / 40 * math.pi) - 0.4 * i, y - 70 + 2.2 * i) for i in range(41)
    ]
    loops = []
    steps = 260
    for i in range(steps):
        t = i / (steps - 1) * 4 * 2 * math.pi
        fade = 1.0 - 0.45 * i / steps  # people's handwriting shrinks towards the end
        loops.append((x + 30 + 13 * t - 28 * math.sin(t), y + 10 - 26 * math.cos(t) * fade - t))
    draw.line(initial, fill=ink, width=5, joint="curve")
    draw.line(loops, fill=ink, width=5, joint="curve")
    draw.line([(x + 15, y + 48), (x + 180, y + 37), (x + 360, y + 31)], fill=ink, width=4)


def signature_block(tw: Typewriter, letter: PaperLetter) -> None:
    """Date on the left, «Подпись» with a scribble and the signer's name on the right."""
    tw.ensure_room(tw.line_h * 4)
    tw.skip(1.5)
    base_y = tw.y + round(BODY_PX * 0.9)  # the underline sits on the text baseline
    tw.draw.text((LEFT, tw.y), letter.date_text, font=tw.body, fill=tw.style.ink)
    label_x = BLOCK_X - 120
    tw.draw.text((label_x, tw.y), "Подпись", font=tw.body, fill=tw.style.ink)
    line_x = label_x + tw.body.getlength("Подпись ") + 10
    tw.draw.line([(line_x, base_y), (line_x + 380, base_y)], fill=tw.style.ink, width=3)
    # The name goes right of the line, clear of the scribble, so OCR still reads it.
    name_x = line_x + 420
    tw.draw.text((name_x, tw.y), f"/ {letter.signer} /", font=tw.body, fill=tw.style.ink)
    draw_scribble(tw.draw, line_x + 20, base_y - 45, tw.style.ink)
    tw.skip(1)


def render_letter(letter: PaperLetter, style: Style = Style()) -> list[Image.Image]:
    tw = Typewriter(style)
    tw.block(letter.header, BLOCK_X)
    tw.skip(1.5)
    tw.centred(letter.heading, tw.bold)
    if letter.subheading:
        tw.centred(letter.subheading, tw.body)
    tw.skip(0.5)
    for text in letter.paragraphs:
        tw.paragraph(text)
    if letter.attachments:
        tw.skip(0.5)
        tw.line("Приложения:", LEFT)
        for text in letter.attachments:
            tw.paragraph(text)
    signature_block(tw, letter)
    return tw.pages


def to_bilevel(page: Image.Image) -> Image.Image:
    """Threshold without dithering, like a scanner's «black and white» mode; keeps files small."""
    lut = [0] * 150 + [255] * 106
    return page.point(lut, mode="1")


def png_bytes(page: Image.Image) -> bytes:
    buf = io.BytesIO()
    to_bilevel(page).save(buf, format="PNG", dpi=(DPI, DPI), optimize=True)
    return buf.getvalue()


def write_scan_png(letter: PaperLetter, path: Path) -> None:
    (page,) = render_letter(letter)
    path.write_bytes(png_bytes(page))


def write_scan_pdf(letter: PaperLetter, path: Path) -> None:
    """An image-only PDF, as a scanner's «scan to PDF» makes: no text layer at all."""
    pages = [to_bilevel(p) for p in render_letter(letter)]
    assert len(pages) == 2, f"the complaint must span two pages, got {len(pages)}"
    pages[0].save(
        path,
        format="PDF",
        save_all=True,
        append_images=pages[1:],
        resolution=float(DPI),
        title="scan",
        creationDate=PDF_TIME,
        modDate=PDF_TIME,
    )


def write_scan_tiff(letter: PaperLetter, path: Path) -> None:
    """A mildly imperfect scan: grey paper, dark-grey toner, skewed by 1.5 degrees."""
    style = Style(paper=235, ink=55, body_font=SANS, bold_font=SANS_BOLD)
    (page,) = render_letter(letter, style)
    # The scanner bed shows as near-white where the skewed sheet does not cover it.
    skewed = page.rotate(1.5, resample=Image.Resampling.BICUBIC, fillcolor=248)
    skewed.save(path, format="TIFF", dpi=(DPI, DPI), compression="tiff_adobe_deflate")


# --------------------------------------------------------------------------
# E-mails
# --------------------------------------------------------------------------


def msk(day: int, month: int, hour: int, minute: int) -> str:
    return format_datetime(datetime(2026, month, day, hour, minute, tzinfo=MSK))


def mailbox(name: str, address: str | None, charset: str, field: str = "From") -> str:
    """«Name <address>» with the name RFC 2047-encoded in the client's charset.

    A long name is split into several encoded words at word boundaries, the
    space travelling inside the next word (as CPython's own generator does
    since gh-92081): decoders drop the whitespace *between* encoded words, so
    a split inside a word would glue or break it.  Folding is done here
    because compat32 would otherwise fold right after the colon.
    """
    cs = Charset(charset)
    lines: list[str] = []
    current = ""
    for word in name.split(" "):
        candidate = f"{current} {word}" if current else word
        room = 78 - (len(field) + 2 if not lines else 1)
        if current and len(cs.header_encode(candidate)) > room:
            lines.append(cs.header_encode(current))
            current = " " + word
        else:
            current = candidate
    lines.append(cs.header_encode(current))
    tail = f"<{address}>"
    first = len(field) + 2 if len(lines) == 1 else 1
    if first + len(lines[-1]) + 1 + len(tail) <= 78:
        lines[-1] += " " + tail
    else:
        lines.append(tail)
    return "\n ".join(lines)


def common_headers(
    msg: Message,
    number: int,
    sent: str,
    subject: str,
    charset: str = "utf-8",
    org_name: str = ORG_NAME,
) -> None:
    """To/Subject/Date/Message-ID; a client encodes every header in its own charset."""
    msg["To"] = mailbox(org_name, ORG_MAIL, charset, "To")
    msg["Subject"] = Header(subject, charset, header_name="Subject").encode()
    msg["Date"] = sent
    msg["Message-ID"] = f"<sample-{number:02d}@pismo.example>"


def text_part(text: str, subtype: str, charset: str, encoding: int | None) -> Message:
    """A text entity in `charset` with a chosen Content-Transfer-Encoding.

    `encoding` is email.charset.BASE64 or QP, or None for raw 8bit, which
    MIMEText cannot be asked for directly.
    """
    cs = Charset(charset)
    # typeshed says int, but the email docs define None as «no encoding» (8bit).
    cs.body_encoding = encoding  # type: ignore[assignment]
    part = Message()
    part["Content-Type"] = f"text/{subtype}"
    part.set_payload(text, cs)  # also adds MIME-Version and the charset parameter
    return part


CLAIM_CP1251 = """\
В ООО «Связь-Регион»
от Смирновой Анны Петровны
адрес: 123456, г. Москва, ул. Ленина, д. 5, кв. 12
тел.: 8 (916) 123-45-67

ПРЕТЕНЗИЯ

Я являюсь абонентом ООО «Связь-Регион» по договору № 77-001234 от 15.03.2024, \
лицевой счёт № 1234567890.

В счёте за сентябрь 2026 г. мне начислено 1 500 руб. за услугу «Антивирус Плюс», \
которую я не заказывала и которой не пользовалась. 5 сентября 2026 г. я звонила \
в контактный центр, оператор подтвердил, что заявки на подключение этой услуги \
от меня не поступало, однако деньги мне так и не вернули.

На основании статьи 55 Федерального закона «О связи» и Закона РФ «О защите прав \
потребителей» прошу:
1. Отключить услугу «Антивирус Плюс».
2. Вернуть мне 1 500 руб. (одну тысячу пятьсот рублей), списанные с лицевого \
счёта № 1234567890.
3. Ответ направить на адрес электронной почты anna.smirnova@mail.example \
или по почтовому адресу, указанному выше.

20 октября 2026 г.

С уважением,
Смирнова Анна Петровна
"""

# KOI8-R has neither «» nor № nor long dashes, so people typed "" and N.
COMPLAINT_KOI8R = """\
Здравствуйте.

Я, Кузнецов Игорь Владимирович, абонент "Связь-Регион" (номер +7 903 555-12-34), \
хочу пожаловаться на сотрудника вашего салона связи на ул. Садовой, д. 10 в г. Твери.

18 октября 2026 г. около 15:00 я пришел в салон, чтобы заменить SIM-карту. \
Сотрудник (на бейдже было написано "Артем") разговаривал со мной грубо, повышал \
голос, отказался назвать фамилию и заявил, что "с такими вопросами надо идти \
куда-нибудь еще". Замену SIM-карты мне так и не сделали, пришлось ехать в другой \
салон.

Прошу провести проверку, принять меры к сотруднику и сообщить мне о результатах. \
Ответ прошу направить на этот адрес электронной почты.

Кузнецов Игорь Владимирович
тел. +7 903 555-12-34
22.10.2026
"""

STATEMENT_HTML = """\
<!DOCTYPE html>
<html lang="ru">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Заявление</title>
<style>
body { font-family: Arial, sans-serif; font-size: 14px; color: #222; }
.sig { margin-top: 2em; }
</style>
</head>
<body>
<p>Генеральному директору ООО&nbsp;&laquo;Связь-Регион&raquo;</p>
<p>от Петрова Сергея Николаевича,<br>
проживающего по адресу: 620014, г.&nbsp;Екатеринбург, ул.&nbsp;Школьная, д.&nbsp;21, \
кв.&nbsp;48,<br>
тел.: +7 (912) 600-11-22,<br>
лицевой счёт №&nbsp;3456789012</p>
<h2 style="text-align:center">Заявление</h2>
<p>С 12 октября 2026&nbsp;г. скорость домашнего интернета по тарифу \
&laquo;Домашний 500&raquo; (до 500&nbsp;Мбит/с) не превышает 5&ndash;10&nbsp;Мбит/с, \
а по вечерам соединение пропадает. Перезагрузка роутера и замена кабеля не помогли. \
В техническую поддержку я звонил 14 и 19 октября, но неисправность не устранена.</p>
<script>alert(1)</script>
<p>Прошу провести проверку линии и оборудования, устранить неисправность и \
сообщить мне о результатах письменно по указанному почтовому адресу.</p>
<p class="sig">С уважением,<br>Петров С.&nbsp;Н.</p>
</body>
</html>
"""

ANONYMOUS_QP = """\
Здравствуйте!

С 1 ноября 2026 г. мой тариф «Домашний 300» без всякого предупреждения заменили \
на «Домашний 500», абонентская плата выросла с 450 до 650 руб. в месяц. Никаких SMS \
и писем об изменении тарифа я не получал, согласия на смену тарифа не давал.

Лицевой счёт № 5550001122.

Требую вернуть прежний тариф и пересчитать абонентскую плату за ноябрь.

Абонент
"""

# "-- " (with the space) is the usenet signature separator that clients strip.
SCAN_COVER = "Добрый день!\n\nПретензия во вложении.\n\n-- \nОтправлено с мобильного устройства\n"


def mail_claim_cp1251() -> Message:
    """Outlook-style: windows-1251 everywhere, base64 body, B-encoded headers."""
    msg = text_part(CLAIM_CP1251, "plain", "windows-1251", email_charset.BASE64)
    msg["From"] = mailbox("Анна Смирнова", SMIRNOVA.email, "windows-1251")
    subject = "Претензия: неверное начисление по лицевому счёту № 1234567890"
    common_headers(msg, 1, msk(20, 10, 21, 47), subject, "windows-1251")
    msg["X-Mailer"] = "Microsoft Outlook 16.0"
    return msg


def mail_complaint_koi8r() -> Message:
    """An old-school Unix client: KOI8-R sent as raw 8bit."""
    msg = text_part(COMPLAINT_KOI8R, "plain", "koi8-r", None)
    msg["From"] = mailbox("Игорь Кузнецов", KUZNETSOV.email, "koi8-r")
    subject = "Жалоба на сотрудника салона связи"
    common_headers(msg, 2, msk(22, 10, 9, 5), subject, "koi8-r", "ООО Связь-Регион")
    msg["X-Mailer"] = "Mutt/2.2.12"
    return msg


def mail_statement_html() -> Message:
    """HTML only, no text/plain alternative; the <script> must never be executed."""
    msg = text_part(STATEMENT_HTML, "html", "utf-8", email_charset.BASE64)
    msg["From"] = mailbox(PETROV.full_name, PETROV.email, "utf-8")
    common_headers(msg, 3, msk(26, 10, 18, 30), "Заявление о низкой скорости интернета")
    return msg


def mail_anonymous() -> Message:
    """The `no-surname` defect: no display name, signed only «Абонент»."""
    msg = text_part(ANONYMOUS_QP, "plain", "utf-8", email_charset.QP)
    msg["From"] = "abonent1987@mail.example"
    common_headers(msg, 4, msk(3, 11, 23, 12), "Жалоба: тариф сменили без предупреждения")
    return msg


def mail_scan_attached(scan_png: bytes) -> Message:
    """A phone sends a photographed claim: short cover text, PNG with a Cyrillic RFC 2231 name."""
    msg = MIMEMultipart("mixed", boundary="=_pismo-sample-05-boundary")
    msg["From"] = mailbox("Ольга Гончаренко", GONCHARENKO.email, "utf-8")
    common_headers(msg, 5, msk(5, 11, 8, 41), "Претензия")
    text = text_part(SCAN_COVER, "plain", "utf-8", None)
    filename = ("utf-8", "", "претензия.png")
    image = MIMEImage(scan_png, "png", name=filename)
    image.add_header("Content-Disposition", "attachment", filename=filename)
    for part in (text, image):
        del part["MIME-Version"]  # only the top-level entity carries it (RFC 2045 §4)
        msg.attach(part)
    return msg


def write_mail(msg: Message, path: Path) -> None:
    # CRLF is what arrives over SMTP/IMAP; parsers must cope with it.
    path.write_bytes(msg.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))


# --------------------------------------------------------------------------
# Expected extraction results
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """One row of expected.json: what intake, extraction and the checks should produce."""

    file: str
    channel: str  # "email" | "post"
    kind: str  # claim | complaint | statement | proposal
    category: str
    applicant: Person | None
    letter_date: str  # ISO; the date written in the letter, else the Date header's day
    account: str | None = None
    contract: str | None = None
    grounds: tuple[str, ...] = ()
    from_address: str | None = None  # the only contact when there is no applicant

    def as_json(self) -> dict[str, Any]:
        who = self.applicant
        return {
            "file": self.file,
            "channel": self.channel,
            "kind": self.kind,
            "category": self.category,
            "applicant": {
                "surname": who.surname if who else None,
                "name": who.name if who else None,
                "patronymic": who.patronymic if who else None,
                "postcode": who.postcode if who else None,
                "postal_address": who.postal_address if who else None,
                "email": who.email if who else self.from_address,
                "phone": who.phone if who else None,
            },
            "account": self.account,
            "contract": self.contract,
            "letter_date": self.letter_date,
            "grounds": list(self.grounds),
        }


EXPECTED = (
    Expect(
        file="mail/01-claim-cp1251.eml",
        channel="email",
        kind="claim",
        category="billing",
        applicant=SMIRNOVA,
        letter_date="2026-10-20",
        account="1234567890",
        contract="77-001234",
    ),
    Expect(
        file="mail/02-complaint-koi8r.eml",
        channel="email",
        kind="complaint",
        category="staff_conduct",
        applicant=KUZNETSOV,
        letter_date="2026-10-22",
    ),
    Expect(
        file="mail/03-statement-html.eml",
        channel="email",
        kind="claim",  # headed «Заявление», demands a repair under the contract (LAW.md)
        category="service_quality",
        applicant=PETROV,
        letter_date="2026-10-26",  # no date in the text: the Date header's day
        account="3456789012",
    ),
    Expect(
        file="mail/04-anonymous.eml",
        channel="email",
        kind="claim",  # headed «Жалоба», demands a recalculation: a claim (LAW.md)
        category="tariff_change",
        applicant=None,
        letter_date="2026-11-03",  # «С 1 ноября» in the text is the tariff change, not the letter
        account="5550001122",
        grounds=("no-surname",),
        from_address="abonent1987@mail.example",
    ),
    Expect(
        file="mail/05-claim-scan-attached.eml",
        channel="email",
        kind="claim",
        category="billing",
        applicant=GONCHARENKO,
        letter_date="2026-11-04",  # written on the scan; the e-mail left a day later
        contract="23-045678",
    ),
    Expect(
        file="scans/01-claim.png",
        channel="post",
        kind="claim",
        category="billing",
        applicant=SEDYKH,
        letter_date="2026-11-02",
        account="2345678901",
        contract="36-112233",
    ),
    Expect(
        file="scans/02-complaint.pdf",
        channel="post",
        kind="complaint",
        category="service_quality",
        applicant=SHEVCHUK,
        letter_date="2026-10-27",
        account="4567890123",
    ),
    Expect(
        file="scans/03-no-address.tiff",
        channel="post",
        kind="statement",
        category="self_service",
        applicant=ORLOVA,
        letter_date="2026-11-09",
        account="6789012345",
        grounds=("no-postal-address",),
    ),
)


# --------------------------------------------------------------------------


def main() -> None:
    MAIL_DIR.mkdir(parents=True, exist_ok=True)
    SCAN_DIR.mkdir(parents=True, exist_ok=True)

    write_mail(mail_claim_cp1251(), MAIL_DIR / "01-claim-cp1251.eml")
    write_mail(mail_complaint_koi8r(), MAIL_DIR / "02-complaint-koi8r.eml")
    write_mail(mail_statement_html(), MAIL_DIR / "03-statement-html.eml")
    write_mail(mail_anonymous(), MAIL_DIR / "04-anonymous.eml")
    (goncharenko_page,) = render_letter(GONCHARENKO_CLAIM)
    write_mail(
        mail_scan_attached(png_bytes(goncharenko_page)), MAIL_DIR / "05-claim-scan-attached.eml"
    )

    write_scan_png(SEDYKH_CLAIM, SCAN_DIR / "01-claim.png")
    write_scan_pdf(SHEVCHUK_COMPLAINT, SCAN_DIR / "02-complaint.pdf")
    write_scan_tiff(ORLOVA_STATEMENT, SCAN_DIR / "03-no-address.tiff")

    text = json.dumps([e.as_json() for e in EXPECTED], ensure_ascii=False, indent=2) + "\n"
    (HERE / "expected.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
