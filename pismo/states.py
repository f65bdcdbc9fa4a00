"""Where an item, an appeal and a draft stand: the states every layer names.

An *item* is anything that arrived; its state says which stage it waits for.
An *appeal* is a registered letter; its status says what people still owe it.
The two meet once: an item registered and drafted leaves its appeal waiting
for people (``APPEAL_STATUS_OF``), so the stages set both through one table.
"""

from __future__ import annotations

import enum


class Channel(enum.StrEnum):
    email = "email"
    post = "post"


class ItemState(enum.StrEnum):
    received = "received"  # claimed, raw content stored; nothing read yet
    read = "read"  # text extracted
    registered = "registered"  # drafts still to be made
    drafted = "drafted"  # registered and drafted: waits for people only
    needs_transcription = "needs_transcription"  # registered, OCR too unsure to draft
    not_registered = "not_registered"  # noise or duplicate, with the reason
    quarantined = "quarantined"  # could not be processed, with the reason


# Where an item stands when a crash stopped it half-way: the next run or sweep goes on.
UNFINISHED = (ItemState.received, ItemState.read, ItemState.registered)


class AppealStatus(enum.StrEnum):
    registered = "registered"  # numbered; its drafts are being made
    drafted = "drafted"  # drafts wait for a person
    needs_transcription = "needs_transcription"  # a person must type or reject the scan
    decided = "decided"  # a claim's decision is recorded
    second_review = "second_review"  # the sender disputed the decision
    answered = "answered"  # the answer on the merits is out
    closed = "closed"


# The appeal's status while its first item goes through the stages.
APPEAL_STATUS_OF = {
    ItemState.registered: AppealStatus.registered,
    ItemState.drafted: AppealStatus.drafted,
    ItemState.needs_transcription: AppealStatus.needs_transcription,
}
# Appeals that still owe the sender something: counted as due and overdue.
OPEN_STATUSES = frozenset(
    {
        AppealStatus.registered,
        AppealStatus.drafted,
        AppealStatus.needs_transcription,
        AppealStatus.decided,
        AppealStatus.second_review,
    }
)
ANSWERED_STATUSES = frozenset({AppealStatus.answered, AppealStatus.closed})


class DraftStatus(enum.StrEnum):
    draft = "draft"  # staff may edit it
    returned = "returned"  # sent back by the approver with a comment: edited into a new version
    superseded = "superseded"  # a later version replaced it
    approved = "approved"  # numbered, waits for dispatch
    printed = "printed"  # in a print batch, waits for the post room
    sent = "sent"  # e-mailed, or handed to the post
    filed = "filed"  # a record for the file, sent to nobody
    suppressed = "suppressed"  # an automatic letter to an automatic sender: not sent


# How staff read a draft's status (pages, error messages).
DRAFT_STATUSES = {
    "draft": "Черновик",
    "returned": "Возвращён на доработку",
    "superseded": "Заменён новой версией",
    "approved": "Утверждён",
    "printed": "Напечатан, ждёт отправки почтой",
    "sent": "Отправлен",
    "filed": "В дело",
    "suppressed": "Не отправлен (автоответ)",
}

OPEN_DRAFTS = frozenset({DraftStatus.draft, DraftStatus.returned})  # staff may still change


class Role(enum.StrEnum):
    clerk = "clerk"  # corrects fields, types the text of unreadable scans
    approver = "approver"  # also approves or returns drafts, decides claims
    admin = "admin"  # also manages users
