"""What in a letter's text changes its answer term.

126-FZ Art. 55 p.8: a claim about long-distance, international or roaming
calls is answered within 60 days, not 30.  Recognised from the claim's words
(LAW.md: междугородн*, международн*, роуминг); the evidence is the words found,
for the person who checks the term.
"""

from __future__ import annotations

import re

_LONG_DISTANCE = re.compile(r"(?<!\w)(?:междугородн|международн|роуминг)\w*", re.IGNORECASE)


def long_distance(text: str, kind: str) -> str | None:
    """The words that make a claim one about long-distance, international or roaming
    calls, or None; only a claim has the longer term."""
    if kind != "claim":
        return None
    found = dict.fromkeys(m.group().lower() for m in _LONG_DISTANCE.finditer(text))
    return ", ".join(found) or None
