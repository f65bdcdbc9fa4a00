"""Each letter type's wording against 59-FZ, 126-FZ and LAW.md, and its layout against
GOST R 7.0.97-2016, read back from the PDFs (one batch for the module)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Callable

import pytest
from pypdf import PdfReader

from letters.drafting import LetterInputs, PlannedDraft, letter_context
from letters.render import Renderer
from letters.specimens import MAN, appeal, appeal_for, inputs_for, plans
from letters.types import letter_type
from pismo.errors import Forbidden
from pismo.settings import OrgProfile
from store.models import Appeal
from tests.helpers import PlacedPage, placed_text

CREATED = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 23)
MM = 72 / 25.4
NO_ANSWER_ON_THE_MERITS = (
    "court-decision",
    "abusive",
    "illegible",
    "no-essence",
    "repeat",
    "published-answer",
    "state-secret",
    "claim-late",
    "no-surname",
    "no-postal-address",
)


@dataclasses.dataclass(frozen=True)
class Rendered:
    context: dict[str, object]
    pdf: bytes

    @property
    def text(self) -> str:
        pages = PdfReader(io.BytesIO(self.pdf)).pages
        return " ".join(" ".join(p.extract_text().replace("-\n", "-").split()) for p in pages)

    @property
    def body(self) -> str:
        """The text after the heading: what the letter says, not its requisites."""
        return self.text.split(str(self.context["heading"]), 1)[1]

    @property
    def pages(self) -> list[PlacedPage]:
        return placed_text(self.pdf)


Key = tuple[str, str, str | None]  # regime, type, ground; extra cases get names of their own


def _with(a: Appeal, **findings: object) -> Appeal:
    a.findings = {**a.findings, **findings}
    return a


EXTRA: dict[str, tuple[str, Callable[[], Appeal], str, LetterInputs, dt.date]] = {
    "refused-claim": (
        "telecom",
        lambda: appeal(MAN, "telecom", n=70),
        "answer",
        LetterInputs(body="Нарушений не выявлено.", outcome="refused"),
        TODAY,
    ),
    "refused-public": (
        "public",
        lambda: appeal(MAN, "public", n=71),
        "answer",
        LetterInputs(body="Нарушений не выявлено.", outcome="refused"),
        TODAY,
    ),
    "money-in-term": (
        "telecom",
        lambda: appeal(MAN, "telecom", n=72),
        "answer",
        LetterInputs(outcome="satisfied", amount="150,00 руб."),
        dt.date(2026, 11, 5),
    ),
    "complaint-ack": (
        "telecom",
        lambda: appeal(MAN, "telecom", kind="complaint", n=73),
        "acknowledgment",
        LetterInputs(),
        TODAY,
    ),
    "roaming-ack": (
        "telecom",
        lambda: _with(appeal(MAN, "telecom", n=74), long_distance="роуминге"),
        "acknowledgment",
        LetterInputs(),
        TODAY,
    ),
    "public-claim-ack": (
        "public",
        lambda: _with(appeal(MAN, "public", n=75), defects=[{"code": "no-contract-copy"}]),
        "acknowledgment",
        LetterInputs(),
        TODAY,
    ),
    "telecom-claim-ack": (
        "telecom",
        lambda: _with(appeal(MAN, "telecom", n=76), defects=[{"code": "no-contract-copy"}]),
        "acknowledgment",
        LetterInputs(),
        TODAY,
    ),
    "long-answer": (
        "public",
        lambda: appeal(MAN, "public", n=77),
        "answer",
        LetterInputs(body="\n\n".join(["Проверка показала, что доводы подтвердились. " * 6] * 9)),
        TODAY,
    ),
}


@pytest.fixture(scope="module")
def letters() -> dict[Key | str, Rendered]:
    renderer = Renderer()
    keys: list[Key | str] = []
    contexts = []
    for regime in ("public", "telecom"):
        org = OrgProfile(regime=regime)
        for n, (kind, plan) in enumerate(plans(regime), start=1):
            a = appeal_for(kind, MAN, regime, n)
            contexts.append((regime, letter_context(a, plan, org, TODAY, inputs_for(kind), "1")))
            keys.append((regime, kind.type, kind.ground))
    for name, (regime, make, type_, inputs, today) in EXTRA.items():
        kind = letter_type(type_)
        plan = PlannedDraft(kind.type, kind.template, kind.ground)
        org = OrgProfile(regime=regime)
        contexts.append((regime, letter_context(make(), plan, org, today, inputs, "2")))
        keys.append(name)
    docs = [renderer.letter(str(c["kind"].template), r, c) for r, c in contexts]  # type: ignore[attr-defined]
    pdfs = renderer.pdfs(docs, CREATED)
    return {k: Rendered(c, pdf) for k, (_r, c), pdf in zip(keys, contexts, pdfs, strict=True)}


def of(letters: dict[Key | str, Rendered], ground: str) -> dict[str, Rendered]:
    """The letters on a ground, by regime."""
    return {k[0]: v for k, v in letters.items() if isinstance(k, tuple) and k[2] == ground}


def test_every_body_dates_the_appeal_by_its_own_date(letters: dict[Key | str, Rendered]) -> None:
    # The specimen letter is dated 01.11, received 02.11, registered 03.11; the header
    # says «на обращение от 01.11.2026», so must the body.
    for key, letter in letters.items():
        assert "от 01.11.2026" in letter.body, key
        assert "от 02.11.2026" not in letter.text and "от 03.11.2026," not in letter.body, key


def test_no_notice_without_an_answer_says_the_appeal_was_considered(
    letters: dict[Key | str, Rendered],
) -> None:
    for key, letter in letters.items():
        if isinstance(key, tuple) and key[2] in NO_ANSWER_ON_THE_MERITS:
            assert not re.search(r"рассмотрен[аоы]?\b", letter.body), key


def test_abusive_notice_leaves_the_appeal_without_an_answer_on_the_merits(
    letters: dict[Key | str, Rendered],
) -> None:
    for regime, letter in of(letters, "abusive").items():
        body = letter.body
        assert "Обращение оставлено без ответа по существу поставленных в нём вопросов." in body
        assert "Сообщаем Вам о недопустимости злоупотребления правом." in body, regime


def test_court_return_explains_the_way_in_general_terms_and_returns_the_documents(
    letters: dict[Key | str, Rendered],
) -> None:
    for regime, letter in of(letters, "court-decision").items():
        body = letter.body
        general = "в порядке, установленном процессуальным законодательством Российской Федерации"
        assert general in body, regime
        assert "через суд" not in body and "надзорн" not in body, regime  # LAW.md
        assert body.count("возвращается Вам") == 1, regime
        reg = letter.context["reg_number"]
        attached = f"Приложение: обращение от 01.11.2026 (рег. № {reg}) с приложенными к нему"
        assert attached in body, regime


def test_repeat_notice_names_the_heads_decision_and_the_earlier_answers(
    letters: dict[Key | str, Rendered],
) -> None:
    for regime, letter in of(letters, "repeat").items():
        body = letter.body
        assert "Решением руководителя от 24.11.2026 № 15 очередное обращение признано" in body
        assert "переписка с Вами по данному вопросу прекращена" in body, regime
        assert "(от 10.09.2026 № ИСХ-2026-000101, от 12.10.2026 № ИСХ-2026-000140)" in body


def test_published_answer_names_the_page_and_is_the_public_regimes_only(
    letters: dict[Key | str, Rendered],
) -> None:
    (letter,) = of(letters, "published-answer").values()
    assert "по адресу: https://svyaz-region.example/otvety/tarify." in letter.body
    assert "часть 5.1 статьи 11" in letter.body or "частью 5.1 статьи 11" in letter.body
    kind = letter_type("notice", "published-answer")
    plan = PlannedDraft(kind.type, kind.template, kind.ground)
    with pytest.raises(Forbidden):
        letter_context(appeal(MAN, "telecom"), plan, OrgProfile(regime="telecom"), TODAY)


def test_state_secret_notice_says_why_no_answer_can_be_given(
    letters: dict[Key | str, Rendered],
) -> None:
    notices = of(letters, "state-secret")
    public, telecom = notices["public"].body, notices["telecom"].body
    assert "государственную или иную охраняемую федеральным законом тайну" in public
    assert "тайну связи" in telecom and "статья 63 Федерального закона" in telecom
    for body in (public, telecom):
        assert "невозможности дать ответ по существу" in body
        assert "в связи с недопустимостью разглашения указанных сведений" in body


def test_telecom_refusals_say_the_customer_may_sue(letters: dict[Key | str, Rendered]) -> None:
    sue = "Вы вправе обратиться с иском в суд (пункт 9 статьи 55 Федерального закона"
    assert sue in of(letters, "claim-late")["telecom"].body
    assert sue in letters["refused-claim"].body
    assert "оставлена без удовлетворения" in letters["refused-claim"].body
    assert sue not in letters[("telecom", "answer", None)].body  # satisfied
    assert "иском" not in letters["refused-public"].body  # 126-FZ is not a public body's


def test_money_term_is_the_statutory_one_while_it_runs(letters: dict[Key | str, Rendered]) -> None:
    body = letters["money-in-term"].body  # presented 02.11, written 05.11
    assert "будут возвращены Вам не позднее 12.11.2026 в соответствии с пунктом 1 статьи 31" in (
        body
    )


def test_public_regime_never_applies_126_fz(letters: dict[Key | str, Rendered]) -> None:
    for key, letter in letters.items():
        regime = key[0] if isinstance(key, tuple) else letter.context["org"].regime  # type: ignore[attr-defined]
        if regime == "public":
            assert "126-ФЗ" not in letter.text and "претензи" not in letter.text.lower(), key
    assert "копию договора" not in letters["public-claim-ack"].body
    assert "копию договора об оказании услуг связи" in letters["telecom-claim-ack"].body
    for type_, ground in (("notice", "claim-late"), ("supplement", "no-contract-copy")):
        kind = letter_type(type_, ground)
        plan = PlannedDraft(kind.type, kind.template, kind.ground)
        with pytest.raises(Forbidden):
            letter_context(appeal(MAN, "public"), plan, OrgProfile(regime="public"), TODAY)


def test_a_telecom_claim_has_no_extension() -> None:
    kind = letter_type("extension")
    plan = PlannedDraft(kind.type, kind.template, None)
    with pytest.raises(Forbidden):
        letter_context(appeal(MAN, "telecom"), plan, OrgProfile(regime="telecom"), TODAY)


def test_the_term_is_set_by_a_provision_in_the_instrumental(
    letters: dict[Key | str, Rendered],
) -> None:
    assert "срок установлен Положением о порядке рассмотрения" in letters["complaint-ack"].body
    assert "срок установлен пунктом 8 статьи 55" in letters["roaming-ack"].body
    telecom, public = (letters[(r, "acknowledgment", None)].body for r in ("telecom", "public"))
    assert "срок установлен пунктом 7 статьи 55" in telecom
    assert "срок установлен частью 1 статьи 12" in public


def test_forwarding_tells_the_sender_and_the_cover_letter_goes_to_the_body(
    letters: dict[Key | str, Rendered],
) -> None:
    body = "Управление Роскомнадзора по Тверской области"
    for regime in ("public", "telecom"):
        notice = letters[(regime, "forwarding", "not-competent")]
        assert f"по компетенции в следующий орган: {body}." in notice.body
        cover = letters[(regime, "cover", "not-competent")]
        assert cover.text.startswith(body) or body in cover.text.split("О направлении")[0]
        assert "Иванову Петру Сергеевичу" not in cover.text
        assert (
            "Направляем для рассмотрения по компетенции обращение от 01.11.2026 "
            "(заявитель — Иванов Пётр Сергеевич" in cover.body
        )
        assert "Приложение: обращение от 01.11.2026" in cover.body


def test_executor_is_bottom_left_of_the_last_page_with_the_signature(
    letters: dict[Key | str, Rendered],
) -> None:
    org = OrgProfile()
    assert len(letters["long-answer"].pages) >= 2
    for key, letter in letters.items():
        *before, last = letter.pages
        executor = last.find("Исп.")
        assert executor is not None, key
        assert abs(executor.x - 30 * MM) < 1 * MM and executor.y < 25 * MM, key
        assert last.find(org.signatory_position) is not None, key  # with the signature
        assert all(p.find("Исп.") is None for p in before), key


def test_pages_are_numbered_at_the_top_centre_from_the_second(
    letters: dict[Key | str, Rendered],
) -> None:
    centre = (30 + 195) / 2 * MM
    for key, letter in letters.items():
        first, *rest = letter.pages
        assert not any(r.y > first.height - 20 * MM for r in first.runs), key
        for number, page in enumerate(rest, start=2):
            (mark,) = [r for r in page.runs if r.y > page.height - 20 * MM]
            assert mark.text == str(number) and abs(mark.x - centre) < 4 * MM, key


def test_the_letterheads_e_mail_is_never_broken(letters: dict[Key | str, Rendered]) -> None:
    email = OrgProfile().email
    for key, letter in letters.items():
        assert any(email in r.text for r in letter.pages[0].runs), key
