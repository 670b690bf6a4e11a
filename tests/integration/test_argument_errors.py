"""How the daemon refuses bad Pathname, Device, Dev_or_Path, Mountable and
Mountable_or_Path arguments, as libguestfs 1.48.6's daemon stubs do: the
message names the stub (``mkdir: mkdir_stub: …``), every path is checked
before the "mount first" check of a call on paths, a Dev_or_Path that is a
path checks the mount first, and a name without /dev/ is a device that does
not exist.

The expected messages are stock's on the same calls (its Python binding);
``test_every_action_agrees_with_stock`` makes every such call of the
registry on both, live.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import guestfs
from guestfs.actions import ACTIONS
from guestfs.testing import appliance_missing, skip_or_fail
from tests.helpers import err
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

pytestmark = pytest.mark.appliance


@pytest.fixture(scope="module")
def g() -> Iterator[Any]:
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    h = guestfs.GuestFS(python_return_dict=True)
    h.add_drive_scratch(32 << 20)
    h.launch()
    h.mkfs("ext4", "/dev/sda")
    yield h
    h.close()


UNMOUNTED = [
    (("mkdir", "rel"), "mkdir: mkdir_stub: path must start with a / character"),
    (("mkdir", "/abs"), "mkdir: mkdir_stub: you must call 'mount' first to mount the root filesystem"),
    # Every path is checked before the mounted root.
    (("cp", "/", "rel"), "cp: cp_stub: path must start with a / character"),
    # Dev_or_Path: the mounted root before the path.
    (("download", "rel", "/dev/null"),
     "download: download_stub: you must call 'mount' first to mount the root filesystem"),
    (("upload", "/dev/null", "rel"),
     "upload: upload_stub: you must call 'mount' first to mount the root filesystem"),
    (("copy_file_to_device", "/", "sdx"), "copy_file_to_device: copy_file_to_device_stub: "
     "sdx: No such file or directory"),
    (("blockdev_getsize64", "/dev/sdz"),
     "blockdev_getsize64: blockdev_getsize64_stub: /dev/sdz: No such file or directory"),
    (("pvcreate", "sda"), "pvcreate: pvcreate_stub: sda: No such file or directory"),
    # Mountable: neither /dev/ nor btrfsvol: is a device that is not there.
    (("mount", "sdx", "/"), "mount: mount_stub: sdx: No such file or directory"),
    (("is_lv", "sdx"), "is_lv: is_lv_stub: sdx: No such file or directory"),
    # Mountable_or_Path: a relative name is a device too.
    (("btrfs_subvolume_list", "rel"),
     "btrfs_subvolume_list: btrfs_subvolume_list_stub: rel: No such file or directory"),
    # A /dev name that is no block device: refused as a Device, a path to a Dev_or_Path.
    (("blockdev_getsize64", "/dev/null"),
     "blockdev_getsize64: blockdev_getsize64_stub: /dev/null: expecting a device name"),
    (("mount", "/dev/null", "/"), "mount: mount_stub: /dev/null: expecting a device name"),
    (("download", "/dev/null", "/dev/null"),
     "download: download_stub: you must call 'mount' first to mount the root filesystem"),
    (("download", "/dev/sdz", "/dev/null"), "download: download_stub: /dev/sdz: No such file or directory"),
    # A check the implementation makes carries no stub name.
    (("part_disk", "/dev/sda", "xyz"),
     'part_disk: unknown partition type: common choices are "gpt" and "msdos"'),
]


@pytest.mark.parametrize("call,message", UNMOUNTED, ids=[c[0][0] for c in UNMOUNTED])
def test_refusals_as_stock(g: Any, call: tuple[Any, ...], message: str) -> None:
    g.umount_all()
    assert err(getattr(g, call[0]), *call[1:]) == message


def test_checks_come_before_the_call_runs(g: Any) -> None:
    g.mount("/dev/sda", "/")
    try:
        assert err(g.mkdir_p, "a/b") == "mkdir_p: mkdir_p_stub: path must start with a / character"
        assert not g.exists("/a")
        assert err(g.copy_device_to_file, "sdq", "/out") == \
            "copy_device_to_file: copy_device_to_file_stub: sdq: No such file or directory"
        assert not g.exists("/out")
        # /dev/null as a Dev_or_Path is the guest's own /dev/null (none here).
        assert err(g.file, "/dev/null") == "file: lstat: /dev/null: No such file or directory"
        assert g.is_chardev("/dev/null") == 0
    finally:
        g.umount_all()


# -- every action, against stock ----------------------------------------------------------

#: A good value per kind, so that only the bad argument is refused.
GOOD = {"Pathname": "/", "Dev_or_Path": "/", "Device": "/dev/sda", "Mountable": "/dev/sda",
        "Mountable_or_Path": "/", "String": "x", "OptString": None, "StringList": [],
        "DeviceList": ["/dev/sda"], "PathnameList": ["/"], "FilenameList": [], "Bool": False,
        "Int": 0, "Int64": 0, "FileIn": "/dev/null", "FileOut": "/dev/null", "Key": "k",
        "GUID": "00000000-0000-0000-0000-000000000000"}
BAD = {"Pathname": ["rel"], "Dev_or_Path": ["rel"], "Device": ["sdx", "/dev/sdz"],
       "Mountable": ["sdx"], "Mountable_or_Path": ["rel"]}
#: Calls that run commands, or that stock 1.48 does not have in its daemon.
SKIP_PREFIX = ("internal", "debug", "sh", "command", "inspect_")


def _calls() -> list[list[Any]]:
    calls = []
    for name, act in sorted(ACTIONS.items()):
        if not act.daemon or name.startswith(SKIP_PREFIX):
            continue
        kinds = [a.kind.name for a in act.args]
        if any(k not in GOOD for k in kinds):
            continue
        for i, k in enumerate(kinds):
            for bad in BAD.get(k, []):
                calls.append([name, [bad if j == i else GOOD[kk] for j, kk in enumerate(kinds)]])
    return calls


def _script() -> list[Step]:
    calls: list[Step] = [(name, args, {}) for name, args in _calls()]
    return [("umount_all", [], {}), *calls, ("mount", ["/dev/sda", "/"], {}), *calls,
            ("umount_all", [], {})]


@pytest.mark.stock
@pytest.mark.conformance
def test_every_action_agrees_with_stock(g: Any) -> None:
    script = _script()
    assert len(script) > 600
    ours = run_script_on(g, script)
    setup: list[Step] = [("add_drive_scratch", [32 << 20], {}), ("launch", [], {}),
                         ("mkfs", ["ext4", "/dev/sda"], {})]
    stock = run_script_on_stock(setup, script, timeout=900)
    # Stock's Debian appliance lacks some groups (those calls say so before
    # any check), and 1.48 lacks the calls added since.
    keep = [i for i, s in enumerate(stock) if "is not available in this" not in s.get("message", "")
            and s.get("error") != "AttributeError"]
    assert len(keep) > 600
    assert_same_outcomes([script[i] for i in keep], [ours[i] for i in keep], [stock[i] for i in keep])
