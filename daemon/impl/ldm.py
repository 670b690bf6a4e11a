"""Windows dynamic disks (LDM): the ``ldmtool_*`` calls and ``list_ldm_*``.

``ldmtool`` (libldm) scans the appliance's block devices for LDM metadata
on every run and prints its answer as JSON; each call runs one ldmtool
command and takes one member of that JSON.  ldmtool's failures (an unknown
disk group, a volume that is not there) are its stderr, as in libguestfs.
``ldmtool_create_all`` makes the device-mapper volumes ``list_ldm_volumes``
and ``list_ldm_partitions`` then find under /dev/mapper.  The JSON parsers
are pure functions, unit-tested in ``tests/daemon/test_ldm_parsers.py``.
"""

from __future__ import annotations

import json
import os
import stat
from typing import Any

from ..dispatch import action
from ..errors import DaemonError
from ..lib.programs import DEVNULL, run

#: Where ldmtool's device-mapper nodes appear.
MAPPER = "/dev/mapper"


def parse_json(output: str, what: str) -> Any:
    """ldmtool's JSON output, or an error naming the command that printed it."""
    if not output.strip():
        raise DaemonError(f"{what}: ldmtool printed nothing", "EINVAL")
    try:
        return json.loads(output)
    except ValueError as e:
        raise DaemonError(f"{what}: could not parse the output of ldmtool: {e}", "EINVAL") from None


def string_list(value: Any, what: str) -> list[str]:
    """A JSON array of strings as a list, or an error."""
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise DaemonError(f"{what}: ldmtool did not print a JSON array of strings", "EINVAL")
    return list(value)


def object_member(output: str, member: str, what: str) -> Any:
    """One member of the JSON object ldmtool printed (None when absent)."""
    value = parse_json(output, what)
    if not isinstance(value, dict):
        raise DaemonError(f"{what}: ldmtool did not print a JSON object", "EINVAL")
    return value.get(member)


def object_string(output: str, member: str, what: str, default: str | None = None) -> str:
    """A string member of ldmtool's JSON object (``default`` when it is absent)."""
    value = object_member(output, member, what)
    if value is None and default is not None:
        return default
    if not isinstance(value, str):
        raise DaemonError(f"{what}: ldmtool's output has no string member '{member}'", "EINVAL")
    return value


def object_string_list(output: str, member: str, what: str) -> list[str]:
    """A string-array member of ldmtool's JSON object."""
    value = object_member(output, member, what)
    if value is None:
        raise DaemonError(f"{what}: ldmtool's output has no member '{member}'", "EINVAL")
    return string_list(value, what)


def _ldmtool(*args: str) -> str:
    """Run one ldmtool command (never the interactive shell: a command is always given)."""
    cp = run(["ldmtool", *args], stdin=DEVNULL, c_locale=True, message="output")
    out: str = cp.stdout.decode("utf-8", "surrogateescape")
    return out


@action("ldmtool_create_all")
def ldmtool_create_all() -> None:
    """Make device-mapper devices for every LDM volume found."""
    _ldmtool("create", "all")


@action("ldmtool_remove_all")
def ldmtool_remove_all() -> None:
    """Remove the device-mapper devices of every LDM volume."""
    _ldmtool("remove", "all")


@action("ldmtool_scan")
def ldmtool_scan() -> list[str]:
    """The GUIDs of the LDM disk groups on all the appliance's block devices."""
    return string_list(parse_json(_ldmtool("scan"), "ldmtool scan"), "ldmtool scan")


@action("ldmtool_scan_devices")
def ldmtool_scan_devices(devices: list[str]) -> list[str]:
    """The GUIDs of the LDM disk groups found, scanning ``devices`` too."""
    return string_list(parse_json(_ldmtool("scan", *devices), "ldmtool scan"), "ldmtool scan")


def _show_diskgroup(diskgroup: str) -> str:
    return _ldmtool("show", "diskgroup", diskgroup)


def _show_volume(diskgroup: str, volume: str) -> str:
    return _ldmtool("show", "volume", diskgroup, volume)


@action("ldmtool_diskgroup_name")
def ldmtool_diskgroup_name(diskgroup: str) -> str:
    """The name of the disk group with this GUID."""
    return object_string(_show_diskgroup(diskgroup), "name", "ldmtool show diskgroup")


@action("ldmtool_diskgroup_volumes")
def ldmtool_diskgroup_volumes(diskgroup: str) -> list[str]:
    """The names of the volumes in a disk group."""
    return object_string_list(_show_diskgroup(diskgroup), "volumes", "ldmtool show diskgroup")


@action("ldmtool_diskgroup_disks")
def ldmtool_diskgroup_disks(diskgroup: str) -> list[str]:
    """The disks of a disk group, as ldmtool names them."""
    return object_string_list(_show_diskgroup(diskgroup), "disks", "ldmtool show diskgroup")


@action("ldmtool_volume_type")
def ldmtool_volume_type(diskgroup: str, volume: str) -> str:
    """A volume's type (simple, spanned, striped, mirrored, raid5 …)."""
    return object_string(_show_volume(diskgroup, volume), "type", "ldmtool show volume")


@action("ldmtool_volume_hint")
def ldmtool_volume_hint(diskgroup: str, volume: str) -> str:
    """A volume's drive-letter hint (empty when Windows recorded none)."""
    return object_string(_show_volume(diskgroup, volume), "hint", "ldmtool show volume", default="")


@action("ldmtool_volume_partitions")
def ldmtool_volume_partitions(diskgroup: str, volume: str) -> list[str]:
    """The partitions making up a volume, as ldmtool names them."""
    return object_string_list(_show_volume(diskgroup, volume), "partitions", "ldmtool show volume")


def mapper_devices(names: list[str], prefix: str) -> list[str]:
    """The /dev/mapper names among ``names`` that start with ``prefix``, sorted."""
    return sorted(f"{MAPPER}/{n}" for n in names if n.startswith(prefix))


def _list_mapper(prefix: str) -> list[str]:
    """Block devices in /dev/mapper whose names start with ``prefix``."""
    try:
        names = os.listdir(MAPPER)
    except FileNotFoundError:
        return []
    except OSError as e:
        raise DaemonError.from_oserror(e, MAPPER) from None
    out = []
    for dev in mapper_devices(names, prefix):
        try:
            if stat.S_ISBLK(os.stat(dev).st_mode):
                out.append(dev)
        except OSError:
            continue  # removed while we looked
    return out


@action("list_ldm_volumes")
def list_ldm_volumes() -> list[str]:
    """The device-mapper devices of the LDM volumes ``ldmtool_create_all`` made."""
    return _list_mapper("ldm_vol_")


@action("list_ldm_partitions")
def list_ldm_partitions() -> list[str]:
    """The device-mapper devices of the LDM partitions ``ldmtool_create_all`` made."""
    return _list_mapper("ldm_part_")
