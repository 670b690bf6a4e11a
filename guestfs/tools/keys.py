"""``--key``, ``--keys-from-stdin`` and ``--echo-keys``: opening the guest's
encrypted block devices before ``-i`` inspects it (libguestfs's
``common/options`` decryption, with its messages).

Each LUKS (or BitLocker) partition or logical volume is opened as
``luks-UUID``; the keys tried are the ``--key`` selectors naming its device
or its UUID, in order, else one asked for (on /dev/tty, or a line of
standard input).  ``ID:clevis`` unlocks through the network instead.
"""

from __future__ import annotations

import errno as errno_names
import getpass
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..handle import GuestFS

#: Block-device types that need a key before their contents can be seen.
ENCRYPTED_TYPES = ("crypto_LUKS", "BitLocker")


class KeyProblem(Exception):
    """A key could not be had or used: ``str(e)`` is stock's message."""


@dataclass(frozen=True)
class KeySelector:
    """One ``--key ID:TYPE[:VALUE]``."""

    ident: str  # a device name or a LUKS UUID
    kind: str  # "key", "file" or "clevis"
    value: str = ""

    def matches(self, device: str, uuid: str) -> bool:
        return self.ident in (device, uuid) if uuid else self.ident == device


def parse_selector(word: str) -> KeySelector:
    """Split ``--key``'s argument.

    :raises ValueError: with stock's message.
    """
    fields = word.split(":")
    if len(fields) < 2:
        raise ValueError(f"selector '{word}': missing TYPE")
    ident, kind = fields[0], fields[1]
    if kind == "key":
        if len(fields) != 3:
            raise ValueError(f"selector '{word}': missing KEY_STRING, or too many fields")
        return KeySelector(ident, kind, fields[2])
    if kind == "file":
        if len(fields) != 3:
            raise ValueError(f"selector '{word}': missing FILENAME, or too many fields")
        return KeySelector(ident, kind, fields[2])
    if kind == "clevis":
        if len(fields) != 2:
            raise ValueError(f"selector '{word}': too many fields")
        return KeySelector(ident, kind)
    raise ValueError(f"selector '{word}': invalid TYPE")


def _key_from_file(path: str) -> str:
    """A ``file`` selector's key: the file's first line."""
    try:
        with open(path, "rb") as f:
            line = f.readline(65536)
    except OSError as e:
        raise KeyProblem(f"fopen: {path}: {e.strerror}") from None
    return line.rstrip(b"\n").decode("utf-8", "surrogateescape")


def ask_key(device: str, from_stdin: bool, echo: bool) -> str:
    """A key typed by the user: on the terminal (no echo unless ``echo``),
    or the next line of standard input."""
    prompt = f'Enter key or passphrase ("{device}"): '
    if not from_stdin:
        try:
            os.close(os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY))
        except OSError:
            from_stdin = True  # as stock: no terminal, so a line of standard input
    if from_stdin:
        # The buffer, not the text layer: a guestfish script on standard
        # input goes on right after the key's line.
        line = sys.stdin.buffer.readline()
        if not line:
            # Stock's words, errno being the failed terminal check's.
            sys.stderr.write(f"getline: {os.strerror(errno_names.ENOTTY)}\n")
            raise KeyProblem("could not read key from user")
        return line.rstrip(b"\n").decode("utf-8", "surrogateescape")
    if not echo:
        return getpass.getpass(prompt)
    with open("/dev/tty", "r+") as tty:
        tty.write(prompt)
        tty.flush()
        return tty.readline().rstrip("\n")


def _errno_number(e: BaseException) -> int:
    name = getattr(e, "errno", None)
    if isinstance(name, int):
        return name
    return int(getattr(errno_names, name, 0)) if isinstance(name, str) else 0


def _uuid(g: GuestFS, device: str, fstype: str) -> str:
    if fstype != "crypto_LUKS":
        return ""
    try:
        return str(g.luks_uuid(device))
    except RuntimeError:
        return ""


def decrypt(g: GuestFS, selectors: list[KeySelector], from_stdin: bool, echo: bool) -> None:
    """Open every encrypted partition and logical volume, then activate the
    volume groups that appeared inside them.

    :raises KeyProblem: no key opened a device (stock's message).
    """
    opened = False
    for device in [*g.list_partitions(), *g.lvs()]:
        try:
            fstype = g.vfs_type(device)
        except RuntimeError:
            continue
        if fstype not in ENCRYPTED_TYPES:
            continue
        uuid = _uuid(g, device, fstype)
        mapname = f"luks-{uuid}" if uuid else "luks-" + "".join(c for c in device[5:] if c.isalnum())
        _open(g, device, uuid, mapname, selectors, from_stdin, echo)
        opened = True
    if opened:
        g.vgscan()
        g.vg_activate_all(True)


def _open(g: GuestFS, device: str, uuid: str, mapname: str, selectors: list[KeySelector],
          from_stdin: bool, echo: bool) -> None:
    """Try each key for ``device`` until one opens it."""
    mine = [s for s in selectors if s.matches(device, uuid)]
    attempts: list[KeySelector] = mine or [KeySelector(device, "key", ask_key(device, from_stdin, echo))]
    last: BaseException | None = None
    for sel in attempts:
        try:
            if sel.kind == "clevis":
                g.clevis_luks_unlock(device, mapname)
            else:
                key = _key_from_file(sel.value) if sel.kind == "file" else sel.value
                g.cryptsetup_open(device, key, mapname)
            return
        except RuntimeError as e:
            last = e
    assert last is not None
    raise KeyProblem(f"could not find key to open LUKS encrypted {device}.\n\n"
                    f"Try using --key on the command line.\n\n"
                    f"Original error: {last} ({_errno_number(last)})")
