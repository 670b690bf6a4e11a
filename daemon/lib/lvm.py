"""Running lvm the appliance's way, lvm reports, and the cheap "is there any
LVM?" test; the LVM actions are in ``impl/lvm.py``.

The appliance has no udev: its lvm.conf (written by ``appliance/prepare.py``)
makes LVM create the /dev/mapper and /dev/VG/LV nodes itself, and the same
settings are passed on the command line here so the daemon also works with a
stock lvm.conf, together with the device filter ``lvm_set_filter`` sets.
"""

from __future__ import annotations

import json
import os

from .. import context
from ..errors import DaemonError
from .blockdev import dev_node
from .programs import out

#: Settings for running without udev, lvmetad or dmeventd.
LVM_CONFIG = ("devices/obtain_device_list_from_udev=0 activation/udev_sync=0 "
              "activation/udev_rules=0 activation/verify_udev_operations=0 "
              "activation/monitoring=0 global/use_lvmpolld=0 backup/backup=0 backup/archive=0")


#: The devices LVM may look at (``lvm_set_filter``), or None for every device.
_device_filter: tuple[str, ...] | None = None


def filter_setting(devices: tuple[str, ...] | None) -> str:
    """The ``devices/filter`` setting accepting exactly ``devices`` ("" for no filter)."""
    if devices is None:
        return ""
    rules = [f'"a|^{dev}$|"' for dev in devices] + ['"r|.*|"']
    return f"devices/filter=[{','.join(rules)}]"


def set_device_filter(devices: list[str] | None) -> None:
    """Make every later lvm run see only ``devices`` (None: all of them again)."""
    global _device_filter
    _device_filter = None if devices is None else tuple(devices)


def config() -> str:
    """The ``--config`` value of every lvm run: the appliance settings and the filter."""
    extra = filter_setting(_device_filter)
    return f"{LVM_CONFIG} {extra}" if extra else LVM_CONFIG


def lvm(*args: str, prefix: str | None = None, ok: tuple[int, ...] = (0,)) -> str:
    """Run an lvm subcommand with the appliance settings; errors as lvm prints them."""
    sub, rest = args[0], list(args[1:])
    return out(["lvm", sub, "--config", config(), *rest], c_locale=True, message="output",
               prefix=prefix, ok=ok)


def report(cmd: str, fields: list[str], *extra: str) -> list[list[str]]:
    """Rows of an lvm report (pvs/vgs/lvs) with the given fields, sizes in bytes.

    JSON output: no separator can clash with names, tags or empty columns.
    """
    out = lvm(cmd, "--reportformat", "json", "--units", "b", "--nosuffix",
              "-o", ",".join(fields), *extra)
    try:
        doc = json.loads(out)
    except ValueError:
        raise DaemonError(f"{cmd}: cannot parse lvm's report") from None
    rows = []
    for section in doc.get("report", []):
        for items in section.values():
            for item in items:
                vals = [str(v) for v in item.values()]
                if len(vals) == len(fields):
                    rows.append(vals)
    return rows


def _has_pv_label(dev: str) -> bool:
    """True if one of the first four 512-byte sectors holds an LVM2 PV label."""
    try:
        fd = os.open(dev, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        head = os.pread(fd, 2048, 0)
    except OSError:
        return False
    finally:
        os.close(fd)
    return any(head[o:o + 8] == b"LABELONE" and head[o + 24:o + 32] == b"LVM2 001"
               for o in range(0, len(head) - 31, 512))


def lvm_present() -> bool:
    """Cheap test for any LVM at all: an LVM mapping, or a PV label on some device.

    Every lvm run costs a few tenths of a second under TCG; this reads a
    couple of KiB per device instead, so the common no-LVM case stays fast.
    """
    if not _have_lvm():
        return False
    sysblock = context.SYS_BLOCK
    root = context.appliance_root_disk()
    try:
        names = os.listdir(sysblock)
    except OSError:
        return True
    for name in names:
        if name == root or name.startswith(("ram", "zram", "sr")):
            continue
        if name.startswith("dm-"):
            try:
                with open(os.path.join(sysblock, name, "dm", "uuid")) as f:
                    if f.read().startswith("LVM-"):
                        return True
            except OSError:
                pass
        for dev in [name, *context.list_partitions_of(name)]:
            if _has_pv_label(dev_node(dev)):
                return True
    return False


def lv_paths() -> list[str]:
    """Every user-visible logical volume as /dev/VG/LV (active or not), sorted."""
    if not lvm_present():
        return []
    try:
        rows = report("lvs", ["vg_name", "lv_name"], "-S", "lv_role=public")
    except DaemonError:
        return []
    return sorted(f"/dev/{vg}/{lv}" for vg, lv in rows)


def _have_lvm() -> bool:
    """True if the lvm program is on PATH."""
    return any(os.access(os.path.join(d, "lvm"), os.X_OK)
               for d in os.environ.get("PATH", "/usr/sbin:/sbin").split(":"))
