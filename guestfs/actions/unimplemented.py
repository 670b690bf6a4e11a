"""The actions this project does not implement yet, each with its reason.

One table for the daemon and the library: a call listed here answers
"not supported" with its reason, ``available()`` calls a group available
only when none of its members is listed here, the README's list of what
is checked against :func:`markdown` (``pytest --regenerate-output``
rewrites it), and a registry test fails when an
action has neither an implementation nor an entry here (or both).
"""

from __future__ import annotations

#: (family, reason, actions) — the source of :data:`NOT_IMPLEMENTED`.
FAMILIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
)

#: Action name → why it is not implemented yet.
NOT_IMPLEMENTED: dict[str, str] = {name: reason for _, reason, names in FAMILIES for name in names}


def markdown() -> str:
    """The README's list of what is missing, one bullet per family."""
    if not FAMILIES:
        return "Nothing: every action of libguestfs 1.48.6 has an implementation.\n"
    lines = []
    for family, reason, names in FAMILIES:
        calls = ", ".join(f"`{n}`" for n in names)
        lines.append(f"- **{family}** ({reason}): {calls}")
    return "\n".join(lines) + "\n"
