"""Handle settings behind the ``set_*``/``get_*`` actions, and their environment.

One table, :data:`SETTINGS`; the library-side actions ``set_X``/``get_X``
for every entry are derived from it in ``library/config.py``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


def _check_memsize(v: int) -> int:
    if v < 256:
        raise ValueError("too small value for memsize (must be at least 256)")
    return v


def _check_smp(v: int) -> int:
    if v < 1:
        raise ValueError(f"invalid smp parameter: {v}")
    if v > 255:  # what libguestfs 1.48 allows
        raise ValueError(f"unsupported number of smp vcpus: {v}")
    return v


def _check_identifier(v: str) -> str:
    if not re.fullmatch(r"[-A-Za-z0-9_]*", v):
        raise ValueError("identifier must contain only alphanumeric characters, underscore or minus sign")
    return v


def _bool_env(s: str) -> bool:
    """libguestfs's boolean words: 1/yes/true/on and 0/no/false/off, any case."""
    v = s.lower()
    if v in ("1", "yes", "true", "on"):
        return True
    if v in ("0", "no", "false", "off"):
        return False
    raise ValueError(f"{s}: non-boolean value")


def _check_backend(v: str) -> str:
    if not v:
        raise ValueError(f"invalid backend: {v}")
    return "direct" if v == "appliance" else v  # the old name of "direct"


def _split_colons(s: str) -> tuple[str, ...]:
    """LIBGUESTFS_BACKEND_SETTINGS is a colon-separated list."""
    return tuple(s.split(":")) if s else ()


@dataclass(frozen=True)
class Setting:
    """One handle setting: default, environment variable, validator."""

    name: str
    default: Any
    env: tuple[str, ...] = ()
    parse: Callable[[str], Any] | None = None
    check: Callable[[Any], Any] | None = None
    #: Another setting this one is an old name for (``qemu`` → ``hv``).
    alias_of: str | None = None


SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("verbose", False, ("LIBGUESTFS_DEBUG",), _bool_env),
    Setting("trace", False, ("LIBGUESTFS_TRACE",), _bool_env),
    # 1280 MiB: libguestfs 1.48's default on x86-64 (RAM the guest never
    # touches costs the host nothing).
    Setting("memsize", 1280, ("LIBGUESTFS_MEMSIZE",), int, _check_memsize),
    Setting("smp", 1, (), None, _check_smp),
    Setting("append", None, ("LIBGUESTFS_APPEND",)),
    Setting("path", None, ("LIBGUESTFS_PATH",)),
    Setting("cachedir", None, ("LIBGUESTFS_CACHEDIR",)),
    Setting("tmpdir", None, ("LIBGUESTFS_TMPDIR",)),
    Setting("sockdir", None, ("XDG_RUNTIME_DIR",)),
    Setting("autosync", True),
    Setting("backend", "direct", ("LIBGUESTFS_BACKEND", "LIBGUESTFS_ATTACH_METHOD"), None, _check_backend),
    Setting("backend_settings", (), ("LIBGUESTFS_BACKEND_SETTINGS",), _split_colons),
    Setting("hv", None, ("LIBGUESTFS_HV", "LIBGUESTFS_QEMU")),
    Setting("program", "python"),
    Setting("identifier", "", (), None, _check_identifier),
    Setting("network", False),
    Setting("selinux", False),
    Setting("recovery_proc", True),
    Setting("pgroup", False),
    Setting("direct", False),
    Setting("qemu", None, alias_of="hv"),
    Setting("attach_method", None, alias_of="backend"),
)}


def initial_values(environment: Mapping[str, str] | None) -> dict[str, Any]:
    """Default values, overridden by ``environment``'s variables when given
    (``os.environ``, or a list ``parse_environment_list`` was passed)."""
    vals = {}
    for s in SETTINGS.values():
        if s.alias_of:
            continue
        v = s.default
        if environment is not None:
            for var in s.env:
                raw = environment.get(var)
                if raw is not None and (raw != "" or s.parse is None):
                    try:
                        v = s.parse(raw) if s.parse else raw
                    except ValueError:
                        continue
                    if s.check:
                        try:
                            v = s.check(v)
                        except ValueError:
                            v = s.default
                    break
        vals[s.name] = v
    return vals


def default_tmpdir(value: str | None) -> str:
    """The tmpdir in force: the setting, else $TMPDIR, else /tmp."""
    return value or os.environ.get("TMPDIR") or "/tmp"


def default_sockdir(value: str | None) -> str:
    """The sockdir in force: the setting (from $XDG_RUNTIME_DIR), else /tmp.

    Sockets live apart from the tmpdir because a socket's path is limited to
    107 bytes and a user's $TMPDIR may be long."""
    return value or "/tmp"


def default_cachedir(value: str | None) -> str:
    """The cachedir in force: the setting, else $TMPDIR, else /var/tmp."""
    return value or os.environ.get("TMPDIR") or "/var/tmp"


def find_backend_setting(backend_settings: Sequence[str], name: str) -> str | None:
    """The value of backend setting ``name`` in a ``key[=value]`` list
    (``"1"`` for a bare flag), or None; the first match wins, as in libguestfs."""
    for s in backend_settings:
        key, eq, val = s.partition("=")
        if key == name:
            return val if eq else "1"
    return None


def default_hv() -> str:
    """The qemu binary used when no ``hv`` is set."""
    return shutil.which("qemu-system-x86_64") or "/usr/bin/qemu-system-x86_64"
