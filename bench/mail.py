"""Mail intake speed and memory against a real Dovecot, with parsing alone as the baseline.

    .venv/bin/python bench/mail.py [--count 2000] [--small 200]

For each mailbox size it APPENDs that many text letters to a fresh Dovecot
user, then, each in a child process of its own (so peak RSS is the child's):

- parse:  ``intake.mail.parse_message`` over the same raw letters (the baseline);
- transport: the IMAP part alone (search, batched fetch, parse, MOVE; no store);
- intake: one IMAP pass as ``pismo run --once`` makes it (search, fetch in
  batches, claim, read, register, MOVE), on SQLite, with drafting switched
  off: rendering the PDF acknowledgment (about 100 ms a letter, see NOTES.md)
  is the drafting stage, not the intake, and is benchmarked with the letters.

It prints letters per second, the intake/parse time ratio (target: under 3)
and peak RSS of the small and the large mailbox (target: within 20%).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def letters(count: int) -> list[bytes]:
    from tests.letters import appeal_eml

    return [appeal_eml(n, message_id=f"<bench-{n}@mail.example>") for n in range(1, count + 1)]


def child_parse(count: int) -> dict[str, float]:
    from intake.mail import parse_message

    raws = letters(count)
    start = time.perf_counter()
    for raw in raws:
        parse_message(raw)
    return {"seconds": time.perf_counter() - start}


def child_intake(url: str, data_dir: str) -> dict[str, float]:
    os.environ["PISMO_MAIL_URL"] = url
    os.environ["PISMO_DATA_DIR"] = data_dir
    from pismo.cli.common import context
    from pismo.running import chain, inline

    chain.draft_many = lambda ctx, appeal_ids: {}  # the intake without the drafting stage
    ctx = context(argparse.Namespace(config=None))
    lines: list[str] = []
    start = time.perf_counter()
    inline.run_once(ctx, lines.append)
    seconds = time.perf_counter() - start
    registered = sum("registered ВХ-" in line for line in lines)
    return {"seconds": seconds, "registered": registered}


def child_transport(url: str) -> dict[str, float]:
    """The IMAP part alone: search, batched fetch, parse, MOVE; no store."""
    from intake.imap import ImapMailbox, parse_mail_url
    from intake.mail import parse_message
    from pismo.settings import Settings

    settings = Settings(mail_url=url)
    mailbox = ImapMailbox(parse_mail_url(url, settings.mail), settings.mail, 10**8)
    start = time.perf_counter()
    for fetched in mailbox.messages(mailbox.pending_uids()):
        assert fetched.data is not None
        parse_message(fetched.data)
        mailbox.put_away(fetched.uid, ok=True)
    mailbox.flush()
    seconds = time.perf_counter() - start
    mailbox.close()
    return {"seconds": seconds}


def run_child(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def append_all(server: object, user: str, password: str, raws: list[bytes]) -> None:
    from imapclient import IMAPClient

    client = IMAPClient("127.0.0.1", server.port, ssl=False)  # type: ignore[attr-defined]
    client.login(user, password)
    for start in range(0, len(raws), 200):
        client.multiappend("INBOX", raws[start : start + 200])
    client.logout()


def filled_mailbox(server: object, n_user: int, count: int) -> tuple[str, float]:
    """A user's INBOX holding ``count`` letters: its URL and the APPEND time."""
    user, password = server.user(n_user)  # type: ignore[attr-defined]
    start = time.perf_counter()
    append_all(server, user, password, letters(count))
    append_s = time.perf_counter() - start
    return f"imap://{user}:{password}@127.0.0.1:{server.port}/INBOX", append_s  # type: ignore[attr-defined]


def measure(server: object, n_user: int, count: int) -> dict[str, float]:
    url, append_s = filled_mailbox(server, n_user, count)
    parse = run_child("parse", str(count))
    transport = run_child("transport", filled_mailbox(server, n_user + 1, count)[0])
    with tempfile.TemporaryDirectory(prefix="pismo-bench-") as data:
        intake = run_child("intake", url, data)
    assert intake["registered"] == count, intake
    return {
        "count": count,
        "append_s": append_s,
        "parse_s": parse["seconds"],
        "parse_rss_mib": parse["rss_mib"],
        "transport_s": transport["seconds"],
        "intake_s": intake["seconds"],
        "intake_rss_mib": intake["rss_mib"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        children = {
            "parse": lambda: child_parse(int(rest[0])),
            "transport": lambda: child_transport(rest[0]),
            "intake": lambda: child_intake(*rest),
        }
        result = children[kind]()
        result["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    from tests.servers import dovecot_server

    with dovecot_server(users=4) as server:
        small = measure(server, 1, args.small)
        large = measure(server, 3, args.count)
    for r in (small, large):
        n = r["count"]
        print(
            f"{n:>6} letters: APPEND {n / r['append_s']:7.1f}/s | parse alone "
            f"{n / r['parse_s']:7.1f}/s, peak RSS {r['parse_rss_mib']:.0f} MiB | IMAP fetch+parse"
            f"+MOVE {n / r['transport_s']:7.1f}/s ({r['transport_s'] / r['parse_s']:.1f}x parse)"
            f" | whole intake {n / r['intake_s']:7.1f}/s ({r['intake_s'] / r['parse_s']:.1f}x "
            f"parse), peak RSS {r['intake_rss_mib']:.0f} MiB"
        )
    growth = large["intake_rss_mib"] / small["intake_rss_mib"] - 1
    print(
        f"intake peak RSS, {large['count']} vs {small['count']} letters: {growth:+.0%} "
        "(target within 20%)"
    )


if __name__ == "__main__":
    main()
