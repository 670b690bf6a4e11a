"""Running guest programs in the real appliance: command, sh and their _lines forms.

The blank test filesystem gets a tiny "guest" first: a few of the host's
programs and their libraries (the appliance runs the same Debian on the
same architecture), unpacked with tar_in.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
from typing import Any

import pytest

from tests.helpers import err

pytestmark = pytest.mark.appliance

#: Host programs that make up the tiny guest.
PROGRAMS = ("dash", "echo", "cat", "true", "false", "printf", "ls", "env", "pwd")



def mini_guest_tar() -> bytes:
    """A tarball of a few host programs and their shared libraries, /bin/sh → dash."""
    buf = io.BytesIO()
    added: set[str] = set()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        def add(path: str, arcname: str) -> None:
            """Add a file once, dereferenced."""
            if arcname not in added:
                added.add(arcname)
                tf.add(os.path.realpath(path), arcname=arcname)
        for prog in PROGRAMS:
            src = shutil.which(prog)
            assert src, f"{prog} is not installed on the host"
            add(src, f"bin/{prog}")
            out = subprocess.run(["ldd", src], capture_output=True, text=True).stdout
            for word in out.split():
                if word.startswith("/"):
                    add(word, word.lstrip("/"))
        sh = tarfile.TarInfo("bin/sh")
        sh.type = tarfile.SYMTYPE
        sh.linkname = "dash"
        tf.addfile(sh)
        for d in ("tmp",):
            info = tarfile.TarInfo(d)
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777
            tf.addfile(info)
    return buf.getvalue()


@pytest.fixture
def guest(gfs: Any, tmp_path: Any) -> Any:
    """The mounted test filesystem with the tiny guest unpacked on it."""
    tar = tmp_path / "guest.tar"
    tar.write_bytes(mini_guest_tar())
    gfs.tar_in(str(tar), "/")
    return gfs


def test_command(guest: Any) -> None:
    g = guest
    assert g.command(["/bin/echo", "hi"]) == "hi\n"
    assert g.command(["echo", "a b"]) == "a b\n"
    assert g.command(["/bin/sh", "-c", "echo out; echo err >&2"]) == "out\n"
    assert err(g.command, ["/bin/sh", "-c", "echo out; echo err >&2; exit 3"]) == "command: err"
    assert err(g.command, ["/bin/false"]) == "command: "
    assert err(g.command, ["/nonexistent"]) == "command: /nonexistent: No such file or directory"
    assert err(g.command, []) == "command: passed an empty list"
    assert g.command_lines(["/bin/sh", "-c", 'printf "a\\n\\nb\\n\\n"']) == ["a", "", "b", ""]
    assert g.command_lines(["/bin/true"]) == []
    assert g.command(["/bin/pwd"]) == "/\n"


def test_sh(guest: Any) -> None:
    g = guest
    assert g.sh("echo $PATH") == "/sbin:/usr/sbin:/bin:/usr/bin\n"
    assert g.sh_lines("echo a; echo b") == ["a", "b"]
    assert err(g.sh, "echo hi >&2; exit 2") == "sh: hi"
    g.sh("echo made > /tmp/out")
    assert g.cat("/tmp/out") == "made\n"
    assert g.sh("umask") == "0022\n"


def test_bind_mounts(guest: Any) -> None:
    g = guest
    assert "No such file or directory" in err(g.sh, "ls -d /proc")
    for d in ("/dev", "/proc", "/sys"):
        g.mkdir(d)
    out = g.sh("ls -d /dev/null /dev/pts /proc/self /sys/block; cat /proc/self/mounts")
    for want in ("/dev/null\n", "/dev/pts\n", "/proc/self\n", "/sys/block\n"):
        assert want in out
    # Everything is unmounted again afterwards.
    assert g.ls("/dev") == [] and g.ls("/proc") == [] and g.ls("/sys") == []
    g.umount("/")  # would fail with EBUSY if a bind mount were left
    g.mount("/dev/sda1", "/")


def test_needs_a_mounted_root(g: Any) -> None:
    assert err(g.command, ["/bin/true"]) == \
        "command: you must call 'mount' first to mount the root filesystem"
    g.ping_daemon()
    g.sync()
