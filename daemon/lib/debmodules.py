"""Python modules from Debian packages (python3-hivex …), imported on demand.

The appliance's /init runs the interpreter with ``-S`` (no ``site``: a
faster boot), which leaves Debian's ``/usr/lib/python3/dist-packages`` off
``sys.path``.  The daemon needs that directory only for the few bindings
some calls use, so it is added when the first of them is imported, last
on the path so it never shadows the daemon's own code.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from types import ModuleType

#: Where Debian's python3-* packages install their modules.
DIST_PACKAGES = os.environ.get("GUESTFSD_DIST_PACKAGES", "/usr/lib/python3/dist-packages")


def _add_path() -> None:
    if DIST_PACKAGES not in sys.path and os.path.isdir(DIST_PACKAGES):
        sys.path.append(DIST_PACKAGES)


def load(name: str) -> ModuleType:
    """Import the Debian-packaged module ``name`` (raises ImportError if absent)."""
    _add_path()
    return importlib.import_module(name)


def present(name: str) -> bool:
    """True if ``name`` can be imported (without importing it)."""
    _add_path()
    return importlib.util.find_spec(name) is not None
