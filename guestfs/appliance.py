"""What an appliance finder returns, and the search along the path.

Finder plugins live in ``guestfs/appliance_finders/``; backends take the
:class:`Appliance` they produce and boot it.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._version import __version__

if TYPE_CHECKING:
    from .handle import GuestFS

_CHECKOUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: True when this package runs from a source checkout (``appliance/`` beside it).
FROM_CHECKOUT = os.path.isfile(os.path.join(_CHECKOUT, "appliance", "prepare.py"))


def _default_path() -> str:
    """``appliance/build`` in a checkout (``make appliance`` fills it); for an
    installed package, a per-user cache directory prepared on first use."""
    if FROM_CHECKOUT:
        return os.path.join(_CHECKOUT, "appliance", "build")
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "guestfs-py", f"appliance-{__version__}")


#: The package's own default appliance directory, always last on the path.
DEFAULT_PATH = _default_path()


@dataclass(frozen=True)
class Appliance:
    """A bootable appliance: kernel, initrd and root disk image paths."""

    kernel: str
    initrd: str
    root: str
    kind: str
    directory: str


def search_path(path: str | None) -> list[str]:
    """Split a ``LIBGUESTFS_PATH``-style string; empty or ``.`` means cwd."""
    dirs = []
    for d in (path.split(":") if path else []):
        dirs.append(os.getcwd() if d in ("", ".") else d)
    if DEFAULT_PATH not in dirs:
        dirs.append(DEFAULT_PATH)
    return dirs


def _installed_stamp() -> str:
    """What the prepared description was made from: this version and the
    installed appliance inputs (a reinstall changes their mtimes)."""
    from importlib.util import find_spec

    parts = [__version__]
    for pkg in ("guestfs_appliance", "guestfs_daemon"):
        spec = find_spec(pkg)
        for d in (spec.submodule_search_locations or []) if spec else []:
            st = os.stat(d)
            parts.append(f"{pkg}:{st.st_mtime_ns}")
    return " ".join(parts) + "\n"


def ensure_default_prepared(verbose: bool = False) -> None:
    """Prepare the installed package's default appliance description if it is
    missing or was made by another install; a no-op in a checkout.

    Runs under an exclusive lock so concurrent first launches prepare it once.
    """
    if FROM_CHECKOUT:
        return
    stamp_file = os.path.join(DEFAULT_PATH, ".installed-from")
    want = _installed_stamp()
    try:
        with open(stamp_file) as f:
            if f.read() == want:
                return
    except OSError:
        pass
    os.makedirs(DEFAULT_PATH, mode=0o700, exist_ok=True)
    with open(os.path.join(DEFAULT_PATH, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(stamp_file) as f:
                if f.read() == want:
                    return
        except OSError:
            pass
        from guestfs_appliance.prepare import prepare

        prepare(DEFAULT_PATH, quiet=not verbose)
        with open(stamp_file + ".tmp", "w") as f:
            f.write(want)
        os.replace(stamp_file + ".tmp", stamp_file)


def find_appliance(handle: GuestFS) -> Appliance:
    """Ask the finder plugins about each directory on the path; first answer wins.

    :raises RuntimeError: listing every directory searched and what it lacked.
    """
    from .plugins import get_plugin_manager

    ensure_default_prepared(bool(handle.get_verbose()))
    hook = get_plugin_manager().hook
    tried = []
    for d in search_path(handle.get_path()):
        found: Appliance | None = hook.guestfs_find_appliance(directory=d, handle=handle)
        if found is not None:
            return found
        why = [w for w in hook.guestfs_describe_appliance_dir(directory=d) if w]
        tried.append(f"  {d}: {'; '.join(why) or 'not usable'}")
    raise RuntimeError(
        "cannot find any suitable libguestfs supermin, fixed or old-style appliance "
        "on LIBGUESTFS_PATH (search path: " + ":".join(search_path(handle.get_path())) + ")\n"
        + "\n".join(tried))
