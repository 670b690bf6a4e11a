"""Bootloaders: ``extlinux`` (into a mounted guest directory), ``syslinux``
(onto a FAT device) and ``grub_install`` (GRUB for BIOS PCs).

Each runs the Debian program as libguestfs 1.48 runs it; a failure reads as
the program's own messages (``DIRECTORY: <extlinux's stderr>`` for
extlinux).  Nothing is written to the boot sector of the disk by extlinux or
syslinux: copying an MBR is the caller's business, as in libguestfs.
"""

from __future__ import annotations

from ..dispatch import action
from ..lib.guestroot import real
from ..lib.programs import DEVNULL, run


def syslinux_argv(device: str, directory: str | None) -> list[str]:
    """``syslinux --install [-d DIR] DEVICE``."""
    argv = ["syslinux", "--install"]
    if directory is not None:
        argv += ["--directory", directory]
    return [*argv, device]


@action("extlinux")
def extlinux(directory: str) -> None:
    """Install extlinux's boot files in a directory of a mounted ext2/3/4 or btrfs guest."""
    run(["extlinux", "--install", real_dir(directory)], stdin=DEVNULL, c_locale=True,
        message="output", prefix=directory)


def real_dir(directory: str) -> str:
    """The appliance path of the guest directory (links resolved inside the guest)."""
    return real(directory, follow=True)


@action("syslinux")
def syslinux(device: str, directory: str | None = None) -> None:
    """Install syslinux on an unmounted FAT filesystem (its files in ``directory``)."""
    run(syslinux_argv(device, directory), stdin=DEVNULL, c_locale=True, message="output")


@action("grub_install")
def grub_install(root: str, device: str) -> None:
    """Install GRUB for BIOS PCs on ``device``, its files under the guest's ``root``/boot."""
    run(["grub-install", f"--root-directory={real_dir(root)}", device], stdin=DEVNULL,
        c_locale=True, message="output")
