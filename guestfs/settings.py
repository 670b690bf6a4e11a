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


def _boolean(s: str) -> bool:
    """libguestfs's boolean words, any case: 1/true/t/yes/y/on, 0/false/f/no/n/off."""
    v = s.lower()
    if v in ("1", "true", "t", "yes", "y", "on"):
        return True
    if v in ("0", "false", "f", "no", "n", "off"):
        return False
    raise ValueError("non-boolean value")


def _check_backend(v: str) -> str:
    """``name`` or ``name:arg`` of a registered backend (plugins included), as
    stock refuses an unknown one when it is set rather than at launch."""
    from .plugins import get_backends  # the plugins need the settings first

    if v == "appliance":
        return "direct"  # the old name of "direct"
    if v.partition(":")[0] not in get_backends().names():
        raise ValueError(f"invalid backend: {v}")
    return v


def _absolute(label: str) -> Callable[[str], str]:
    """A check that makes a directory's path absolute (links resolved), or
    says, in stock's words under ``label``, why it cannot."""
    def check(v: str) -> str:
        try:
            return os.path.realpath(v, strict=True)
        except OSError as e:
            raise ValueError(f"converting path to absolute path: {label}: {v}: realpath: "
                             f"{os.strerror(e.errno or 0)}") from None
    return check


def _memsize_word(s: str) -> int:
    """LIBGUESTFS_MEMSIZE read as C's strtol reads it: the leading decimal
    number (``300x`` is 300), kept to a C int."""
    m = re.match(r"\s*([+-]?\d+)", s)
    if m is None:
        raise ValueError("non-numeric value for LIBGUESTFS_MEMSIZE")
    return (int(m.group(1)) + (1 << 31)) % (1 << 32) - (1 << 31)


def _split_colons(s: str) -> tuple[str, ...]:
    """LIBGUESTFS_BACKEND_SETTINGS is a colon-separated list."""
    return tuple(s.split(":")) if s else ()


@dataclass(frozen=True)
class Setting:
    """One handle setting: its default and the check its setter makes."""

    name: str
    default: Any
    check: Callable[[Any], Any] | None = None
    #: Another setting this one is an old name for (``qemu`` → ``hv``).
    alias_of: str | None = None


SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("verbose", False),
    Setting("trace", False),
    # 1280 MiB: libguestfs 1.48's default on x86-64 (RAM the guest never
    # touches costs the host nothing).
    Setting("memsize", 1280, _check_memsize),
    Setting("smp", 1, _check_smp),
    Setting("append", None),
    Setting("path", None),
    Setting("cachedir", None, _absolute("set_cachedir")),
    Setting("tmpdir", None, _absolute("set_tmpdir")),
    Setting("sockdir", None),
    Setting("autosync", True),
    Setting("backend", "direct", _check_backend),
    Setting("backend_settings", ()),
    Setting("hv", None),
    Setting("program", "python"),
    Setting("identifier", "", _check_identifier),
    Setting("network", False),
    Setting("selinux", False),
    Setting("recovery_proc", True),
    Setting("pgroup", False),
    Setting("direct", False),
    Setting("qemu", None, alias_of="hv"),
    Setting("attach_method", None, alias_of="backend"),
)}


@dataclass(frozen=True)
class EnvVar:
    """An environment variable a handle reads: its names (the first one set
    counts), the setting it gives (None: only checked), how its text is read
    and checked, and whether an empty value is read (else ignored)."""

    names: tuple[str, ...]
    setting: str | None
    parse: Callable[[str], Any] | None = None
    read_empty: bool = False


#: The variables, in the order stock 1.48 reads them: it stops at the first
#: bad one, keeping what the ones before it set.
ENVIRONMENT: tuple[EnvVar, ...] = (
    EnvVar(("LIBGUESTFS_TRACE",), "trace", _boolean, read_empty=True),
    EnvVar(("LIBGUESTFS_DEBUG",), "verbose", _boolean, read_empty=True),
    EnvVar(("LIBGUESTFS_TMPDIR",), "tmpdir"),
    EnvVar(("LIBGUESTFS_CACHEDIR",), "cachedir"),
    # $TMPDIR is the default of both; here it is only checked (it is read when used).
    EnvVar(("TMPDIR",), None, _absolute("TMPDIR")),
    EnvVar(("LIBGUESTFS_PATH",), "path"),
    EnvVar(("LIBGUESTFS_HV", "LIBGUESTFS_QEMU"), "hv"),
    EnvVar(("LIBGUESTFS_APPEND",), "append", read_empty=True),
    EnvVar(("LIBGUESTFS_MEMSIZE",), "memsize", _memsize_word),
    EnvVar(("LIBGUESTFS_BACKEND", "LIBGUESTFS_ATTACH_METHOD"), "backend"),
    EnvVar(("LIBGUESTFS_BACKEND_SETTINGS",), "backend_settings", _split_colons),
    EnvVar(("XDG_RUNTIME_DIR",), "sockdir", _absolute("XDG_RUNTIME_DIR")),
)


def default_values() -> dict[str, Any]:
    """Every setting at its default (aliases left out)."""
    return {s.name: s.default for s in SETTINGS.values() if not s.alias_of}


def read_environment(environment: Mapping[str, str], values: dict[str, Any]) -> None:
    """Set in ``values`` what ``environment``'s variables say, in stock's order.

    :raises ValueError: at the first bad value, with stock's message; the
        variables before it are already set, the ones after it are not read.
    """
    for var in ENVIRONMENT:
        name = next((n for n in var.names if n in environment), None)
        if name is None:
            continue
        raw = environment[name]
        if raw == "" and not var.read_empty:
            continue
        try:
            value = var.parse(raw) if var.parse else raw
        except ValueError as e:
            raise ValueError(f"{name}={raw}: {e}" if var.parse is _boolean else str(e)) from None
        if var.setting is None:
            continue
        check = SETTINGS[var.setting].check
        values[var.setting] = check(value) if check is not None else value


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
