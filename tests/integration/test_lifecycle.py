"""Launch and shutdown as users meet them: errors at launch leave nothing
behind, the handle refuses calls in the wrong state, read_lines."""

from __future__ import annotations

import glob
import os
import re
from typing import Any

import pytest

import guestfs
from tests.helpers import processes_naming

pytestmark = pytest.mark.appliance


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
    g = guestfs.GuestFS()
    started: list[str] = []
    g.set_event_callback(lambda ev, eh, buf, array: started.append(buf) if buf.startswith("qemu: ") else None,
                         guestfs.EVENT_LIBRARY)
    g.add_drive_opts(str(img), format="qcow2")
    with pytest.raises(RuntimeError) as ei:
        g.launch()
    assert "qcow2" in str(ei.value)
    assert g.is_config()
    tmpdir = g._tmpdir
    # The handle did start a qemu; its command line names the launch's own
    # socket directory, which identifies that process and nothing else.
    assert tmpdir and len(started) == 1, (tmpdir, started)
    m = re.search(r"socket,path=(\S+)/guestfsd\.sock", started[0])
    assert m, started[0]
    sockdir = m.group(1)
    assert processes_naming(sockdir) == []
    assert not os.path.exists(sockdir)
    g.close()
    assert processes_naming(sockdir) == []
    assert not os.path.exists(tmpdir)


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
