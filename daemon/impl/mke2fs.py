"""The mke2fs family: ``mke2fs`` with every mke2fs(8) option as an optional
argument, the deprecated external-journal calls (``mke2journal``,
``mke2journal_L/U``) and filesystems using one (``mke2fs_J/JL/JU``).

Each builds the mke2fs command line libguestfs 1.48 builds (same option
order, same checks before running, same quirks: ``quotatype`` adds
nothing, ``flexbg`` is passed as the feature name ``flexbg``), wipes the
device's old signatures first as stock does, and fails with mke2fs's
stderr (``DEVICE: …`` for ``mke2fs``, the bare message for the deprecated
calls).  ``mkfs`` itself is in ``filesystems.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .. import context
from ..dispatch import action
from ..errors import DaemonError
from ..lib.blockdev import display
from ..lib.devtext import callers_names
from ..lib.programs import DEVNULL, run

EXTFS = ("ext2", "ext3", "ext4")
#: ext2/3/4 labels are at most this many bytes (checked by the deprecated calls).
EXT_LABEL_MAX = 16

#: mke2fs's numeric options in command-line order: (optional argument, flag, how the value is written).
_NUMBERS_EARLY = (("blocksize", "-b", "{}"), ("fragsize", "-f", "{}"),)
_NUMBERS_MID = (("blockspergroup", "-g", "{}"), ("numberofgroups", "-G", "{}"),
                ("bytesperinode", "-i", "{}"), ("inodesize", "-I", "{}"),
                ("journalsize", "-J", "size={}"))
#: -E settings, in order, from numbers.
_EXTENDED_NUMBERS = (("mmpupdateinterval", "mmp_update_interval={}"), ("stridesize", "stride={}"),
                     ("stripewidth", "stripe_width={}"), ("maxonlineresize", "resize={}"))
#: -O features: (optional argument, feature name as libguestfs passes it).
_FEATURES = (("extent", "extent"), ("filetype", "filetype"), ("flexbg", "flexbg"),
             ("hasjournal", "has_journal"), ("journaldev", "journal_dev"),
             ("largefile", "large_file"), ("quota", "quota"), ("resizeinode", "resize_inode"),
             ("sparsesuper", "sparse_super"), ("uninitbg", "uninit_bg"))

def check_extfs(fstype: str) -> None:
    """Refuse a type that is not ext2, ext3 or ext4, as libguestfs does."""
    if fstype not in EXTFS:
        raise DaemonError(f"{fstype}: not a valid extended filesystem type", "EINVAL")


def check_label(label: str) -> None:
    """Refuse a label longer than ext2/3/4 allow (the deprecated calls check it)."""
    if len(label.encode()) > EXT_LABEL_MAX:
        raise DaemonError(f"{label}: ext2/3/4 labels are limited to {EXT_LABEL_MAX} bytes", "ERANGE")


def _same(name: str) -> str:
    """The journal device as given (the default of :func:`mke2fs_argv`'s ``journal``)."""
    return name


def mke2fs_argv(device: str, opts: dict[str, object],
                journal: Callable[[str], str] = _same) -> list[str]:
    """The mke2fs command line for ``mke2fs``'s optional arguments (only those set).

    Each option is checked where it goes on the command line, so the first
    bad one in that order is the one reported, as in libguestfs.

    :param journal: turns a non-empty ``journaldevice`` into mke2fs's name for it.
    :raises DaemonError: a negative number, an unknown journal device, or
        ``fstype`` not ext2/3/4.
    """
    argv = ["mke2fs"]

    def number(name: str, flag: str, fmt: str) -> None:
        value = opts.get(name)
        if value is not None:
            if not isinstance(value, int) or value < 0:
                raise DaemonError(f"{name} must be >= 0", "EINVAL")
            argv.extend([flag, fmt.format(value)])

    def string(name: str, flag: str) -> None:
        if opts.get(name) is not None:
            argv.extend([flag, str(opts[name])])

    def true(name: str, flag: str) -> None:
        if opts.get(name):
            argv.append(flag)

    blockscount = opts.get("blockscount")
    if blockscount is not None and (not isinstance(blockscount, int) or blockscount < 0):
        raise DaemonError("blockscount must be >= 0", "EINVAL")
    for name, flag, fmt in _NUMBERS_EARLY:
        number(name, flag, fmt)
    true("forcecreate", "-F")
    for name, flag, fmt in _NUMBERS_MID:
        number(name, flag, fmt)
    jdev = opts.get("journaldevice")
    if isinstance(jdev, str):
        argv.extend(["-J", f"device={journal(jdev) if jdev else jdev}"])
    string("label", "-L")
    number("reservedblockspercentage", "-m", "{}")
    string("lastmounteddir", "-M")
    number("numberofinodes", "-N", "{}")
    string("creatoros", "-o")
    true("writesbandgrouponly", "-S")
    fstype = opts.get("fstype")
    if isinstance(fstype, str):
        check_extfs(fstype)
        argv.extend(["-t", fstype])
    string("usagetype", "-T")
    string("uuid", "-U")
    for name, fmt in _EXTENDED_NUMBERS:
        number(name, "-E", fmt)
    for name, setting in (("lazyitableinit", "lazy_itable_init"), ("lazyjournalinit", "lazy_journal_init")):
        if opts.get(name) is not None:
            argv.extend(["-E", f"{setting}={1 if opts[name] else 0}"])
    if opts.get("testfs"):
        argv.extend(["-E", "test_fs"])
    if opts.get("discard") is not None:
        argv.extend(["-E", "discard" if opts["discard"] else "nodiscard"])
    # quotatype is accepted and, as in libguestfs, adds nothing.
    for name, feature in _FEATURES:
        if opts.get(name) is not None:
            argv.extend(["-O", feature if opts[name] else f"^{feature}"])
    argv.append(device)
    if blockscount is not None:
        argv.append(str(blockscount))
    return argv


#: Disk and partition names, which are translated (and must exist).
_DISK_NAME = re.compile(r"^/dev/(sd|hd|vd)[a-z]+\d*$")


def _journal_device(name: str) -> str:
    """``journaldevice`` as mke2fs needs it: disk and partition names
    translated to the appliance's (an OString gets no translation of its
    own); ``LABEL=``, ``UUID=`` and other paths passed on for mke2fs to judge."""
    if _DISK_NAME.match(name):
        return context.resolve_device(name)
    return name


def _wipe(device: str) -> None:
    """Erase old signatures first, as libguestfs does before every mkfs (best effort)."""
    run(["wipefs", "-a", "--force", device], stdin=DEVNULL, check=False)


def _run_mke2fs(argv: list[str], prefix: str | None) -> None:
    """Run mke2fs; a failure reads ``[PREFIX: ]stderr`` with only its final
    newlines trimmed (a leading blank line stays, as stock shows it)."""
    cp = run(argv, stdin=DEVNULL, check=False, c_locale=True)
    if cp.returncode == 0:
        return
    err = (cp.stderr or cp.stdout).decode("utf-8", "replace").rstrip("\n")
    if not err:
        err = f"mke2fs exited with status {cp.returncode}"
    # mke2fs names the kernel's devices ("journal device /dev/sdc"): put the caller's.
    err = callers_names(err)
    raise DaemonError(f"{prefix}: {err}" if prefix else err)


@action("mke2fs")
def mke2fs(device: str, **opts: object) -> None:
    """Make an ext2/3/4 filesystem (or an external journal) with mke2fs's options."""
    argv = mke2fs_argv(device, opts, _journal_device)
    _wipe(device)
    _run_mke2fs(argv, display(device))


def _journal_argv(blocksize: int, device: str, *extra: str) -> list[str]:
    """The deprecated calls' command line for an external journal device."""
    return ["mke2fs", "-F", "-O", "journal_dev", "-b", str(blocksize), *extra, device]


@action("mke2journal")
def mke2journal(blocksize: int, device: str) -> None:
    """Deprecated: make an external ext2/3/4 journal on ``device``."""
    _wipe(device)
    _run_mke2fs(_journal_argv(blocksize, device), None)


@action("mke2journal_L")
def mke2journal_L(blocksize: int, label: str, device: str) -> None:  # noqa: N802 - the action's name
    """Deprecated: make an external journal with a label."""
    check_label(label)
    _wipe(device)
    _run_mke2fs(_journal_argv(blocksize, device, "-L", label), None)


@action("mke2journal_U")
def mke2journal_U(blocksize: int, uuid: str, device: str) -> None:  # noqa: N802 - the action's name
    """Deprecated: make an external journal with a UUID."""
    _wipe(device)
    _run_mke2fs(_journal_argv(blocksize, device, "-U", uuid), None)


def _with_journal(fstype: str, blocksize: int, device: str, journal: str) -> None:
    """Make an ext2/3/4 filesystem whose journal is ``journal`` (``device=`` value)."""
    check_extfs(fstype)
    _wipe(device)
    _run_mke2fs(["mke2fs", "-F", "-t", fstype, "-J", f"device={journal}", "-b", str(blocksize),
                 device], None)


@action("mke2fs_J")
def mke2fs_J(fstype: str, blocksize: int, device: str, journal: str) -> None:  # noqa: N802 - the action's name
    """Deprecated: make a filesystem with the external journal device ``journal``."""
    _with_journal(fstype, blocksize, device, journal)


@action("mke2fs_JL")
def mke2fs_JL(fstype: str, blocksize: int, device: str, label: str) -> None:  # noqa: N802 - the action's name
    """Deprecated: make a filesystem with the external journal labelled ``label``."""
    check_extfs(fstype)  # before the label, as in stock
    check_label(label)
    _with_journal(fstype, blocksize, device, f"LABEL={label}")


@action("mke2fs_JU")
def mke2fs_JU(fstype: str, blocksize: int, device: str, uuid: str) -> None:  # noqa: N802 - the action's name
    """Deprecated: make a filesystem with the external journal of UUID ``uuid``."""
    _with_journal(fstype, blocksize, device, f"UUID={uuid}")
