#!/usr/bin/env bash
# Installs everything pismo needs on a fresh Debian 12 machine: the system
# packages (apt) and a virtual environment in .venv with pismo in it.
#   scripts/setup.sh          to run pismo
#   scripts/setup.sh --test   also what the test suite needs (PostgreSQL, Dovecot,
#                             Chromium, poppler, CPython's e-mail test corpus, linters)
set -euo pipefail
cd "$(dirname "$0")/.."
this="scripts/setup.sh${1:+ $1}"

packages=(
  tesseract-ocr tesseract-ocr-rus tesseract-ocr-osd  # OCR of scanned letters
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0  # WeasyPrint
  fonts-liberation2 fonts-dejavu-core  # fonts with Cyrillic for the letters
)
extra="."
testing=false
if [[ "${1:-}" == "--test" ]]; then
  testing=true
  extra=".[dev]"
  # chromium: browser tests (libatomic1: Playwright's driver needs it);
  # dovecot-imapd: the IMAP tests' server; poppler-utils: PDFs read back
  packages+=(postgresql poppler-utils chromium libatomic1 dovecot-imapd)
fi
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  packages+=(python3-venv)
fi

# Installs the Debian packages of "$@" that are missing; a user who is not root
# and has no sudo is told the one command to run as root.
install_missing() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  local apt=(apt-get install -y -qq --no-install-recommends "${missing[@]}")
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null; then
      echo "pismo needs these Debian packages: ${missing[*]}" >&2
      echo "As root, run:  apt-get update && ${apt[*]}" >&2
      echo "then run $this again as yourself." >&2
      exit 1
    fi
    sudo=(sudo)
  fi
  echo "installing Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" "${apt[@]}" >/dev/null
}

install_missing "${packages[@]}"

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "pismo needs Python 3.11 or newer; found $(python3 --version)" >&2
  exit 1
}
if $testing && [[ "$(command -v python3)" == /usr/bin/python3 ]]; then
  # Debian's python3 ships only part of the `test` package; the e-mail corpus
  # the intake tests read comes with the testsuite package of its version.
  install_missing "libpython$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')-testsuite"
fi
[[ -x .venv/bin/python ]] || python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e "$extra"
echo "pismo is installed: .venv/bin/pismo --help"
