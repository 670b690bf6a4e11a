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
    ("9p shares", "9p shares need a virtio-9p device the backends do not add yet", (
        "list_9p", "mount_9p",
    )),
    ("inspection extras", "not written yet (inspection of applications and icons)", (
        "inspect_get_icon", "internal_list_rpm_applications",
    )),
    ("libvirt authentication", "libvirt authentication callbacks are not written yet", (
        "get_libvirt_requested_credential_challenge", "get_libvirt_requested_credential_defresult",
        "get_libvirt_requested_credential_prompt", "get_libvirt_requested_credentials",
        "set_libvirt_requested_credential", "set_libvirt_supported_credentials",
    )),
    ("calls added after 1.48 and other calls", "not written yet", (
        "clevis_luks_unlock", "internal_get_console_socket",
    )),
)

#: Action name → why it is not implemented yet.
NOT_IMPLEMENTED: dict[str, str] = {name: reason for _, reason, names in FAMILIES for name in names}


def markdown() -> str:
    """The README's list of what is missing, one bullet per family."""
    lines = []
    for family, reason, names in FAMILIES:
        calls = ", ".join(f"`{n}`" for n in names)
        lines.append(f"- **{family}** ({reason}): {calls}")
    return "\n".join(lines) + "\n"
