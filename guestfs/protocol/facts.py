"""Loader for the vendored libguestfs protocol facts (``guestfs/_data``).

The JSON file is the single source of every wire number and layout; the
codec here (``xdr.py``, ``messages.py``) and the actions registry
(``guestfs/actions``) read it through :func:`load_facts`.  Standard library
only, because the daemon imports this inside the appliance.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
from functools import lru_cache
from typing import Any

FACTS_FILE = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "_data",
    "libguestfs-protocol.json",
)


#: A marshal copy of the parsed facts, made for the appliance: parsing the
#: JSON costs the daemon a sixth of a second of boot under TCG.
CACHE_FILE = FACTS_FILE + ".marshal"


def _cached(raw: bytes) -> dict[str, Any] | None:
    """The facts from the marshal copy, if it was made from exactly ``raw``."""
    try:
        with open(CACHE_FILE, "rb") as f:
            digest, facts = marshal.loads(f.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if digest != hashlib.sha256(raw).hexdigest() or not isinstance(facts, dict):
        return None
    return facts


def write_cache() -> str:
    """Write the marshal copy next to the JSON (run by the appliance's Python)."""
    with open(FACTS_FILE, "rb") as f:
        raw = f.read()
    with open(CACHE_FILE, "wb") as f:
        marshal.dump((hashlib.sha256(raw).hexdigest(), json.loads(raw)), f)
    return CACHE_FILE


@lru_cache(maxsize=1)
def load_facts() -> dict[str, Any]:
    """Return the parsed protocol facts (cached: the file is ~1 MiB).

    :raises RuntimeError: if the file is missing or is not the schema we know.
    """
    try:
        with open(FACTS_FILE, "rb") as f:
            raw = f.read()
        facts = _cached(raw)
        if facts is None:
            facts = json.loads(raw)
    except (OSError, ValueError) as e:
        raise RuntimeError(f"cannot read protocol facts {FACTS_FILE}: {e}") from e
    if facts.get("schema_version") != 1:
        raise RuntimeError(
            f"{FACTS_FILE}: unsupported schema_version {facts.get('schema_version')!r}"
        )
    return facts
