"""The settings object: defaults, pismo.toml, PISMO_* variables, documentation."""

from __future__ import annotations

from pathlib import Path

import pytest

from pismo.errors import ConfigError
from pismo.settings import describe, load_settings
from store.db import normalise_url


def test_defaults_live_under_the_data_dir(env: dict[str, str]) -> None:
    s = load_settings()
    data = Path(env["PISMO_DATA_DIR"])
    assert s.db_url == f"sqlite:///{data / 'pismo.db'}"
    assert s.mail_url == f"maildir://{data / 'mail'}"
    assert s.scan_folder == data / "scans"


def test_environment_overrides_the_file(env: dict[str, str], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    config = tmp_path / "pismo.toml"
    config.write_text(
        'scan_dir = "/srv/scans"\n[org]\nname = "Администрация"\nregime = "public"\n'
        "[ocr]\nworkers = 3\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PISMO_OCR__WORKERS", "1")
    monkeypatch.setenv("PISMO_MAIL_URL", "imaps://user:secret@mail.example:993/INBOX")
    s = load_settings(config)
    assert s.org.name == "Администрация" and s.org.regime == "public"
    assert s.scan_folder == Path("/srv/scans")
    assert s.ocr.workers == 1
    assert s.mail_url.startswith("imaps://")


def test_pismo_config_variable_and_local_file(env: dict[str, str], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    (tmp_path / "pismo.toml").write_text('[org]\nreg_prefix = "А-"\n', encoding="utf-8")
    assert load_settings().org.reg_prefix == "А-"  # ./pismo.toml
    other = tmp_path / "other.toml"
    other.write_text('[org]\nreg_prefix = "Б-"\n', encoding="utf-8")
    monkeypatch.setenv("PISMO_CONFIG", str(other))
    assert load_settings().org.reg_prefix == "Б-"


@pytest.mark.parametrize(
    ("text", "message"),
    [("[org\n", "not valid TOML"), ('[org]\nregime = "bank"\n', "regime"),
     ("colour = 1\n", "colour")],
)  # fmt: skip
def test_bad_settings_say_what_is_wrong(env: dict[str, str], tmp_path: Path, text: str,
                                        message: str) -> None:  # fmt: skip
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(config)


def test_missing_config_file_is_a_config_error(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings("/nonexistent/pismo.toml")


def test_every_setting_is_documented() -> None:
    undocumented = [name for name, help_text in describe() if len(help_text) < 10]
    assert undocumented == []


@pytest.mark.parametrize(
    "url", ["postgresql://u:p@db.example:5432/pismo", "postgres://u:p@db.example/pismo"]
)
def test_plain_postgresql_url_uses_psycopg3(url: str) -> None:
    assert normalise_url(url).drivername == "postgresql+psycopg"


def test_other_databases_are_refused() -> None:
    with pytest.raises(ConfigError, match="SQLite or PostgreSQL"):
        normalise_url("mysql://u@h/db")


def test_example_config_is_valid(env: dict[str, str]) -> None:
    from tests.helpers import REPO

    s = load_settings(REPO / "pismo.example.toml")
    assert s.org.regime == "telecom"
