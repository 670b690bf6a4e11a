"""Launch and shutdown as users meet them: errors at launch leave nothing
behind, the handle refuses calls in the wrong state, read_lines."""

from __future__ import annotations

import glob
import os
import subprocess
from typing import Any

import pytest

import guestfs

pytestmark = pytest.mark.appliance


def qemu_pids() -> set[int]:
    """Process ids of running qemu-system processes."""
    out = subprocess.run(["pgrep", "-f", "qemu-system"], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


def test_read_lines(gfs: Any) -> None:
    gfs.write("/lines", b"one\ntwo\r\n\nthree")
    assert gfs.read_lines("/lines") == ["one", "two", "", "three"]
    gfs.write("/empty", b"")
    assert gfs.read_lines("/empty") == []
    with pytest.raises(RuntimeError, match="No such file or directory"):
        gfs.read_lines("/missing")


def test_wrong_format_fails_at_launch_and_leaves_nothing(tmp_path: Any) -> None:
    img = tmp_path / "raw.img"
    img.write_bytes(b"\0" * (1 << 20))
    before = qemu_pids()
    g = guestfs.GuestFS()
    g.add_drive_opts(str(img), format="qcow2")
    with pytest.raises(RuntimeError) as ei:
        g.launch()
    assert "qcow2" in str(ei.value)
    assert g.is_config()
    tmpdir = g._tmpdir
    g.close()
    assert qemu_pids() <= before
    assert tmpdir is None or not os.path.exists(tmpdir)


def test_qemu_that_fails_gives_one_clear_error(tmp_path: Any) -> None:
    g = guestfs.GuestFS()
    g.set_hv("/bin/false")
    g.add_drive_scratch(1 << 20)
    with pytest.raises(RuntimeError, match=r"hv: /bin/false -version failed"):
        g.launch()
    assert g.is_config()
    g.close()


def test_state_errors_and_relaunch(tmp_path: Any) -> None:
    g = guestfs.GuestFS(python_return_dict=True)
    g.add_drive_scratch(16 << 20)
    with pytest.raises(RuntimeError, match="call launch before using this function"):
        g.mount("/dev/sda1", "/")
    g.launch()
    with pytest.raises(RuntimeError, match="already been launched|only be called in the config state"):
        g.launch()
    with pytest.raises(RuntimeError, match="config state|before launch"):
        g.add_drive_scratch(1 << 20)
    with pytest.raises(RuntimeError, match="path must start with a / character"):
        g.touch("relative")
    with pytest.raises(RuntimeError, match="No such file or directory"):
        g.blockdev_getsize64("/dev/sdq")
    pid = g.get_pid()
    g.shutdown()
    assert not os.path.exists(f"/proc/{pid}/exe")
    assert g.is_config()
    g.launch()  # the same handle launches again
    assert g.list_devices() == ["/dev/sda"]
    tmpdir = g._tmpdir
    g.close()
    assert not os.path.exists(tmpdir)
    assert not glob.glob(os.path.join(tmpdir, "*"))
    with pytest.raises(guestfs.ClosedHandle):
        g.list_devices()
