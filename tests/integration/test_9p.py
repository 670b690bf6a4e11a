"""list_9p and mount_9p on virtio-9p shares the caller adds with ``config``.

One handle of its own with two host folders shared: ``zshare`` through
``-virtfs`` (read-write) and ``ashare`` through ``-fsdev`` + ``-device
virtio-9p-pci`` (read-only), added in that order so that list_9p's sorting
shows.  Stock libguestfs 1.48 dropped 9p (both calls answer "9p support
was removed in libguestfs 1.48"); ours keeps the calls working as the
releases before it did, and the last test records stock's answer on the
same configuration.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import guestfs
from guestfs.testing import appliance_missing, skip_or_fail
from tests.helpers import err, require_stock
from tests.stock_script import Step, run_script_on_stock

pytestmark = pytest.mark.appliance


@pytest.fixture(scope="module")
def shares(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The host folders: ``zshare`` (read-write) and ``ashare`` (read-only)."""
    top = tmp_path_factory.mktemp("9p")
    z, a = top / "z", top / "a"
    (z / "sub").mkdir(parents=True)
    a.mkdir()
    (z / "hello.txt").write_bytes(b"hello from the host\n")
    (z / "sub" / "data.bin").write_bytes(bytes(range(256)) * 8)
    (a / "readme").write_bytes(b"read only\n")
    return z, a


def _config(z: Path, a: Path) -> list[tuple[str, str]]:
    """The qemu parameters that add both shares."""
    return [("-virtfs", f"local,path={z},mount_tag=zshare,security_model=none"),
            ("-fsdev", f"local,id=fsa,path={a},security_model=none,readonly=on"),
            ("-device", "virtio-9p-pci,fsdev=fsa,mount_tag=ashare")]


@pytest.fixture(scope="module")
def g9(shares: tuple[Path, Path]) -> Iterator[Any]:
    """A handle with both shares and an ext4 scratch disk mounted on / (with /mnt, /file)."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    h = guestfs.GuestFS(python_return_dict=True)
    h.add_drive_scratch(64 * 1024 * 1024)
    for param, value in _config(*shares):
        h.config(param, value)
    h.launch()
    h.mkfs("ext4", "/dev/sda")
    h.mount("/dev/sda", "/")
    h.mkdir("/mnt")
    h.mkdir("/ro")
    h.touch("/file")
    yield h
    h.close()


def test_list_9p_gives_the_tags_sorted(g9: Any) -> None:
    assert g9.list_9p() == ["ashare", "zshare"]


def test_mount_9p_shows_the_host_folder_and_writes_reach_it(g9: Any,
                                                            shares: tuple[Path, Path]) -> None:
    z, _ = shares
    g9.mount_9p("zshare", "/mnt")
    try:
        assert sorted(g9.ls("/mnt")) == ["hello.txt", "sub"]
        assert g9.read_file("/mnt/hello.txt") == b"hello from the host\n"
        assert g9.read_file("/mnt/sub/data.bin") == bytes(range(256)) * 8
        g9.write("/mnt/from-guest", b"written in the appliance\n")
        assert (z / "from-guest").read_bytes() == b"written in the appliance\n"
        assert g9.mountpoints()["zshare"] == "/mnt"
        assert "zshare" in g9.mounts()
        proc = g9.debug("sh", ["grep ' 9p ' /proc/mounts"])
        assert "trans=virtio" in proc and "/sysroot/mnt" in proc
    finally:
        g9.umount("/mnt")
    assert g9.ls("/mnt") == []
    assert "zshare" not in g9.mounts()


def test_mount_9p_passes_its_options(g9: Any) -> None:
    g9.mount_9p("ashare", "/ro", options="ro,msize=65536")
    try:
        assert g9.read_file("/ro/readme") == b"read only\n"
        line = g9.debug("sh", ["grep ' /sysroot/ro ' /proc/mounts"])
        assert " 9p ro," in line and "msize=65536" in line and "trans=virtio" in line
        assert "Read-only file system" in err(g9.write, "/ro/new", b"x")
    finally:
        g9.umount("/ro")


def test_mount_9p_errors(g9: Any) -> None:
    assert err(g9.mount_9p, "nosuch", "/mnt") == (
        "mount_9p: nosuch: no 9p share has this mount tag (see list_9p)")
    assert err(g9.mount_9p, "", "/mnt") == "mount_9p: mounttag: the mount tag is empty"
    missing = err(g9.mount_9p, "zshare", "/nodir")
    assert missing.startswith("mount_9p: zshare on /nodir: mount: ")
    assert "mount point does not exist" in missing
    not_dir = err(g9.mount_9p, "zshare", "/file")
    assert not_dir.startswith("mount_9p: zshare on /file: mount: ")
    assert "not a directory" in not_dir
    assert g9.list_9p() == ["ashare", "zshare"]  # nothing was left mounted
    assert "zshare" not in g9.mounts()


def test_list_9p_without_shares_is_empty(g: Any) -> None:
    assert g.list_9p() == []
    assert err(g.mount_9p, "zshare", "/") == (
        "mount_9p: zshare: no 9p share has this mount tag (see list_9p)")


# Over 20 s under TCG with stock's launch: make conformance, not CI.
@pytest.mark.conformance
def test_stock_148_refuses_9p_on_the_same_configuration(shares: tuple[Path, Path]) -> None:
    """The documented difference: stock 1.48's daemon refuses both calls."""
    require_stock()
    setup: list[Step] = [("add_drive_scratch", [64 << 20], {}),
                         *[("config", [p, v], {}) for p, v in _config(*shares)],
                         ("launch", [], {})]
    script: list[Step] = [("list_9p", [], {}), ("mount_9p", ["zshare", "/"], {})]
    stock = run_script_on_stock(setup, script)
    for (name, _, _), outcome in zip(script, stock):
        assert outcome == {"error": "RuntimeError",
                           "message": f"{name}: 9p support was removed in libguestfs 1.48: Success"}
