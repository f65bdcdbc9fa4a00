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
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from pismo.errors import ConfigError
from pismo.settings_bodies import OtherBody, default_other_bodies
from pismo.settings_mail import MailboxSettings, MailSettings, SmtpSettings, mailboxes_of

__all__ = [
    "MailSettings", "MailboxSettings", "OtherBody", "Settings", "SmtpSettings", "load_settings",
]  # fmt: skip

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
    website: str = Field(
        "https://svyaz-region.example",
        description="The organisation's official website; a letter on 59-FZ Art. 11 p.5.1 "
        "names it when staff give no page of their own.",
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
    layout: Literal["letter", "auto"] = Field(
        "letter",
        description="How a page's text is found: 'letter' reads it as one column, line by "
        "line (faster, and fewer errors on aged letters); 'auto' looks for columns and "
        "blocks first (for multi-column documents).",
    )
    dpi: int = Field(300, ge=72, le=600, description="Resolution PDF pages are rasterised at.")
    min_confidence: float = Field(
        60.0,
        ge=0,
        le=100,
        description="A page whose mean word confidence is below this goes to a person.",
    )
    min_quality: float = Field(
        85.0,
        ge=0,
        le=100,
        description="A page whose reading scores below this goes to a person: Tesseract's "
        "confidence in its text lines, by the share of their words found in the Russian "
        "dictionary, less where lines of text were lost.  At 85, on aged test pages "
        "(bench/ocr.py, README «OCR»), every page read with over 10% of its letters wrong "
        "went to a person, and no office scan did.",
    )
    workers: int = Field(0, ge=0, description="OCR worker processes; 0 means one per CPU core.")
    page_seconds: float = Field(
        15.0, gt=0, description="Longest a page may take; a slower one goes to a person."
    )


class Limits(BaseModel):
    max_file_bytes: int = Field(
        50_000_000, gt=0, description="Largest inbound file or message, in bytes."
    )
    max_image_pixels: int = Field(
        100_000_000, gt=0, description="Largest decoded image or page, in pixels."
    )
    max_pages: int = Field(
        50, gt=0, description="Most pages read from one item: a scan, or all of an e-mail's."
    )
    max_item_pixels: int = Field(
        500_000_000, gt=0, description="Most pixels decoded for one item, over all its pages."
    )
    max_attachment_bytes: int = Field(
        25_000_000, gt=0, description="Largest single mail attachment, decoded, in bytes."
    )


class CalendarSettings(BaseModel):
    extra_holidays: list[dt.date] = Field(
        default_factory=list,
        description="Non-working days to add to the production calendar (a new year's decree).",
    )
    extra_working_days: list[dt.date] = Field(
        default_factory=list,
        description="Weekend days made working days by a transfer the calendar lacks.",
    )


class WorkerSettings(BaseModel):
    concurrency: int = Field(
        2,
        ge=1,
        description="Jobs one `pismo worker` process holds at once (threads); its pipeline "
        "stages still run one at a time, so scale with processes, one per core.",
    )
    queues: list[str] = Field(
        default_factory=list,
        description="Queues a worker takes jobs from ('intake', 'ocr'); empty means all.",
    )
    heartbeat_interval: float = Field(
        10.0, gt=0, description="Seconds between a worker's heartbeats."
    )
    stalled_after: float = Field(
        60.0,
        gt=0,
        description="Seconds without a heartbeat after which a worker is taken for dead "
        "and its jobs are run again.",
    )


class ReviewSettings(BaseModel):
    session_minutes: int = Field(
        480, gt=0, description="Minutes a login lasts in the review app before it expires."
    )
    secret_key_file: Path | None = Field(
        None,
        description="File with the key that signs CSRF tokens; created (mode 0600) if "
        "missing; empty means data_dir/review-secret.key.",
    )
    secure_cookies: bool = Field(
        False, description="Send the session cookie over HTTPS only (set behind TLS)."
    )
    login_attempts: int = Field(
        5,
        gt=0,
        description="Failed logins of one user name in lockout_minutes before "
        "it is locked for the rest of that time (against password guessing).",
    )
    lockout_minutes: int = Field(
        15, gt=0, description="The window of login_attempts, and how long a lock lasts."
    )
    address_attempts: int = Field(
        20,
        gt=0,
        description="Failed logins from one client address in lockout_minutes, over all "
        "names, before that address is refused for the rest of that time.",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses of reverse proxies in front of the app: behind them the "
        "client address is taken from X-Forwarded-For.",
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
        "maildir:///path (a Maildir or a folder of .eml files); empty means data_dir/mail. "
        "One mailbox; [[mailboxes]] adds more.",
    )
    mailboxes: list[MailboxSettings] = Field(
        default_factory=list,
        description="Further IMAP mailboxes, each a [[mailboxes]] table (url, password or "
        "oauth, done_folder, quarantine_folder, label, department); read besides mail_url's.",
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
    due_soon_days: int = Field(
        3, ge=0, description="An open appeal whose term comes within this many days is due soon."
    )
    http_port: int = Field(
        0,
        ge=0,
        le=65535,
        description="Port of the /health and /metrics endpoint of `pismo run` and "
        "`pismo worker` on 127.0.0.1; 0 means off.",
    )
    log_format: Literal["text", "json"] = Field(
        "text", description="Log lines as text or as JSON objects (no personal data either way)."
    )
    org: OrgProfile = Field(
        default_factory=OrgProfile, description="The organisation that answers."
    )
    ocr: OcrSettings = Field(default_factory=OcrSettings, description="Optical recognition.")
    limits: Limits = Field(default_factory=Limits, description="Limits on inbound items.")
    mail: MailSettings = Field(
        default_factory=MailSettings, description="IMAP: mail_url's login, and every mailbox's."
    )
    calendar: CalendarSettings = Field(
        default_factory=CalendarSettings, description="Production calendar corrections."
    )
    worker: WorkerSettings = Field(
        default_factory=WorkerSettings, description="Queued workers (PostgreSQL only)."
    )
    smtp: SmtpSettings = Field(
        default_factory=SmtpSettings, description="Outgoing e-mail for approved letters."
    )
    review: ReviewSettings = Field(
        default_factory=ReviewSettings, description="The review web app (`pismo review`)."
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
    other_bodies: list[OtherBody] = Field(
        default_factory=default_other_bodies,
        description="Bodies competent for questions the organisation does not answer: a "
        "letter about their topics gets the not-competent ground (59-FZ Art. 8 p.3) and is "
        "forwarded there.",
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
        self.mailbox_list  # noqa: B018  (a bad or doubled mailbox is a settings error)
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
    def mailbox_list(self) -> list[MailboxSettings]:
        """Every IMAP mailbox to read: mail_url's (named ``mail``), then [[mailboxes]]."""
        return mailboxes_of(self.mailboxes, self.mail_url, self.mail)

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def drafts_dir(self) -> Path:
        return self.data_dir / "drafts"

    @property
    def secret_key_path(self) -> Path:
        return self.review.secret_key_file or self.data_dir / "review-secret.key"

    @property
    def print_dir(self) -> Path:
        return self.data_dir / "print"

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
        annotation, suffix = field.annotation, "."
        if get_origin(annotation) is list:
            annotation, suffix = get_args(annotation)[0], "[]."
        elif type(None) in get_args(annotation):  # X | None
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows.extend(describe(annotation, f"{prefix}{name}{suffix}"))
    return rows
