"""A fresh mailbox on the test Dovecot for each test, and ways to look into it."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from imapclient import IMAPClient

from tests.servers import Dovecot

_users = itertools.count(1)


@dataclass(frozen=True)
class Mailbox:
    server: Dovecot
    user: str
    password: str

    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.server.port}/INBOX"

    def client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", self.server.port, ssl=False, timeout=30)
        client.login(self.user, self.password)
        return client

    def append(self, letters: Iterable[bytes], folder: str = "INBOX") -> None:
        client = self.client()
        try:
            for raw in letters:
                client.append(folder, raw)
        finally:
            client.logout()

    def count(self, folder: str) -> int:
        client = self.client()
        try:
            if not client.folder_exists(folder):
                return 0
            return int(client.folder_status(folder, [b"MESSAGES"])[b"MESSAGES"])
        finally:
            client.logout()


def new_mailbox(server: Dovecot) -> Mailbox:
    return Mailbox(server, *server.user(next(_users)))
