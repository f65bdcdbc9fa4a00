"""Letters: every type for a man and a woman in both regimes, read back from the PDF."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from letters.declension import dative, salutation
from letters.drafting import PlannedDraft, letter_context
from letters.pdf import LetterDoc
from letters.render import Renderer, statutes
from letters.specimens import MAN, WOMAN, Person, appeal, appeal_for, inputs_for, plans
from letters.types import LetterType
from pismo.settings import OrgProfile
from tests.helpers import placed_text

CREATED = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 23)
MM = 72 / 25.4
CONTENT_CENTRE = (30 + (210 - 15)) / 2 * MM  # between the 30 mm and 15 mm side margins
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def words(text: str) -> str:
    return " ".join(text.split())


def pdf_text(pdf: bytes) -> list[str]:
    """Each page's words; a compound broken at its own hyphen («информационно-»
    at a line's end) is joined again."""
    return [words(p.extract_text().replace("-\n", "-")) for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


@pytest.mark.parametrize(
    ("surname", "name", "patronymic", "gender", "expected"),
    [
        ("Смирнова", "Анна", "Петровна", "femn", "Смирновой Анне Петровне"),
        ("Иванов", "Пётр", "Сергеевич", "masc", "Иванову Петру Сергеевичу"),
        ("Седых", "Ольга", "Ивановна", None, "Седых Ольге Ивановне"),
        ("Долгих", "Игорь", "Петрович", None, "Долгих Игорю Петровичу"),
        ("Гончаренко", "Мария", "Олеговна", None, "Гончаренко Марии Олеговне"),
        ("Гончаренко", "Олег", "Иванович", None, "Гончаренко Олегу Ивановичу"),
        ("Шевчук", "Ирина", "Львовна", None, "Шевчук Ирине Львовне"),
        ("Шевчук", "Тарас", "Богданович", None, "Шевчуку Тарасу Богдановичу"),
        ("Черных", "Илья", "Ильич", None, "Черных Илье Ильичу"),
    ],
)
def test_names_in_the_dative(
    surname: str, name: str, patronymic: str, gender: str | None, expected: str
) -> None:
    assert dative(surname, name, patronymic, gender) == expected


def test_salutation_follows_gender() -> None:
    assert salutation("Седых", "Ольга", "Ивановна", None) == "Уважаемая Ольга Ивановна!"
    assert salutation("Черных", "Илья", "Ильич", None) == "Уважаемый Илья Ильич!"
    assert salutation("Петров", None, None, "masc") == "Уважаемый господин Петров!"
    assert salutation(None, None, None, None) == "Здравствуйте!"


def test_quotes_are_the_seed_text_and_unverified_ones_are_not_quoted() -> None:
    data = statutes()
    quoted = {k for k, v in data.items() if "text" in v}
    assert {"59-fz-11-1", "59-fz-11-2", "59-fz-11-3", "59-fz-11-5"} <= quoted
    for key, entry in data.items():
        assert entry["verified"] == (key in quoted), key
    seed = next(SEEDS.glob("001_*.txt"), None) if SEEDS.exists() else None
    if seed is None:
        pytest.skip("shared/seeds is not next to this checkout")
    seed_text = words(seed.read_text(encoding="utf-8"))
    for key in quoted - {"126-fz-55-6"}:  # a LAW.md fragment, not from the seed
        assert words(data[key]["text"]) in seed_text, key


def _matrix() -> list[tuple[LetterType, PlannedDraft, Person, str]]:
    return [
        (kind, plan, person, regime)
        for regime in ("public", "telecom")
        for person in (MAN, WOMAN)
        for kind, plan in plans(regime)
    ]


@pytest.fixture(scope="module")
def rendered(renderer: Renderer) -> list[tuple[LetterType, Person, str, dict[str, object], bytes]]:
    """Every letter type × man/woman × both regimes, rendered in one batch."""
    cases = []
    letters = []
    for n, (kind, plan, person, regime) in enumerate(_matrix(), start=1):
        org = OrgProfile(regime=regime)
        specimen = appeal_for(kind, person, regime, n)
        context = letter_context(specimen, plan, org, TODAY, inputs_for(kind), "ИСХ-2026-000042")
        letters.append(renderer.letter(plan.template, regime, context))
        cases.append((kind, person, regime, context))
    pdfs = renderer.pdfs(letters, CREATED)
    return [(*case, pdf) for case, pdf in zip(cases, pdfs, strict=True)]


def test_every_type_carries_the_requisites(rendered: list) -> None:  # type: ignore[type-arg]
    org = OrgProfile()
    for kind, person, regime, context, pdf in rendered:
        text = " ".join(pdf_text(pdf))
        where = (kind.type, kind.ground, person.gender, regime)
        for requisite in (
            org.name,
            org.address,
            "23.11.2026",
            str(context["heading"]),
            org.signatory_position,
            org.signatory_name,
            f"Исп. {org.executor_name}",
            org.executor_phone,
        ):
            assert requisite in text, (where, requisite)
        ours = f"№ {context['reg_number']} от 03.11.2026"
        if kind.type == "no-answer":  # a record for the file: no outgoing number
            assert "ИСХ-" not in text and f"К обращению {ours}" in text, where
        else:
            assert "№ ИСХ-2026-000042" in text, where
        if kind.to_sender:
            assert re.search(rf"На {ours} \(на \w+ от 01\.11\.2026\)", text), where
            assert person.dative in text, where
            assert person.salutation in text, where
            assert "г. Тверь, ул. Советская" in text, where
        elif kind.type == "cover":  # to the competent body, by its name
            assert "Управление Роскомнадзора по Тверской области" in text, where
            assert person.dative not in text and "На №" not in text, where
        else:
            assert "В дело" in text, where


def test_every_type_rests_on_its_provision(rendered: list) -> None:  # type: ignore[type-arg]
    org = OrgProfile()
    for kind, _person, regime, context, pdf in rendered:
        text = " ".join(pdf_text(pdf))
        where = (kind.type, kind.ground, regime)
        statute = statutes()[kind.statute]
        if kind.type in ("acknowledgment", "answer"):  # the answer term's provision
            assert words(str(context["term_basis"]["citation_ablt"])) in text, where
        elif regime == "telecom" and not kind.operator_bound:
            assert org.regulation.split(" ", 1)[1] in text, where  # any case of «Положение»
            assert "59-ФЗ" not in text, where  # LAW.md: the operator cites its own regulation
        elif "text" in statute:
            assert f"«{words(statute['text']).rstrip('.')}»." in text, where
        else:
            cited = {words(statute["citation"]), words(statute["citation_ablt"])}
            assert any(c in text for c in cited), where
        if regime == "telecom":
            assert "59-ФЗ" not in text, where


def test_answer_states_outcome_money_terms_and_staff_text(rendered: list) -> None:  # type: ignore[type-arg]
    answers = [r for r in rendered if r[0].type == "answer"]
    assert len(answers) == 4
    for _kind, _person, regime, _context, pdf in answers:
        text = " ".join(pdf_text(pdf))
        outcome = "претензия удовлетворена" if regime == "telecom" else "обращение удовлетворено"
        assert f"По результатам рассмотрения {outcome}." in text
        staff = "услуга «Мелодия вместо гудка» была подключена без Вашего согласия"
        assert staff in text
        # Staff's text comes before the closing sentences, not after them.
        assert text.index(staff) < text.index("По результатам рассмотрения")
        assert "Приложение: Детализация счёта на 2 л. в 1 экз." in text
        # Presented 02.11, ten days ran out on 12.11: a date still ahead is named (LAW.md).
        money = "в размере 300,00 руб. будут возвращены Вам не позднее 03.12.2026."
        assert (money in text) == (regime == "telecom"), regime  # telecom/answer.html
        assert "в течение 10 дней" not in text


def test_every_file_is_complete_pdfa_with_its_own_metadata(rendered: list) -> None:  # type: ignore[type-arg]
    for _kind, _person, _regime, context, pdf in rendered:
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            fonts = [
                f
                for page in doc.pages
                for f in page.Resources.Font.values()  # type: ignore[attr-defined]
            ]
            assert fonts
            for font in fonts:
                descriptor = font.DescendantFonts[0].FontDescriptor
                assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
            assert str(doc.docinfo.Title) == context["title"]
            meta = doc.open_metadata()
            assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
            assert meta["dc:title"] == context["title"]
            assert "/OutputIntents" in doc.Root and str(doc.Root.Lang) == "ru"


def test_page_numbers_are_each_letters_own(renderer: Renderer) -> None:
    kind, plan = next((k, p) for k, p in plans() if k.type == "answer")
    org = OrgProfile()

    def letter(n: int, paragraphs: int) -> LetterDoc:
        context = letter_context(
            appeal(WOMAN, "telecom", n=n), plan, org, TODAY, inputs_for(kind, paragraphs)
        )
        return renderer.letter(plan.template, "telecom", context)

    short, long, short2 = renderer.pdfs([letter(1, 1), letter(2, 14), letter(3, 1)], CREATED)
    pages = pdf_text(long)
    assert len(pages) >= 2
    # GOST R 7.0.97-2016: a page's number at the top centre, from the second page on.
    for number, page in enumerate(placed_text(long)[1:], start=2):
        mark = next(r for r in page.runs if r.text == str(number))
        assert mark.y > page.height - 20 * MM and abs(mark.x - CONTENT_CENTRE) < 5 * MM
    for one in (short, short2):
        (page,) = placed_text(one)
        assert not any(re.fullmatch(r"\d+", r.text) for r in page.runs)


def test_same_input_gives_the_same_bytes(renderer: Renderer) -> None:
    _kind, plan = plans()[0]
    context = letter_context(appeal(MAN, "public"), plan, OrgProfile(regime="public"), TODAY)
    letter = renderer.letter(plan.template, "public", context)
    first = renderer.pdfs([letter], CREATED)[0]
    assert renderer.pdfs([letter], CREATED)[0] == first
    later = renderer.pdfs([letter], CREATED + dt.timedelta(days=1))[0]
    assert later != first  # only the creation date differs...
    assert len(later) == len(first)  # ...in place


def test_an_organisation_overrides_a_template(tmp_path: Path) -> None:
    (tmp_path / "telecom").mkdir()
    (tmp_path / "telecom" / "acknowledgment.html").write_text(
        '{% extends "acknowledgment.html" %}{% block after_text %}'
        "<p>Наш собственный абзац.</p>{% endblock %}",
        encoding="utf-8",
    )
    renderer = Renderer(tmp_path)
    _kind, plan = plans()[0]
    context = letter_context(appeal(MAN, "telecom"), plan, OrgProfile(), TODAY)
    (pdf,) = renderer.pdfs([renderer.letter(plan.template, "telecom", context)], CREATED)
    assert "Наш собственный абзац." in " ".join(pdf_text(pdf))
    public = renderer.letter(plan.template, "public", context)
    assert "Наш собственный абзац." not in public.html
    assert "Уважаемый Пётр Сергеевич!" in " ".join(pdf_text(renderer.pdf(public.html)))


def test_citizens_text_never_becomes_markup(renderer: Renderer) -> None:
    kind, plan = next((k, p) for k, p in plans() if k.type == "answer")
    hostile = appeal(WOMAN, "telecom")
    hostile.applicant.postal_address = '<img src="file:///etc/passwd">г. Тверь'
    inputs = replace(inputs_for(kind), body="<b>жирный</b> & «кавычки»")
    context = letter_context(hostile, plan, OrgProfile(), TODAY, inputs)
    letter = renderer.letter(plan.template, "telecom", context)
    assert "<img" not in letter.html and "<b>" not in letter.html
    text = " ".join(pdf_text(renderer.pdfs([letter], CREATED)[0]))
    assert '<img src="file:///etc/passwd">г. Тверь' in text
    assert "<b>жирный</b> & «кавычки»" in text
