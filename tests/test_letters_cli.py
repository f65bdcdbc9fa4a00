"""``pismo draft …`` and ``pismo journal …`` as a user runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers import PASSWORD, pismo
from tests.letters import appeal_eml


@pytest.mark.slow
def test_answer_edit_approve_and_journal(env: dict[str, str], tmp_path: Path) -> None:
    letter = tmp_path / "letter.eml"
    letter.write_bytes(appeal_eml(7, surname="Седых", name="Ольга", patronymic="Ивановна"))
    reg = pismo(env, "ingest", str(letter)).stdout.split("registered ")[1].split()[0]
    users = {**env, "PISMO_USER_PASSWORD": PASSWORD}
    pismo(users, "user", "add", "kate", "--role", "clerk")
    pismo(users, "user", "add", "ivanov", "--role", "approver")
    env = {**env, "PISMO_USER": "kate"}  # the clerk drafts; `--as` names the approver
    refused = pismo(env, "draft", "approve", "1", check=False)  # a clerk may not approve
    assert refused.returncode == 11 and "согласующий" in refused.stderr
    text = tmp_path / "answer.txt"
    text.write_text("Начисления пересчитаны.", encoding="utf-8")
    pismo(env, "draft", "new", reg, "answer", "--outcome", "refused", "--text-file", str(text))
    listed = pismo(env, "draft", "list", reg).stdout.splitlines()
    answer_id = next(line.split("\t")[0] for line in listed if "\tanswer\t" in line)
    text.write_text("Проверка нарушений не выявила.", encoding="utf-8")
    new_id = pismo(env, "draft", "edit", answer_id, "--text-file", str(text)).stdout.split()[1]
    number = pismo(env, "draft", "approve", new_id, "--as", "ivanov").stdout.strip()
    assert number.startswith("ИСХ-")
    refused = pismo(env, "draft", "edit", answer_id, "--text-file", str(text), check=False)
    assert refused.returncode == 8 and "заменён новой версией" in refused.stderr
    final = Path(env["PISMO_DATA_DIR"]) / "drafts" / reg / "answer-v2-approved.pdf"
    words = " ".join(PdfReader(final).pages[0].extract_text().split())
    assert "Седых Ольге Ивановне" in words and "Уважаемая Ольга Ивановна!" in words
    assert "оставлена без удовлетворения" in words and "Проверка нарушений не выявила." in words
    journal = pismo(env, "journal", "outgoing", "--year", number.split("-")[1]).stdout
    assert f"{number};" in journal and f";{reg};Седых Ольга Ивановна;" in journal
