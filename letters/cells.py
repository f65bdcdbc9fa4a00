"""Text that goes into a spreadsheet cell (CSV, XLSX) as text, never as a formula.

A sender's name, an address or a department name is written by outsiders; in a
cell, «=HYPERLINK(…)» or «+cmd|…» would run when staff open the register.  OWASP's
rule: a value starting with = + - @ (or a tab or CR, which some programs skip
before looking) is prefixed with an apostrophe, which spreadsheets show as text.
"""

from __future__ import annotations

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """The value to write: numbers as they are, text neutralised."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
