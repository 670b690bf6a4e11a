"""The guest's rpm database read with the appliance's ``rpm`` (Debian's rpm
4.18: sqlite and read-only Berkeley DB databases): where the database is,
the query format asked for and the parser of rpm's answer.  The call built on
it, ``internal_list_rpm_applications``, is in ``daemon/impl/rpm.py``.

Every field is printed by rpm's ``shescape`` formatter (single-quoted,
``'`` as ``'\\''``), so descriptions with newlines, quotes or any other
byte come back intact and each package is exactly :data:`FIELDS` words.
"""

from __future__ import annotations

import re

from ..errors import DaemonError

#: Where rpm-based distributions keep the database, in the order looked at:
#: the classic place (a link to the next on Fedora 36+), then the newer one.
DB_DIRS = ("/var/lib/rpm", "/usr/lib/sysimage/rpm")
#: The files whose presence makes a directory an rpm database (sqlite,
#: Berkeley DB, ndb).
DB_FILES = ("rpmdb.sqlite", "Packages", "Packages.db")

#: The application2 fields filled from rpm, with the rpm tag of each.
FIELDS = (("app2_name", "NAME"), ("app2_epoch", "EPOCH"), ("app2_version", "VERSION"),
          ("app2_release", "RELEASE"), ("app2_arch", "ARCH"), ("app2_url", "URL"),
          ("app2_summary", "SUMMARY"), ("app2_description", "DESCRIPTION"))


def query_format() -> str:
    """rpm's ``--queryformat``: every field quoted, a missing one as
    ``(none)`` (rpm's word for it, which stock 1.48 passes on) and a missing
    epoch as 0, one package a line."""
    words = []
    for field, tag in FIELDS:
        present = f"%{{{tag}}}" if field == "app2_epoch" else f"%{{{tag}:shescape}}"
        missing = "0" if field == "app2_epoch" else "'(none)'"
        words.append(f"%|{tag}?{{{present}}}:{{{missing}}}|")
    return " ".join(words) + "\\n"


def _application2(values: dict[str, str]) -> dict[str, object]:
    """An application2 struct of one package's fields (the others empty)."""
    app: dict[str, object] = {
        "app2_name": "", "app2_display_name": "", "app2_epoch": 0, "app2_version": "",
        "app2_release": "", "app2_arch": "", "app2_install_path": "", "app2_trans_path": "",
        "app2_publisher": "", "app2_url": "", "app2_source_package": "", "app2_summary": "",
        "app2_description": "", "app2_class": "", "app2_spare2": "", "app2_spare3": "",
        "app2_spare4": ""}
    for field, value in values.items():
        app[field] = value
    epoch = values["app2_epoch"]
    if not epoch.isdigit() or int(epoch) >= 1 << 31:
        raise DaemonError(f"rpm: unexpected epoch {epoch!r} of package {values['app2_name']!r}")
    app["app2_epoch"] = int(epoch)
    return app


#: One word of rpm's answer and the blank after it: quoted pieces and
#: escaped quotes side by side, or a bare number (an epoch).
_WORD = re.compile(r"((?:'[^']*'|\\')+|[0-9]+)(?:[ \n]|\Z)")
#: The pieces of a quoted word.
_PIECE = re.compile(r"'([^']*)'|\\(')")


def parse_query(text: str) -> list[dict[str, object]]:
    """The application2 structs of rpm's answer to :func:`query_format`.

    :raises DaemonError: the answer is not made of whole packages.
    """
    words: list[str] = []
    pos = 0
    while pos < len(text):
        m = _WORD.match(text, pos)
        if m is None:
            raise DaemonError(f"rpm: cannot parse the package list at offset {pos}")
        word = m.group(1)
        words.append(word if word[0].isdigit() else "".join(a or b for a, b in _PIECE.findall(word)))
        pos = m.end()
    if len(words) % len(FIELDS):
        raise DaemonError("rpm: cannot parse the package list: "
                          f"{len(words)} fields is not a whole number of packages")
    names = [field for field, _ in FIELDS]
    return [_application2(dict(zip(names, words[i:i + len(FIELDS)])))
            for i in range(0, len(words), len(FIELDS))]
