"""Where inbound items come from: files named on the command line, the local
mail drop (a Maildir or a folder of ``.eml`` files) and the scan folder.

A source yields ``Incoming`` items; after the item is committed to the store,
the caller calls ``put_away`` so the file leaves the drop folder.  Nothing
is moved or deleted before that, so a crash at any point loses nothing.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import shutil
import stat
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from pismo.errors import ConfigError, InputError, TooLarge, UnsupportedFile, masked_url
from pismo.states import Channel

MAIL_SUFFIXES = frozenset({".eml", ".msg", ".mbox-part"})
SCAN_SUFFIXES = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"})
DONE, FAILED = "done", "failed"
SKIP_DIRS = frozenset({DONE, FAILED, "tmp", ".part"})


@dataclass(frozen=True)
class Incoming:
    """One file's bytes and where they came from."""

    source: str  # shown to users and exported
    source_key: str  # identity of the item in the store: the same key is the same item
    channel: Channel
    data: bytes
    filename: str
    received_at: dt.datetime
    version: tuple[int, int] | None = None  # a file's size and mtime when it was read
    # What the source says of its letters (the mailbox's name, label, department).
    meta: Mapping[str, str] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def channel_for(name: str, head: bytes) -> Channel:
    suffix = Path(name).suffix.lower()
    if suffix in SCAN_SUFFIXES:
        return Channel.post
    if suffix in MAIL_SUFFIXES or _looks_like_mail(head):
        return Channel.email
    raise UnsupportedFile(f"{name}: not a letter pismo reads (.eml, .pdf, .png, .jpg, .tiff)")


def _looks_like_mail(head: bytes) -> bool:
    """Maildir files have no suffix; recognise them by their first header line."""
    first = head[:1024].split(b"\n", 1)[0]
    return b":" in first and not first.startswith((b"%PDF", b"\x89PNG"))


def shown_name(name: str) -> str:
    """A file name as text to show and store: bytes that are not UTF-8 (a cp1251
    name from an old scanner) escaped as ``\\xNN``, control characters too."""
    text = os.fsencode(name).decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def read_file(path: Path, max_bytes: int) -> Incoming:
    """A regular file's bytes, never more than ``max_bytes`` of them.

    A symbolic link is refused, not followed (it may point at any file of the
    machine), and so are pipes and devices (a FIFO never ends, /dev/zero has
    size 0 and no end): the file is opened without following links and read up
    to the limit, whatever its size says."""
    name = shown_name(path.name)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsupportedFile(
                f"{name}: a symbolic link; pismo reads regular files only"
            ) from None
        raise InputError(f"{name}: cannot be opened: {exc.strerror}") from exc
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsupportedFile(f"{name}: not a regular file; pismo reads regular files only")
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLarge(f"{name}: over the limit of {max_bytes} bytes")
    return Incoming(
        source=shown_name(str(path)),
        source_key=f"file:{hashlib.sha256(data).hexdigest()}",
        channel=channel_for(name, data),
        data=data,
        filename=name,
        received_at=dt.datetime.now(dt.UTC),
        version=(st.st_size, st.st_mtime_ns),
    )


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and the files inside folders named, in a stable order."""
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        else:
            yield path


def folder_files(folder: Path, settle_seconds: float = 0.0) -> list[Path]:
    """Files ready in a drop folder: complete, not yet put away.

    A file counts as complete when it is not named ``*.part`` (a scanner or a
    copy script writes ``NAME.pdf.part`` and renames it to ``NAME.pdf`` when
    done, which is atomic) and has not been modified for ``settle_seconds``
    (for scanners that write the final name directly: a file still growing
    has a fresh modification time, and is taken on a later pass).
    """
    if not folder.is_dir():
        return []
    ready = []
    now = time.time()
    for path in expand_paths([folder]):
        if path.suffix == ".part":
            continue  # a scanner still writing: it renames the file when done
        try:
            if now - path.lstat().st_mtime < settle_seconds:
                continue  # written to a moment ago: maybe still being written
        except FileNotFoundError:
            continue  # renamed or removed since the listing
        if path.parent.name == "cur" and "S" in path.name.partition(":2,")[2]:
            continue  # a Maildir message already seen and put away
        ready.append(path)
    return ready


def put_away(
    path: Path,
    drop_root: Path,
    ok: bool,
    reason: str | None = None,
    version: tuple[int, int] | None = None,
) -> Path | None:
    """Move a processed file out of its drop folder: ``done/DATE/`` or ``failed/``.

    A Maildir message goes from ``new/`` to ``cur/`` with the Seen flag instead,
    which is where mail clients expect read mail.  A file that failed and has
    changed since it was read (``version``: a scanner that paused longer than
    ``settle_seconds``) stays where it is, to be read again whole: None."""
    if ok and path.parent.name == "new" and (path.parent.parent / "cur").is_dir():
        target = path.parent.parent / "cur" / f"{path.name.split(':2,')[0]}:2,S"
        os.replace(path, target)
        return target
    if not ok and version is not None and _version(path) != version:
        return None
    folder = drop_root / DONE / dt.date.today().isoformat() if ok else drop_root / FAILED
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder / _fitting(path.name))
    shutil.move(path, target)
    if reason is not None:
        target.with_name(target.name + REASON).write_text(reason + "\n", encoding="utf-8")
    return target


REASON = ".reason.txt"
# Room left in a 255-byte file name for ".NN" (a second file of that name) and REASON.
_NAME_BYTES = 255 - len(REASON) - 4


def _version(path: Path) -> tuple[int, int] | None:
    try:
        st = path.lstat()
    except FileNotFoundError:
        return None
    return st.st_size, st.st_mtime_ns


def _fitting(name: str) -> str:
    """A name short enough to take a ``.reason.txt`` beside it: a long one is cut
    (on a character boundary) and keeps its suffix and a digest of the whole."""
    if len(os.fsencode(name)) <= _NAME_BYTES:
        return name
    suffix = Path(name).suffix[:16]
    digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:12]
    room = _NAME_BYTES - len(os.fsencode(suffix)) - len(digest) - 1
    stem = os.fsencode(name)[:room].decode("utf-8", "ignore")
    return f"{stem}~{digest}{suffix}"


def _free_name(target: Path) -> Path:
    n = 1
    candidate = target
    while candidate.exists() or candidate.is_symlink():
        candidate = target.with_name(f"{target.stem}.{n}{target.suffix}")
        n += 1
    return candidate


def maildir_path(mail_url: str) -> Path | None:
    """The local folder of a ``maildir://`` URL, or None for an IMAP URL."""
    url = urlparse(mail_url)
    if url.scheme == "maildir":
        return Path(unquote(url.netloc + url.path))
    if url.scheme in ("imap", "imaps"):
        return None
    raise ConfigError(f"mail_url {masked_url(mail_url)!r}: use imap://, imaps:// or maildir://")
