"""The one settings object: ``pismo.toml``, then ``PISMO_*`` environment variables.

Precedence, lowest first: built-in defaults, the TOML file (``--config``,
``PISMO_CONFIG`` or ``./pismo.toml``), environment variables.  Nested
sections take a double underscore: ``PISMO_ORG__NAME``, ``PISMO_OCR__WORKERS``.
Every field carries its help text; ``pismo settings`` prints them all.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from errors import ConfigError

Regime = Literal["public", "telecom"]


class OrgProfile(BaseModel):
    name: str = Field(
        "ООО «Связь-Регион»", description="Full name of the organisation, for the letterhead."
    )
    address: str = Field(
        "123100, г. Москва, Пресненская наб., д. 1",
        description="Postal address of the organisation, for the letterhead.",
    )
    phone: str = Field("+7 495 000-00-00", description="Phone number on the letterhead.")
    email: str = Field(
        "appeals@svyaz-region.example", description="E-mail address on the letterhead."
    )
    regime: Regime = Field(
        "telecom",
        description="Legal regime: 'public' (59-FZ, state and municipal bodies) or "
        "'telecom' (126-FZ Art. 55 for claims, 59-FZ checks as internal policy).",
    )
    regulation: str = Field(
        "Положение о порядке рассмотрения обращений и претензий абонентов",
        description="The organisation's own regulation that telecom-regime letters cite "
        "where a public body would cite 59-FZ.",
    )
    signatory_position: str = Field(
        "Начальник отдела по работе с обращениями",
        description="Position of the person who signs letters.",
    )
    signatory_name: str = Field(
        "И. И. Иванов", description="Initials and surname of the signatory."
    )
    executor_name: str = Field("Петрова Е. А.", description="Executor named on each letter.")
    executor_phone: str = Field("+7 495 000-00-01", description="Executor's phone number.")
    reg_prefix: str = Field("ВХ-", description="Prefix of incoming registration numbers.")
    reg_number_format: str = Field(
        "{prefix}{year}-{seq:06d}",
        description="Format of incoming registration numbers; fields: prefix, year, seq.",
    )
    out_prefix: str = Field("ИСХ-", description="Prefix of outgoing letter numbers.")
    timezone: str = Field(
        "Europe/Moscow", description="Time zone whose calendar days the legal terms count in."
    )
    template_dir: Path | None = Field(
        None,
        description="Folder whose templates override the packaged ones of the same name.",
    )


class OcrSettings(BaseModel):
    languages: str = Field("rus", description="Tesseract languages, as for its -l option.")
    dpi: int = Field(300, ge=72, le=600, description="Resolution PDF pages are rasterised at.")
    min_confidence: float = Field(
        60.0,
        ge=0,
        le=100,
        description="A page whose mean word confidence is below this goes to a person.",
    )
    workers: int = Field(0, ge=0, description="OCR worker processes; 0 means one per CPU core.")


class Limits(BaseModel):
    max_file_bytes: int = Field(
        50_000_000, gt=0, description="Largest inbound file or message, in bytes."
    )
    max_image_pixels: int = Field(
        200_000_000, gt=0, description="Largest decoded image or page, in pixels."
    )
    max_pages: int = Field(100, gt=0, description="Most pages read from one scanned document.")


class CalendarSettings(BaseModel):
    extra_holidays: list[dt.date] = Field(
        default_factory=list,
        description="Non-working days to add to the production calendar (a new year's decree).",
    )
    extra_working_days: list[dt.date] = Field(
        default_factory=list,
        description="Weekend days made working days by a transfer the calendar lacks.",
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PISMO_", env_nested_delimiter="__", extra="forbid"
    )

    data_dir: Path = Field(
        Path("pismo-data"),
        description="Folder for the SQLite database, raw letters, drafts and the default "
        "drop folders.",
    )
    db_url: str = Field(
        "",
        description="SQLAlchemy URL of the store; empty means SQLite in data_dir. A plain "
        "postgresql:// URL works.",
    )
    mail_url: str = Field(
        "",
        description="Mail source: imap://user:password@host:port/FOLDER, imaps://..., or "
        "maildir:///path (a Maildir or a folder of .eml files); empty means data_dir/mail.",
    )
    scan_dir: Path | None = Field(
        None, description="Folder clerks scan paper letters into; empty means data_dir/scans."
    )
    settle_seconds: float = Field(
        5.0,
        ge=0,
        description="A file in a drop folder modified within this many seconds is left for "
        "the next pass: a scanner may still be writing it (or write NAME.part, then rename).",
    )
    poll_interval: float = Field(
        30.0, gt=0, description="Seconds between passes over the sources in `pismo run`."
    )
    org: OrgProfile = Field(
        default_factory=OrgProfile, description="The organisation that answers."
    )
    ocr: OcrSettings = Field(default_factory=OcrSettings, description="Optical recognition.")
    limits: Limits = Field(default_factory=Limits, description="Limits on inbound items.")
    calendar: CalendarSettings = Field(
        default_factory=CalendarSettings, description="Production calendar corrections."
    )
    departments: dict[str, str] = Field(
        default_factory=lambda: {
            "billing": "Расчётный отдел",
            "service_quality": "Технический департамент",
            "staff_conduct": "Отдел обслуживания клиентов",
            "confidentiality": "Служба безопасности",
            "tariff_change": "Отдел тарифной политики",
            "self_service": "Отдел цифровых сервисов",
            "other": "Отдел по работе с обращениями",
        },
        description="Department that owns each category (LAW.md codes).",
    )

    @model_validator(mode="after")
    def _fill_defaults_from_data_dir(self) -> Settings:
        self.data_dir = self.data_dir.expanduser().absolute()
        if not self.db_url:
            self.db_url = f"sqlite:///{self.data_dir / 'pismo.db'}"
        if not self.mail_url:
            self.mail_url = f"maildir://{self.data_dir / 'mail'}"
        if self.scan_dir is None:
            self.scan_dir = self.data_dir / "scans"
        self.scan_dir = self.scan_dir.expanduser().absolute()
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML file arrives as init arguments; the environment overrides it.
        return (env_settings, init_settings)

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def drafts_dir(self) -> Path:
        return self.data_dir / "drafts"

    @property
    def scan_folder(self) -> Path:
        assert self.scan_dir is not None  # filled by the validator
        return self.scan_dir


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The TOML file to read: explicit, else ``PISMO_CONFIG``, else ``./pismo.toml`` if any."""
    if explicit:
        return Path(explicit)
    if env := os.environ.get("PISMO_CONFIG"):
        return Path(env)
    default = Path("pismo.toml")
    return default if default.exists() else None


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    file = config_path(path)
    data: dict[str, Any] = {}
    if file is not None:
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(
                f"config file {file} does not exist: fix --config or PISMO_CONFIG"
            ) from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file} is not valid TOML: {exc}") from exc
    try:
        return Settings(**data)
    except ValidationError as exc:
        where = f"{file} or PISMO_* variables" if file else "PISMO_* variables"
        raise ConfigError(f"invalid settings in {where}:\n{exc}") from exc


def describe(model: type[BaseModel] = Settings, prefix: str = "") -> list[tuple[str, str]]:
    """Every setting's dotted name and help text, nested sections included."""
    rows: list[tuple[str, str]] = []
    for name, field in model.model_fields.items():
        rows.append((prefix + name, field.description or ""))
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows.extend(describe(annotation, f"{prefix}{name}."))
    return rows
