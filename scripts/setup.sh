#!/usr/bin/env bash
# Installs everything pismo needs on a fresh Debian 12 machine: the system
# packages (apt) and a virtual environment in .venv with pismo in it.
#   scripts/setup.sh          to run pismo
#   scripts/setup.sh --test   also what the test suite needs (PostgreSQL server, linters)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  tesseract-ocr tesseract-ocr-rus tesseract-ocr-osd  # OCR of scanned letters
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0  # WeasyPrint
  fonts-liberation2 fonts-dejavu-core  # fonts with Cyrillic for the letters
)
extra="."
if [[ "${1:-}" == "--test" ]]; then
  packages+=(postgresql poppler-utils chromium)  # chromium: browser tests (Playwright)
  extra=".[dev]"
fi
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  packages+=(python3-venv)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "pismo needs Python 3.11 or newer; found $(python3 --version)" >&2
  exit 1
}
[[ -x .venv/bin/python ]] || python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e "$extra"
echo "pismo is installed: .venv/bin/pismo --help"
