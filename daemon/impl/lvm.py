"""LVM2: physical volumes, volume groups and logical volumes, the device
filter (``lvm_set_filter``) and a group's metadata (``vgmeta``).

Everything runs through the one ``lvm`` binary with the settings of an
appliance without udev (``daemon/lib/lvm.py``, which also holds the reports
and the cheap "is there any LVM?" test).  Logical volumes are named
/dev/VG/LV; see ``blockdev.dm_lv_name`` for the mapping from device-mapper
nodes.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from .. import context
from ..dispatch import action
from ..errors import DaemonError
from ..lib import blockdev, programs
from ..lib.lvm import config, lv_paths, lvm, lvm_present, report, set_device_filter


def _int(v: str) -> int:
    """An integer lvm field; empty or odd values become -1."""
    try:
        return int(v)
    except ValueError:
        return -1


def _pct(v: str) -> float:
    """An lvm percentage field; empty means "not applicable" (-1)."""
    try:
        return float(v)
    except ValueError:
        return -1.0


# -- listing ---------------------------------------------------------------------


@action("pvs")
def pvs() -> list[str]:
    """Physical volumes by device name."""
    if not lvm_present():
        return []
    return [r[0] for r in report("pvs", ["pv_name"])]


@action("vgs")
def vgs() -> list[str]:
    """Volume group names."""
    if not lvm_present():
        return []
    return [r[0] for r in report("vgs", ["vg_name"])]


@action("lvs")
def lvs() -> list[str]:
    """Logical volumes as /dev/VG/LV (hidden and internal volumes excluded)."""
    return lv_paths()


_PV_FIELDS = ["pv_name", "pv_uuid", "pv_fmt", "pv_size", "dev_size", "pv_free", "pv_used",
              "pv_attr", "pv_pe_count", "pv_pe_alloc_count", "pv_tags", "pe_start",
              "pv_mda_count", "pv_mda_free"]
_VG_FIELDS = ["vg_name", "vg_uuid", "vg_fmt", "vg_attr", "vg_size", "vg_free", "vg_sysid",
              "vg_extent_size", "vg_extent_count", "vg_free_count", "max_lv", "max_pv",
              "pv_count", "lv_count", "snap_count", "vg_seqno", "vg_tags", "vg_mda_count",
              "vg_mda_free"]
_LV_FIELDS = ["lv_name", "lv_uuid", "lv_attr", "lv_major", "lv_minor", "lv_kernel_major",
              "lv_kernel_minor", "lv_size", "seg_count", "origin", "snap_percent",
              "copy_percent", "move_pv", "lv_tags", "mirror_log", "modules"]
_STRING_FIELDS = {"pv_name", "pv_fmt", "pv_attr", "pv_tags", "vg_name", "vg_fmt", "vg_attr",
                  "vg_sysid", "vg_tags", "lv_name", "lv_attr", "origin", "move_pv", "lv_tags",
                  "mirror_log", "modules"}


def _structs(cmd: str, fields: list[str], *extra: str) -> list[dict[str, Any]]:
    """lvm report rows as dicts with the struct's field types."""
    out = []
    for row in report(cmd, fields, *extra):
        d: dict[str, Any] = {}
        for name, v in zip(fields, row):
            if name.endswith("_uuid"):
                d[name] = v.replace("-", "")
            elif name.endswith("_percent"):
                d[name] = _pct(v)
            elif name in _STRING_FIELDS:
                d[name] = v
            else:
                d[name] = _int(v)
        out.append(d)
    return out


@action("pvs_full")
def pvs_full() -> list[dict[str, Any]]:
    """Physical volumes with every field of the lvm_pv struct."""
    rows = _structs("pvs", _PV_FIELDS)
    for r in rows:
        r["pv_name"] = blockdev.mountable_name(r["pv_name"])
    return rows


@action("vgs_full")
def vgs_full() -> list[dict[str, Any]]:
    """Volume groups with every field of the lvm_vg struct."""
    return _structs("vgs", _VG_FIELDS)


@action("lvs_full")
def lvs_full() -> list[dict[str, Any]]:
    """Logical volumes with every field of the lvm_lv struct."""
    return _structs("lvs", _LV_FIELDS, "-S", "lv_role=public")


# -- creating and removing ------------------------------------------------------


@action("pvcreate")
def pvcreate(device: str) -> None:
    """Make a device an LVM physical volume (overwriting whatever was there)."""
    lvm("pvcreate", "--force", "--force", "--yes", device)


@action("vgcreate")
def vgcreate(volgroup: str, physvols: list[str]) -> None:
    """Create a volume group from physical volumes."""
    lvm("vgcreate", "--yes", volgroup, *physvols)


@action("lvcreate")
def lvcreate(logvol: str, volgroup: str, mbytes: int) -> None:
    """Create a logical volume of ``mbytes`` MiB."""
    lvm("lvcreate", "--yes", "-L", f"{mbytes}m", "-n", logvol, volgroup)
    _wait_lv(volgroup, logvol)


@action("lvcreate_free")
def lvcreate_free(logvol: str, volgroup: str, percent: int) -> None:
    """Create a logical volume using ``percent`` of the group's free space."""
    if not 0 <= percent <= 100:
        raise DaemonError(f"percentage must be [0..100] (was {percent})", "EINVAL")
    lvm("lvcreate", "--yes", "-l", f"{percent}%FREE", "-n", logvol, volgroup)
    _wait_lv(volgroup, logvol)


@action("pvremove")
def pvremove(device: str) -> None:
    """Wipe the LVM label of a physical volume (which may belong to a group)."""
    lvm("pvremove", "--force", "--force", "--yes", device)


@action("vgremove")
def vgremove(vgname: str) -> None:
    """Remove a volume group and every logical volume in it."""
    lvm("vgremove", "--force", vgname)


@action("lvremove")
def lvremove(device: str) -> None:
    """Remove a logical volume (or, given /dev/VG, all of the group's volumes)."""
    lvm("lvremove", "--force", device)


@action("lvm_remove_all")
def lvm_remove_all() -> None:
    """Remove every LV, VG and PV; then drop stale LVM mappings left by wiped disks."""
    if not lvm_present():
        return
    for lv in lv_paths():
        lvm("lvremove", "--force", lv, prefix=f"lvremove: {lv}")
    for vg in vgs():
        lvm("vgremove", "--force", vg, prefix=f"vgremove: {vg}")
    for pv in pvs():
        lvm("pvremove", "--force", "--force", "--yes", pv, prefix=f"pvremove: {pv}")
    _remove_stale_mappings()


def _remove_stale_mappings() -> None:
    """Remove LVM device-mapper devices whose group no longer exists (best effort)."""
    known = set(lv_paths())
    sysblock = context.SYS_BLOCK
    try:
        names = [n for n in os.listdir(sysblock) if n.startswith("dm-")]
    except OSError:
        return
    for k in names:
        try:
            with open(os.path.join(sysblock, k, "dm", "uuid")) as f:
                uuid = f.read().strip()
            with open(os.path.join(sysblock, k, "dm", "name")) as f:
                name = f.read().strip()
        except OSError:
            continue
        if not uuid.startswith("LVM-") or os.listdir(os.path.join(sysblock, k, "holders")):
            continue
        lv = blockdev.dm_lv_name(blockdev.dev_node(k))
        if lv in known:
            continue
        try:
            programs.run(["dmsetup", "remove", name], c_locale=True, message="output")
        except DaemonError:
            continue
        if lv:
            try:
                os.unlink(lv)
                os.rmdir(os.path.dirname(lv))
            except OSError:
                pass


# -- activation and scanning ----------------------------------------------------


def _mknodes() -> None:
    """Make sure /dev/VG/LV links exist for active volumes (no udev to do it)."""
    try:
        lvm("vgmknodes")
    except DaemonError:
        pass


def _wait_lv(vg: str, lv: str) -> None:
    """Wait (bounded) for a new volume's /dev/VG/LV node."""
    path = f"/dev/{vg}/{lv}"
    if not os.path.exists(path):
        _mknodes()


@action("vg_activate")
def vg_activate(activate: bool, volgroups: list[str]) -> None:
    """Activate or deactivate the LVs of some groups (all groups if the list is empty)."""
    lvm("vgchange", "-a", "y" if activate else "n", *volgroups, prefix="vgchange")


@action("vg_activate_all")
def vg_activate_all(activate: bool) -> None:
    """Activate or deactivate every logical volume."""
    vg_activate(activate, [])


@action("lvm_scan")
def lvm_scan(activate: bool) -> None:
    """Rescan devices for LVM metadata, then optionally activate everything found."""
    lvm("vgscan")
    if activate:
        vg_activate(True, [])


@action("vgscan")
def vgscan() -> None:
    """Deprecated: rescan for volume groups."""
    lvm("vgscan")


def _refilter(devices: list[str] | None) -> None:
    """Deactivate everything, change the device filter, rescan and activate
    what is visible now (libguestfs's sequence: it fails while an LV is in use)."""
    lvm("vgchange", "-an", prefix="vgchange -an")
    set_device_filter(devices)
    lvm("vgscan", "--cache", prefix="vgscan")
    lvm("vgchange", "-ay", prefix="vgchange -ay")
    _mknodes()


@action("lvm_set_filter")
def lvm_set_filter(devices: list[str]) -> None:
    """Let LVM see only these block devices (disks or partitions; none: nothing)."""
    _refilter(list(devices))


@action("lvm_clear_filter")
def lvm_clear_filter() -> None:
    """Let LVM see every block device again."""
    _refilter(None)


@action("vgmeta")
def vgmeta(vgname: str) -> bytes:
    """A volume group's metadata, as ``vgcfgbackup`` writes it."""
    fd, tmp = tempfile.mkstemp(prefix="vgmeta")
    os.close(fd)
    try:
        cp = programs.run(["lvm", "vgcfgbackup", "--config", config(), "-f", tmp, vgname],
                          c_locale=True, check=False)
        if cp.returncode != 0:
            # lvm's message as it prints it: indented lines, only the final newline dropped.
            err = (cp.stderr or cp.stdout).decode("utf-8", "replace").rstrip("\n")
            raise DaemonError(f"vgcfgbackup: {err}")
        with open(tmp, "rb") as f:
            return f.read()
    except OSError as e:
        raise DaemonError.from_oserror(e, tmp) from None
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


# -- resizing and renaming ------------------------------------------------------


@action("lvresize")
def lvresize(device: str, mbytes: int) -> None:
    """Set the size of a logical volume in MiB (no filesystem is resized)."""
    lvm("lvresize", "--force", "-L", f"{mbytes}m", device)


@action("lvresize_free")
def lvresize_free(lv: str, percent: int) -> None:
    """Grow a logical volume by ``percent`` of the group's free space."""
    if not 0 <= percent <= 100:
        raise DaemonError(f"percentage must be [0..100] (was {percent})", "EINVAL")
    lvm("lvresize", "-l", f"+{percent}%FREE", lv)


@action("pvresize")
def pvresize(device: str) -> None:
    """Resize a physical volume to its device's size."""
    lvm("pvresize", device, prefix=blockdev.display(device))


@action("pvresize_size")
def pvresize_size(device: str, size: int) -> None:
    """Resize a physical volume to ``size`` bytes."""
    lvm("pvresize", "--yes", "--setphysicalvolumesize", f"{size}b", device,
        prefix=blockdev.display(device))


@action("lvrename")
def lvrename(logvol: str, newlogvol: str) -> None:
    """Rename a logical volume (/dev/VG/OLD → NEW or /dev/VG/NEW)."""
    lvm("lvrename", logvol, newlogvol)


@action("vgrename")
def vgrename(volgroup: str, newvolgroup: str) -> None:
    """Rename a volume group."""
    lvm("vgrename", volgroup, newvolgroup)


# -- names and UUIDs --------------------------------------------------------------


@action("lvm_canonical_lv_name")
def lvm_canonical_lv_name(lvname: str) -> str:
    """/dev/mapper/VG-LV (or any other name of an LV) → /dev/VG/LV."""
    if not lvname.startswith("/dev/"):
        raise DaemonError(f"{lvname}: not a device name", "EINVAL")
    try:
        os.stat(lvname)
    except OSError as e:
        raise DaemonError(f"stat: {lvname}: {e.strerror}", e.errno) from None
    name = blockdev.dm_lv_name(lvname)
    if name is None:
        raise DaemonError(f"{lvname}: not a logical volume", "EINVAL")
    return name


def _uuid_of(cmd: str, field: str, target: str) -> str:
    """One UUID column of an lvm report about a single object."""
    rows = report(cmd, [field], target)
    if not rows:
        raise DaemonError(f"{target}: no {field} reported by lvm", "EINVAL")
    return rows[0][0]


@action("pvuuid")
def pvuuid(device: str) -> str:
    """The UUID of a physical volume (lvm's dashed form)."""
    return _uuid_of("pvs", "pv_uuid", device)


@action("vguuid")
def vguuid(vgname: str) -> str:
    """The UUID of a volume group."""
    return _uuid_of("vgs", "vg_uuid", vgname)


@action("lvuuid")
def lvuuid(device: str) -> str:
    """The UUID of a logical volume."""
    return _uuid_of("lvs", "lv_uuid", device)


@action("vglvuuids")
def vglvuuids(vgname: str) -> list[str]:
    """UUIDs of the logical volumes in a group."""
    try:
        return [r[0] for r in report("lvs", ["lv_uuid"], vgname)]
    except DaemonError as e:
        raise DaemonError(f"{vgname}: {e}") from None


@action("vgpvuuids")
def vgpvuuids(vgname: str) -> list[str]:
    """UUIDs of the physical volumes in a group."""
    try:
        return [r[0] for r in report("vgs", ["pv_uuid"], vgname)]
    except DaemonError as e:
        raise DaemonError(f"{vgname}: {e}") from None


@action("pvchange_uuid")
def pvchange_uuid(device: str) -> None:
    """Give a physical volume a new random UUID."""
    lvm("pvchange", "-u", device)


@action("pvchange_uuid_all")
def pvchange_uuid_all() -> None:
    """Give every physical volume a new random UUID."""
    lvm("pvchange", "-u", "-a")


@action("vgchange_uuid")
def vgchange_uuid(vg: str) -> None:
    """Give a volume group a new random UUID."""
    lvm("vgchange", "-u", vg)


@action("vgchange_uuid_all")
def vgchange_uuid_all() -> None:
    """Give every volume group a new random UUID."""
    lvm("vgchange", "-u")
