"""Loader for the vendored libguestfs protocol facts (``guestfs/_data``).

The JSON file is the single source of every wire number and layout; the
codec here (``xdr.py``, ``messages.py``) and the actions registry
(``guestfs/actions``) read it through :func:`load_facts`.  Standard library
only, because the daemon imports this inside the appliance.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any

FACTS_FILE = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "_data",
    "libguestfs-protocol.json",
)


@lru_cache(maxsize=1)
def load_facts() -> dict[str, Any]:
    """Return the parsed protocol facts (cached: the file is ~1 MiB).

    :raises RuntimeError: if the file is missing or is not the schema we know.
    """
    try:
        with open(FACTS_FILE, "rb") as f:
            facts: dict[str, Any] = json.load(f)
    except (OSError, ValueError) as e:
        raise RuntimeError(f"cannot read protocol facts {FACTS_FILE}: {e}") from e
    if facts.get("schema_version") != 1:
        raise RuntimeError(
            f"{FACTS_FILE}: unsupported schema_version {facts.get('schema_version')!r}"
        )
    return facts
