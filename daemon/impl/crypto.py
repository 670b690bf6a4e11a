"""Encrypted block devices: cryptsetup_open/close, the older luks_* calls, and
clevis_luks_unlock (network-bound disk encryption through Debian's clevis)."""

from __future__ import annotations

import os

from .. import context
from ..dispatch import action
from ..errors import DaemonError
from ..lib.devtext import callers_names
from ..lib.programs import DEVNULL, run

_TYPES = ("luks", "bitlk")


def _check_mapname(mapname: str) -> None:
    if not mapname or "/" in mapname or mapname.startswith("."):
        raise DaemonError(f"{mapname}: invalid mapping name", "EINVAL")


def _detect_type(device: str) -> str:
    """``luks`` if the device has a LUKS header, else ``bitlk`` (BitLocker)."""
    cp = run(["cryptsetup", "isLuks", device], check=False)
    return "luks" if cp.returncode == 0 else "bitlk"


@action("cryptsetup_open")
def cryptsetup_open(device: str, key: str, mapname: str, readonly: bool = False,
                    crypttype: str | None = None, cipher: str | None = None) -> None:
    """Unlock ``device`` with ``key`` as /dev/mapper/``mapname``."""
    _check_mapname(mapname)
    if crypttype is not None and crypttype not in _TYPES:
        raise DaemonError(f"crypttype: unknown type '{crypttype}' (use luks or bitlk)", "EINVAL")
    argv = ["cryptsetup", "open", "--type", crypttype or _detect_type(device),
            "--key-file", "-"]
    if readonly:
        argv.append("--readonly")
    if cipher:
        argv += ["--cipher", cipher]
    # As stock (whose open is OCaml): "cryptsetup exited with status N: ERR".
    cp = run(argv + [device, mapname], input=key.encode(), check=False)
    if cp.returncode != 0:
        err = cp.stderr.decode("utf-8", "replace").strip()
        raise DaemonError(f"cryptsetup exited with status {cp.returncode}: {err}")
    if not os.path.exists(f"/dev/mapper/{mapname}"):
        raise DaemonError(f"/dev/mapper/{mapname}: the mapping did not appear", "EIO")


@action("cryptsetup_close")
def cryptsetup_close(device: str) -> None:
    """Lock a device opened with cryptsetup_open (``device`` is /dev/mapper/NAME)."""
    if not device.startswith("/dev/mapper/"):
        raise DaemonError(f"{device}: not a /dev/mapper device", "EINVAL")
    run(["cryptsetup", "close", device[len("/dev/mapper/"):]])


@action("luks_open")
def luks_open(device: str, key: str, mapname: str) -> None:
    """Older form of cryptsetup_open for LUKS devices."""
    cryptsetup_open(device, key, mapname, crypttype="luks")


@action("luks_close")
def luks_close(device: str) -> None:
    """Older form of cryptsetup_close."""
    cryptsetup_close(device)


@action("luks_format")
def luks_format(device: str, key: str, keyslot: int) -> None:
    """Make ``device`` a LUKS device with ``key`` in ``keyslot``."""
    if not 0 <= keyslot <= 7:
        raise DaemonError(f"keyslot {keyslot} out of range (0 to 7)", "EINVAL")
    run(["cryptsetup", "luksFormat", "--batch-mode", "--type", "luks1", "--key-slot", str(keyslot),
         "--key-file", "-", device], input=key.encode())


@action("luks_open_ro")
def luks_open_ro(device: str, key: str, mapname: str) -> None:
    """Older form of cryptsetup_open with ``readonly``."""
    cryptsetup_open(device, key, mapname, readonly=True, crypttype="luks")


@action("luks_uuid")
def luks_uuid(device: str) -> str:
    """The UUID in a LUKS header."""
    if run(["cryptsetup", "isLuks", device], check=False).returncode != 0:
        raise DaemonError(f"{context.canonical_device(device)}: not a LUKS device", "EINVAL")
    return run(["cryptsetup", "luksUUID", device]).stdout.decode().strip()


def _slot(keyslot: int) -> str:
    if not 0 <= keyslot <= 7:
        raise DaemonError(f"keyslot {keyslot} out of range (0 to 7)", "EINVAL")
    return str(keyslot)


@action("luks_format_cipher")
def luks_format_cipher(device: str, key: str, keyslot: int, cipher: str) -> None:
    """``luks_format`` with a chosen cipher."""
    run(["cryptsetup", "luksFormat", "--batch-mode", "--type", "luks1", "--key-slot", _slot(keyslot),
         "--cipher", cipher, "--key-file", "-", device], input=key.encode())


@action("luks_add_key")
def luks_add_key(device: str, key: str, newkey: str, keyslot: int) -> None:
    """Add ``newkey`` in ``keyslot``, unlocking with an existing ``key``."""
    # cryptsetup reads the existing key from --key-file and the new one from
    # a second file: give it both through pipes, never the command line.
    rfd, wfd = os.pipe()
    try:
        os.write(wfd, newkey.encode())
        os.close(wfd)
        wfd = -1
        run(["cryptsetup", "luksAddKey", "--batch-mode", "--key-slot", _slot(keyslot),
             "--key-file", "-", device, f"/dev/fd/{rfd}"], input=key.encode(), pass_fds=(rfd,))
    finally:
        os.close(rfd)
        if wfd >= 0:
            os.close(wfd)


@action("luks_kill_slot")
def luks_kill_slot(device: str, key: str, keyslot: int) -> None:
    """Remove the key in ``keyslot``, authorised by another ``key``."""
    # cryptsetup's own words, as stock gives them.
    run(["cryptsetup", "luksKillSlot", "--batch-mode", "--key-file", "-", device, _slot(keyslot)],
        input=key.encode(), message="output")


#: Seconds clevis may take to reach its tang servers before the call gives up
#: (curl has its own connect timeout; this bounds everything else).
CLEVIS_TIMEOUT = 120


@action("clevis_luks_unlock")
def clevis_luks_unlock(device: str, mapname: str) -> None:
    """Unlock ``device`` as /dev/mapper/``mapname`` through the clevis pins bound
    to one of its LUKS key slots (tang servers, reached over the appliance's
    network: ``set_network(True)``)."""
    _check_mapname(mapname)
    if os.path.exists(f"/dev/mapper/{mapname}"):
        raise DaemonError(f"{mapname}: the mapping name is already in use (/dev/mapper/{mapname})",
                          "EEXIST")
    if run(["cryptsetup", "isLuks", device], check=False).returncode != 0:
        raise DaemonError(f"{context.canonical_device(device)}: not a LUKS device", "EINVAL")
    cp = run(["timeout", str(CLEVIS_TIMEOUT), "clevis", "luks", "unlock", "-d", device,
              "-n", mapname], stdin=DEVNULL, check=False)
    if cp.returncode != 0:
        err = (cp.stderr or cp.stdout).decode("utf-8", "replace").strip()
        if cp.returncode == 124:
            err = f"clevis did not answer within {CLEVIS_TIMEOUT} seconds"
        raise DaemonError(f"{context.canonical_device(device)}: "
                          f"{callers_names(err) or f'clevis exited with status {cp.returncode}'}")
    if not os.path.exists(f"/dev/mapper/{mapname}"):
        raise DaemonError(f"/dev/mapper/{mapname}: the mapping did not appear", "EIO")
