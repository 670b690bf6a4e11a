"""The deprecated sfdisk family: ``sfdisk``, ``sfdiskM``, ``sfdisk_N``
(partition tables from sfdisk(8) input lines), ``sfdisk_l`` and the two
geometry reports.

As in libguestfs 1.48, the lines go to sfdisk's stdin one per line and the
options are passed on as given, so today's sfdisk decides what they mean
(it refuses the old ``-C/-H/-S`` geometry and ``-uM`` units); a failure
reads ``COMMAND: external command failed`` with the command line as
libguestfs shows it.  The kernel then re-reads the table.  Partitioning
through parted and sgdisk is ``partitions.py``.
"""

from __future__ import annotations

import shlex

from ..dispatch import action
from ..errors import DaemonError
from ..lib import blockdev
from ..lib.devtext import callers_names
from ..lib.programs import DEVNULL, run


def sfdisk_argv(device: str, partnum: int, cyls: int, heads: int, sectors: int,
                extra: str | None = None) -> list[str]:
    """sfdisk's command line: ``-N`` for a partition number > 0, each of
    ``-C/-H/-S`` when not 0 (negative values too), then ``extra``."""
    argv = ["sfdisk"]
    if partnum > 0:
        argv += ["-N", str(partnum)]
    for flag, value in (("-C", cyls), ("-H", heads), ("-S", sectors)):
        if value:
            argv += [flag, str(value)]
    if extra:
        argv.append(extra)
    argv.append(device)
    return argv


def sfdisk_input(lines: list[str]) -> bytes:
    """What sfdisk reads: each line followed by a newline (nothing for none)."""
    return "".join(f"{line}\n" for line in lines).encode()


def _sfdisk(device: str, partnum: int, cyls: int, heads: int, sectors: int, extra: str | None,
            lines: list[str]) -> None:
    """Run sfdisk on ``device`` with ``lines``, then have the kernel re-read the table."""
    argv = sfdisk_argv(device, partnum, cyls, heads, sectors, extra)
    cp = run(argv, input=sfdisk_input(lines), check=False, c_locale=True)
    if cp.returncode != 0:
        # libguestfs shows the command it ran (with the caller's device name), not sfdisk's output.
        shown = shlex.join([*argv[:-1], blockdev.display(device)])
        raise DaemonError(f"{shown}: external command failed")
    blockdev.reread_partitions(device)


@action("sfdisk")
def sfdisk(device: str, cyls: int, heads: int, sectors: int, lines: list[str]) -> None:
    """Deprecated: write a partition table from sfdisk input lines."""
    _sfdisk(device, 0, cyls, heads, sectors, None, lines)


@action("sfdiskM")
def sfdiskM(device: str, lines: list[str]) -> None:  # noqa: N802 - the action's name
    """Deprecated: sfdisk with sizes in megabytes (``-uM``, which today's sfdisk refuses)."""
    _sfdisk(device, 0, 0, 0, 0, "-uM", lines)


@action("sfdisk_N")
def sfdisk_N(device: str, partnum: int, cyls: int, heads: int, sectors: int,  # noqa: N802 - the action's name
             line: str) -> None:
    """Deprecated: change partition ``partnum`` only (the whole table when it is <= 0)."""
    _sfdisk(device, partnum, cyls, heads, sectors, None, [line])


def _report(flag: str, device: str) -> str:
    """sfdisk's report ``flag`` on ``device``, as it prints it."""
    cp = run(["sfdisk", flag, device], stdin=DEVNULL, check=False, c_locale=True)
    if cp.returncode != 0:
        err = (cp.stderr or cp.stdout).decode("utf-8", "replace").strip()
        raise DaemonError(f"{blockdev.display(device)}: {callers_names(err)}")
    # sfdisk names the kernel's devices; stock's report shows the caller's names.
    return callers_names(cp.stdout.decode("utf-8", "surrogateescape"))


@action("sfdisk_l")
def sfdisk_l(device: str) -> str:
    """Deprecated: the partition table as ``sfdisk -l`` prints it."""
    return _report("-l", device)


@action("sfdisk_kernel_geometry")
def sfdisk_kernel_geometry(device: str) -> str:
    """The kernel's geometry of ``device`` (``sfdisk -g``)."""
    return _report("-g", device)


@action("sfdisk_disk_geometry")
def sfdisk_disk_geometry(device: str) -> str:
    """The geometry the partition table records (``sfdisk -G``)."""
    return _report("-G", device)
