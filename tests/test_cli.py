"""The command line as a user runs it, in subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers import all_at_once, pismo
from tests.letters import appeal_eml
from tests.scans import make_letter, pages, save


def test_help_on_every_command(env: dict[str, str]) -> None:
    for command in ("ingest", "run", "list", "show", "export", "demo", "settings", "db"):
        assert "usage: pismo" in pismo(env, command, "--help").stdout


def test_console_script_is_the_same_cli(env: dict[str, str]) -> None:
    script = Path(sys.executable).parent / "pismo"
    out = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=True)
    assert out.stdout == pismo(env, "--help").stdout


def test_ingest_the_same_file_twice_registers_it_once(env: dict[str, str], tmp_path: Path) -> None:
    letter = tmp_path / "letter.eml"
    letter.write_bytes(appeal_eml(1))
    first = pismo(env, "ingest", str(letter)).stdout
    second = pismo(env, "ingest", str(letter)).stdout
    assert "registered ВХ-" in first and "already ingested" in second
    records = json.loads(pismo(env, "export", "--format", "json").stdout)
    assert len(records) == 1 and records[0]["registered"]


def test_ingest_without_drafts_leaves_them_to_the_next_run(
    env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "in").mkdir()
    for n in range(3):
        (tmp_path / "in" / f"letter-{n}.eml").write_bytes(appeal_eml(n))
    ingested = pismo(env, "ingest", "--no-drafts", str(tmp_path / "in")).stdout
    assert ingested.count("registered ВХ-") == 3
    assert all(" registered " in line for line in pismo(env, "list").stdout.splitlines()[1:])
    pismo(env, "run", "--once")
    rows = pismo(env, "list").stdout.splitlines()[1:]
    assert len(rows) == 3 and all(" drafted " in line for line in rows)


def test_a_failed_file_dropped_again_is_tried_again(env: dict[str, str], tmp_path: Path) -> None:
    """A scan over the pixel limit fails; once the limit is raised, the same file
    moved back from ``failed/`` is registered, as the same item."""
    scans = Path(env["PISMO_DATA_DIR"]) / "scans"
    scans.mkdir(parents=True)
    (page,) = pages(make_letter(5))
    (scans / "letter.png").write_bytes(save([page], "PNG"))
    low = {**env, "PISMO_LIMITS__MAX_IMAGE_PIXELS": "1000000", "PISMO_SETTLE_SECONDS": "0"}
    pismo(low, "run", "--once")
    [failed] = (scans / "failed").rglob("letter.png")
    assert "over the pixel limit" in failed.with_name("letter.png.reason.txt").read_text()

    failed.rename(scans / "letter.png")
    pismo({**env, "PISMO_SETTLE_SECONDS": "0"}, "run", "--once")
    [record] = json.loads(pismo(env, "export", "--format", "json").stdout)
    assert record["reg_number"] and not list((scans / "failed").rglob("*.png"))


def test_a_bad_file_fails_alone(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.eml").write_bytes(appeal_eml(1))
    (tmp_path / "in" / "b.pdf").write_bytes(b"%PDF-1.4 broken")
    (tmp_path / "in" / "c.eml").write_bytes(appeal_eml(2))
    result = pismo(env, "ingest", str(tmp_path / "in"), check=False)
    assert result.returncode == 5, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split("\t")[1].split()[0] for line in lines] == ["registered", "not", "registered"]
    assert "quarantined: broken PDF" in lines[1]


@pytest.mark.slow
def test_demo_leaves_pdfs_with_cyrillic_text(env: dict[str, str]) -> None:
    out = pismo(env, "demo").stdout
    pdfs = [line.split("\t")[-1] for line in out.splitlines() if line.endswith(".pdf")]
    assert len(pdfs) == 8
    for pdf in pdfs:
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
        assert "ООО «Связь-Регион»" in text
        assert "Уважаем" in text or "оставлено без ответа" in text
    listing = pismo(env, "list").stdout
    assert listing.count("ВХ-") == 8
    number = listing.splitlines()[1].split()[0]
    shown = json.loads(pismo(env, "show", number).stdout)
    assert shown["reg_number"] == number and shown["findings"]["grounds"] == []
    # A second pass finds the drop folders empty and registers nothing.
    again = pismo(env, "run", "--once").stdout
    assert again.strip() == ""


def test_show_unknown_number_says_so(env: dict[str, str]) -> None:
    result = pismo(env, "show", "ВХ-1999-000001", check=False)
    assert result.returncode == 7 and "pismo list" in result.stderr


def test_two_processes_at_once_get_distinct_gapless_numbers(
    env: dict[str, str], db_url: str, tmp_path: Path
) -> None:
    env = {**env, "PISMO_DB_URL": db_url}
    pismo(env, "db", "upgrade")
    folders = []
    for worker in range(2):
        folder = tmp_path / f"batch{worker}"
        folder.mkdir()
        for n in range(15):
            (folder / f"{n}.eml").write_bytes(appeal_eml(worker * 100 + n))
        folders.append(folder)
    all_at_once(env, *(["ingest", str(folder)] for folder in folders))
    records = json.loads(pismo(env, "export").stdout)
    seqs = sorted(int(r["reg_number"].rsplit("-", 1)[1]) for r in records)
    assert seqs == list(range(1, 31))
