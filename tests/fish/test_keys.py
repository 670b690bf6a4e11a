"""``--key``, ``--keys-from-stdin`` and the LUKS decryption of ``-i``
(guestfs/tools/keys.py), through guestfish as a user runs it.

Bad selectors need no appliance and are compared with stock.  One LUKS
image (a Debian-like root inside LUKS on /dev/sda1), made once with our
library, is then inspected with keys given every way; the failures are
compared with stock's output, the successes checked by the mount they give.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .fishrun import OUR_GUESTFISH, STOCK_GUESTFISH, both, require_ours, run

KEY = "s3cret"


@pytest.mark.stock
@pytest.mark.parametrize("selector", ["bogus", "/dev/sda1:key", "/dev/sda1:file", "/dev/sda1:clevis:x",
                                      "/dev/sda1:key:a:b", "/dev/sda1:nope:x"])
def test_bad_selectors_as_stock(selector: str) -> None:
    theirs, ours = both(["--key", selector], "echo hi\n")
    assert ours == theirs
    assert ours.status == 1 and b"selector" in ours.err


@pytest.fixture(scope="module")
def luks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The image and its LUKS UUID."""
    import guestfs

    img = tmp_path_factory.mktemp("keys") / "luks.img"
    g = guestfs.GuestFS(python_return_dict=True)
    try:
        g.disk_create(str(img), "raw", 64 * 1024 * 1024)
        g.add_drive(str(img), format="raw")
        g.launch()
        g.part_disk("/dev/sda", "mbr")
        g.luks_format("/dev/sda1", KEY, 0)
        g.cryptsetup_open("/dev/sda1", KEY, "build")
        g.mkfs("ext4", "/dev/mapper/build", label="lockedroot")
        g.mount("/dev/mapper/build", "/")
        for d in ("/etc", "/bin", "/usr/bin"):
            g.mkdir_p(d)
        g.write("/etc/os-release", 'NAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n')
        g.write("/etc/fstab", "LABEL=lockedroot / ext4 defaults 0 1\n")
        g.write("/etc/hostname", "locked\n")
        g.umount_all()
        g.cryptsetup_close("/dev/mapper/build")
        uuid = g.luks_uuid("/dev/sda1")
        g.shutdown()
    finally:
        g.close()
    yield img, uuid


def _fish(args: list[str], script: str, stock: bool = False) -> tuple[int, str, str]:
    r = run(STOCK_GUESTFISH if stock else OUR_GUESTFISH, args, script)
    return r.status, r.out.decode(errors="replace"), r.err.decode(errors="replace")


@pytest.mark.appliance
def test_keys_given_every_way_open_the_root(luks: tuple[Path, str], tmp_path: Path) -> None:
    require_ours()
    img, uuid = luks
    mapped = f"/dev/mapper/luks-{uuid}\n"
    keyfile = tmp_path / "key"
    keyfile.write_text(f"{KEY}\nnot the key\n")  # the first line is the key
    base = ["--ro", "--format=raw", "-a", str(img), "-i"]
    cases = [
        (["--key", f"/dev/sda1:key:{KEY}"], "mounts\n"),
        # A wrong key first, then the right one named by the LUKS UUID.
        (["--key", "/dev/sda1:key:wrong", "--key", f"{uuid}:key:{KEY}"], "mounts\n"),
        (["--key", f"/dev/sda1:file:{keyfile}"], "mounts\n"),
        # The key is the first line of standard input, the script the rest.
        (["--keys-from-stdin"], f"{KEY}\nmounts\ncat /etc/hostname\n"),
    ]
    for extra, script in cases:
        status, out, err = _fish(base + extra, script)
        assert (status, err) == (0, ""), (extra, err)
        assert out.startswith(mapped), (extra, out)
    assert out == mapped + "locked\n\n"  # cat prints the file, then a newline


@pytest.mark.appliance
@pytest.mark.stock
@pytest.mark.parametrize("extra", [["--key", "/dev/sda1:key:wrong"],
                                   ["--key", "/dev/sda1:file:/nonexist"], []],
                         ids=["wrong-key", "missing-file", "no-terminal"])
def test_failures_as_stock(luks: tuple[Path, str], extra: list[str]) -> None:
    img, _ = luks
    theirs, ours = both(["--ro", "--format=raw", "-a", str(img), "-i", *extra], "mounts\n")
    assert ours == theirs
    assert ours.status == 1 and ours.out == b""
