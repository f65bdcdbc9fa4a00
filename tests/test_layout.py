"""The shape of the code and of the distribution: top-level names, layers, package data."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

import pismo
from tests.helpers import REPO

LIBRARIES = {"intake", "ocr", "letters", "store"}
KERNEL = {"errors", "settings", "settings_bodies", "settings_mail", "states"}


def contracts() -> list[dict[str, object]]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["importlinter"]["contracts"])


def test_every_module_of_the_application_is_forbidden_to_the_libraries() -> None:
    """A module added to pismo/ is outside the kernel unless named there: the contracts
    must name it, or the layers it breaks would go unchecked."""
    children = {m.name for m in pkgutil.iter_modules(pismo.__path__)} - {"__main__"}
    application = {f"pismo.{name}" for name in children - KERNEL}
    for contract in contracts():
        if contract["type"] == "forbidden":
            assert set(contract["forbidden_modules"]) >= application, contract["name"]  # type: ignore[arg-type]


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        check=True,
        timeout=600,
    )
    (built,) = out.glob("pismo-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_installs_pismo_and_the_four_libraries_only(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"pismo"} | LIBRARIES
    for data in (
        "pismo/review/templates/appeal.html",
        "pismo/templates/report.html",
        "pismo/samples/scans/01-claim.png",
        "intake/data/grounds.toml",
        "intake/data/classifier.json",
        "letters/data/statutes.toml",
        "store/migrations/versions/0001_initial_schema.py",
    ):
        assert data in names, data
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


@pytest.mark.slow
def test_pismo_demo_runs_from_the_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    """A fresh virtualenv with the wheel alone, run away from the checkout."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    pip = env_dir / "bin" / "pip"
    subprocess.run([str(pip), "install", "-q", str(wheel)], check=True, timeout=900)
    run = tmp_path / "run"
    run.mkdir()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PISMO_", "PYTHON"))}
    result = subprocess.run(
        [str(env_dir / "bin" / "pismo"), "demo"],
        cwd=run,
        env=environ,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("registered ВХ-") == 8, result.stdout
    assert len(list((run / "pismo-data").rglob("*.pdf"))) >= 8
