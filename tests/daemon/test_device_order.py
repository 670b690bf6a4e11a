"""The daemon's device names when the kernel probed disks out of attach
order (it probes SCSI disks in parallel): callers' /dev/sdX follows the
SCSI address, and a name is translated exactly once."""

from __future__ import annotations

import os
import stat
from typing import Any

import pytest

from guestfs.actions import ACTIONS
from guestfs_daemon import context, dispatch


@pytest.fixture
def swapped(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Fake /sys/block and /dev: kernel sda is the 2nd disk attached, sdb the 1st."""
    if os.geteuid() != 0:
        pytest.skip("making device nodes needs root")
    sysb, dev = tmp_path / "sys", tmp_path / "dev"
    dev.mkdir()
    for name, addr, minor in (("sda", "0:0:1:0", 0), ("sdb", "0:0:0:0", 16)):
        (sysb / name).mkdir(parents=True)
        (tmp_path / addr).mkdir()
        os.symlink(tmp_path / addr, sysb / name / "device")
        (sysb / name / f"{name}1").mkdir()
        (sysb / name / f"{name}1" / "partition").write_text("1\n")
        os.mknod(dev / name, stat.S_IFBLK | 0o600, os.makedev(8, minor))
        os.mknod(dev / f"{name}1", stat.S_IFBLK | 0o600, os.makedev(8, minor + 1))
    monkeypatch.setattr(context, "SYS_BLOCK", str(sysb))
    monkeypatch.setattr(context, "DEV", str(dev))
    return dev


def test_callers_names_follow_the_attach_order(swapped: Any) -> None:
    assert context.list_disks() == ["sdb", "sda"]
    assert context.resolve_device("/dev/sda") == f"{swapped}/sdb"
    assert context.resolve_device("/dev/sdb1") == f"{swapped}/sda1"
    assert context.canonical_device("/dev/sdb1") == "/dev/sda1"
    assert context.canonical_device("/dev/sda") == "/dev/sdb"


def test_a_name_is_translated_once(swapped: Any) -> None:
    once = context.canonical_device("/dev/sdb1")
    assert context.canonical_device(once) == once == "/dev/sda1"
    act = ACTIONS["mountpoints"]
    # An implementation that already translated, then dispatch: still once.
    assert dispatch.canonical_return(act, [(once, "/")]) == [("/dev/sda1", "/")]
    # A raw kernel name from an implementation is translated by dispatch.
    assert dispatch.canonical_return(ACTIONS["list_devices"], ["/dev/sdb", "/dev/sda"]) == \
        ["/dev/sda", "/dev/sdb"]
