#!/usr/bin/env bash
# Sets up a fresh machine for the tests and runs all of them: ruff, mypy, the
# import contracts, pytest (the wheel built and `pismo demo` run from it included).
# PostgreSQL tests use PISMO_TEST_PG_URL, a server on localhost:5432, or a
# throwaway server the tests start themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/lint-imports
.venv/bin/python -m pytest "$@"
