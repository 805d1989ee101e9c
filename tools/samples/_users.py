"""The people of the bundled creative-tool samples, as the exports hold them: keyed pseudonyms.

The samples are made with the demo key (docs/sources.md, "Creative tools"), so they need no
``EWH_PSEUDONYM_KEY``: each address becomes ``pu_`` + the first 24 hex digits of HMAC-SHA256(demo key,
the case-folded address), the rule of ``connectors/core/pseudonym.py`` written out again here (a
generator imports no project code).
"""

from __future__ import annotations

import hashlib
import hmac

DEMO_KEY = b"ewh-samples-demo-key-0001"
PEOPLE = ("ana.lopez@example.com", "bo.chen@example.com", "chidi.okafor@example.com", "dana.kim@example.com")


def pseudonym(address: str) -> str:
    digest = hmac.new(DEMO_KEY, address.strip().casefold().encode(), hashlib.sha256).hexdigest()
    return f"pu_{digest[:24]}"


USERS = tuple(pseudonym(a) for a in PEOPLE)
