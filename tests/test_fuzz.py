"""The samples truncated, bit-flipped and spliced, all through one `pismo run --once`.

Each input is registered, recorded as not an appeal, or quarantined with its
reason; the run exits 0 and no file is left behind or lost.  The inputs are drawn
from a fixed seed, so a failure repeats; ``PISMO_FUZZ_SEED`` draws others.  An
input that breaks pismo belongs in tests/regressions/ with where it came from.
"""

from __future__ import annotations

import io
import json
import os
import random
from pathlib import Path

import pytest
from PIL import Image

from tests.helpers import SAMPLES, pismo

INPUTS = int(os.environ.get("PISMO_FUZZ_INPUTS", "100"))


def originals() -> list[tuple[str, bytes]]:
    files = [(p.name, p.read_bytes()) for p in sorted((SAMPLES / "scans").iterdir())]
    files += [(p.name, p.read_bytes()) for p in sorted((SAMPLES / "mail").glob("*.eml"))]
    with Image.open(SAMPLES / "scans" / "01-claim.png") as page:
        jpeg = io.BytesIO()
        page.convert("L").save(jpeg, "JPEG", quality=60)
    return [*files, ("01-claim.jpg", jpeg.getvalue())]


def mutated(rng: random.Random, files: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    name, data = rng.choice(files)
    how = rng.choice(["truncated", "flipped", "spliced"])
    if how == "truncated":
        return f"{how}-{name}", data[: rng.randrange(1, len(data))]
    if how == "flipped":
        flipped = bytearray(data)
        for _ in range(rng.randrange(1, 32)):
            # Headers and structures live near the start and the end of files.
            at = rng.choice([rng.randrange(min(4096, len(data))), rng.randrange(len(data))])
            flipped[at] ^= 1 << rng.randrange(8)
        return f"{how}-{name}", bytes(flipped)
    _, other = rng.choice(files)
    cut = rng.randrange(len(data))
    return f"{how}-{name}", data[:cut] + other[rng.randrange(len(other)) :]


@pytest.mark.slow
def test_damaged_inputs_are_each_accounted_for(env: dict[str, str]) -> None:
    rng = random.Random(int(os.environ.get("PISMO_FUZZ_SEED", "20261201")))
    data = Path(env["PISMO_DATA_DIR"])
    scans, mail = data / "scans", data / "mail"
    scans.mkdir(parents=True)
    mail.mkdir()
    files = originals()
    for n in range(INPUTS):
        name, content = mutated(rng, files)
        folder = mail if name.endswith(".eml") else scans
        (folder / f"{n:02d}-{name}").write_bytes(content)

    run = {**env, "PISMO_SETTLE_SECONDS": "0", "PISMO_LIMITS__MAX_PAGES": "3"}
    result = pismo(run, "run", "--once", check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == INPUTS
    for folder in (scans, mail):
        assert [p for p in folder.iterdir() if p.is_file()] == []  # none left behind
        for failed in (folder / "failed").glob("*"):
            if not failed.name.endswith(".reason.txt"):
                assert failed.with_name(failed.name + ".reason.txt").read_text().strip()
    put_away = [p for f in (scans, mail) for p in f.rglob("*") if p.is_file()]
    assert len([p for p in put_away if not p.name.endswith(".reason.txt")]) == INPUTS
    records = json.loads(pismo(env, "export", "--format", "json").stdout)
    assert all(r["registered"] or r["not_registered_reason"] for r in records)
