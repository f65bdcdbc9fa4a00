"""A look into a mailbox for ``pismo mail test``: its folders, their counts, IDLE and MOVE."""

from __future__ import annotations

from dataclasses import dataclass

from intake.imap import CONNECTION_ERRORS, ConnectionLost, ImapMailbox


@dataclass(frozen=True)
class Survey:
    """What a look at the mailbox found, for ``pismo mail test``."""

    login: str  # "password", "XOAUTH2" or "OAUTHBEARER"
    uidvalidity: int
    capabilities: frozenset[str]
    folders: tuple[tuple[str, int | None], ...]  # each folder and its message count

    @property
    def idle(self) -> bool:
        return "IDLE" in self.capabilities

    @property
    def move(self) -> bool:
        return "MOVE" in self.capabilities


def survey(mailbox: ImapMailbox) -> Survey:
    """Log in, list the folders with their message counts, and log out; changes nothing."""
    mailbox.connect(prepare=False)
    client = mailbox.client
    assert client is not None
    try:
        folders: list[tuple[str, int | None]] = []
        for flags, _, name in client.list_folders():
            if b"\\Noselect" in flags or b"\\NonExistent" in flags:
                folders.append((name, None))
                continue
            status = client.folder_status(name, [b"MESSAGES"])
            folders.append((name, int(status[b"MESSAGES"])))
        capabilities = frozenset(c.decode().upper() for c in client.capabilities())
    except CONNECTION_ERRORS as exc:
        raise ConnectionLost(str(exc)) from exc
    finally:
        mailbox.close()
    tokens = mailbox.address.oauth
    return Survey(
        login=tokens.mechanism if tokens is not None else "password",
        uidvalidity=mailbox.uidvalidity,
        capabilities=capabilities,
        folders=tuple(folders),
    )
