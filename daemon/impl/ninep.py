"""9p shares: list_9p and mount_9p over virtio-9p devices.

A share reaches the appliance when the caller adds a virtio-9p device to
the hypervisor (``config("-virtfs", "local,path=DIR,mount_tag=TAG,...")``
or ``-fsdev`` with ``-device virtio-9p-pci``).  The kernel's 9pnet_virtio
driver then lists one ``virtioN`` entry per device, each with its
``mount_tag``; mount_9p mounts a tag (``-t 9p -o trans=virtio``) on a
guest path under the sysroot.  The drivers are loaded only when a call
needs them (/init's coldplug also loads them at boot when such a device
is there), so launches without a share pay nothing.
"""

from __future__ import annotations

import os

from ..dispatch import action
from ..errors import DaemonError
from ..lib.guestroot import real
from ..lib.programs import run

#: Where the 9pnet_virtio driver lists the devices it has bound.
DRIVER_DIR = "/sys/bus/virtio/drivers/9pnet_virtio"
#: Where every virtio device is, bound or not.
DEVICES_DIR = "/sys/bus/virtio/devices"
#: The virtio device id of a 9p transport, as it reads in a modalias.
NINEP_MODALIAS = "virtio:d00000009v"


def parse_mount_tag(raw: bytes) -> str:
    """A ``mount_tag`` sysfs attribute as text: the kernel ends it with a NUL
    (some kernels with a newline), which is not part of the tag."""
    return raw.split(b"\0", 1)[0].rstrip(b"\n").decode("utf-8", "surrogateescape")


def _has_9p_device() -> bool:
    """Whether any virtio device is a 9p transport (read from the modaliases)."""
    try:
        names = os.listdir(DEVICES_DIR)
    except OSError:
        return False
    for name in names:
        try:
            with open(os.path.join(DEVICES_DIR, name, "modalias")) as f:
                if f.read().startswith(NINEP_MODALIAS):
                    return True
        except OSError:
            continue
    return False


def _load_driver() -> None:
    """Load 9pnet_virtio when a 9p device is there and no driver has bound it."""
    if not os.path.isdir(DRIVER_DIR) and _has_9p_device():
        run(["modprobe", "9pnet_virtio"], check=False)


@action("list_9p")
def list_9p() -> list[str]:
    """The mount tags of the virtio-9p devices, sorted (empty without any)."""
    _load_driver()
    try:
        entries = os.listdir(DRIVER_DIR)
    except FileNotFoundError:
        return []
    except OSError as e:
        raise DaemonError.from_oserror(e, "opendir", DRIVER_DIR) from None
    tags = []
    for entry in entries:
        if not entry.startswith("virtio"):
            continue
        path = os.path.join(DRIVER_DIR, entry, "mount_tag")
        try:
            with open(path, "rb") as f:
                tags.append(parse_mount_tag(f.read()))
        except FileNotFoundError:
            continue  # a device being unbound
        except OSError as e:
            raise DaemonError.from_oserror(e, path) from None
    return sorted(tags)


@action("mount_9p")
def mount_9p(mounttag: str, mountpoint: str, options: str | None = None) -> None:
    """Mount the 9p share ``mounttag`` on the guest path ``mountpoint``
    (``trans=virtio``, then the caller's ``options``)."""
    if not mounttag:
        raise DaemonError("mounttag: the mount tag is empty", "EINVAL")
    if mounttag not in list_9p():
        raise DaemonError(f"{mounttag}: no 9p share has this mount tag (see list_9p)", "ENOENT")
    mp = real(mountpoint, follow=True)
    opts = f"trans=virtio,{options}" if options else "trans=virtio"
    cp = run(["mount", "-o", opts, "-t", "9p", mounttag, mp], check=False)
    if cp.returncode != 0:
        err = (cp.stderr or cp.stdout).decode("utf-8", "replace").rstrip()
        raise DaemonError(f"{mounttag} on {mountpoint}: {err}")
