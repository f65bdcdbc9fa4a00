"""A sender's reply to one of our letters joins the appeal it answers.

A reply is recognised by its ``In-Reply-To``/``References`` naming the
Message-ID of a letter of the appeal, or by the appeal's registration number
in the subject (``Re: ВХ-2026-000012``).  The item is kept, linked to the
appeal, and not registered again: ``not_registered_reason`` is
``reply-to NUMBER``.  Auto-replies never get here: noise is sorted out first.
The store is asked at registration (``pismo.stages.register``); this module
gives the pattern of our numbers.
"""

from __future__ import annotations

import re


def reg_number_pattern(number_format: str, prefix: str) -> re.Pattern[str]:
    """A regex matching the numbers ``format_number`` makes with this format."""
    fields = {"prefix": re.escape(prefix), "year": r"\d{4}", "seq": r"\d+"}
    parts = re.split(r"\{(\w+)(?::[^}]*)?\}", number_format)
    # re.split alternates literal text and field names.
    regex = "".join(
        fields.get(part, r"\S+") if i % 2 else re.escape(part) for i, part in enumerate(parts)
    )
    return re.compile(rf"(?<![\w-]){regex}(?!\d)")
