"""Our guestfish against stock guestfish 1.48 on the same disk image (VM tests).

One image is made by our guestfish (``-N``, one launch); then each program
runs the same read-only script on it (``--ro -a IMG -m /dev/sda1``), and
the same writing script on its own copy, and the results are compared:
exit status, standard output, standard error.  The scripts cover every
output shape (strings, lists, hashtables, structs and struct lists,
booleans, 64-bit ints, octal, buffers, ``-`` as standard output) and the
error paths.  The ``dev``/``st_dev`` fields of stat structs are left out
of the comparison: stock's appliance has its own root disk before the
guest's, so the kernel's device numbers differ (the API names do not).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from guestfs.testing import appliance_missing, skip_or_fail

from .fishrun import OUR_GUESTFISH, STOCK_GUESTFISH, Run, require_ours, require_stock, run

pytestmark = [pytest.mark.appliance, pytest.mark.stock, pytest.mark.slow]

MAKE = """\
write /a hi
mkdir /d
write /d/b "x\\ny\\n"
ln-s a /l
mkdir-mode /m 0700
chmod 0640 /a
touch /empty
"""

READ = """\
cat /a
read-file /d/b
pread /d/b 3 1
ls /
ls /d
is-file /a
is-dir /a
is-symlink /l
is-dir /l followsymlinks:true
exists /nope
filesize /d/b
readlink /l
stat /a
lstat /l
lstatns /a
statns /m
lstatnslist / "a l"
list-devices
list-partitions
list-filesystems
vfs-type /dev/sda1
vfs-label /dev/sda1
blockdev-getsize64 /dev/sda
blockdev-getss /dev/sda
part-list /dev/sda
part-get-parttype /dev/sda
head-n 1 /d/b
tail /d/b
wc-l /d/b
version
get-umask
-stat /nonexist
echo done
mountpoints
mounts
checksum md5 /a
find /d
glob echo /d/*
cat /d/b | tr a-z A-Z
download /d/b -
"""

WRITE = """\
write /new "one\\ntwo\\n"
write-append /new three
mkdir-p /p/q/r
upload local.txt /p/q/r/up
cat /p/q/r/up
umask 077
get-umask
touch /p/t
chmod 0751 /p/t
stat /p/t | grep -v -e dev -e time
rm-rf /d
upload -<<END /h
line one
  line "two"
END
cat /h
ls /
cat /new
set-memsize abc
"""

_DEV = re.compile(rb"^ *(st_)?dev: .*\n", re.M)


def _same(stock: Run, ours: Run) -> None:
    assert (ours.status, _DEV.sub(b"", ours.out).decode(errors="replace"), ours.err.decode()) == \
        (stock.status, _DEV.sub(b"", stock.out).decode(errors="replace"), stock.err.decode())


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    require_stock()
    require_ours()
    d = tmp_path_factory.mktemp("fishimg")
    r = run(OUR_GUESTFISH, ["-N", "t.img=fs:ext4:64M", "-m", "/dev/sda1"], MAKE, cwd=str(d))
    assert (r.status, r.err) == (0, b"")
    yield d / "t.img"
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.conformance  # ~70 s under TCG: not in CI (test_writing_script_on_copies is)
def test_read_only_script(image: Path) -> None:
    args = ["--ro", "-a", str(image), "-m", "/dev/sda1"]
    stock = run(STOCK_GUESTFISH, args, READ, cwd=str(image.parent))
    ours = run(OUR_GUESTFISH, args, READ, cwd=str(image.parent))
    assert stock.status == 0
    _same(stock, ours)


# Over 20 s under TCG with stock's launch: make conformance, not CI.
@pytest.mark.conformance
def test_writing_script_on_copies(image: Path, tmp_path: Path) -> None:
    runs = []
    for who, program in (("stock", STOCK_GUESTFISH), ("ours", OUR_GUESTFISH)):
        d = tmp_path / who
        d.mkdir()
        shutil.copy(image, d / "t.img")
        (d / "local.txt").write_text("uploaded\n")
        runs.append(run(program, ["-a", "t.img", "-m", "/dev/sda1"], WRITE, cwd=str(d)))
    stock, ours = runs
    assert stock.status == 1  # the last line is a bad integer
    _same(stock, ours)
    # The changes reached each image: read them back with the other program.
    check = "cat /new\nls /p/q/r\ncat /h\n"
    back_stock = run(OUR_GUESTFISH, ["--ro", "-a", str(tmp_path / "stock" / "t.img"), "-m", "/dev/sda1"],
                     check)
    back_ours = run(STOCK_GUESTFISH, ["--ro", "-a", str(tmp_path / "ours" / "t.img"), "-m", "/dev/sda1"],
                    check)
    assert back_stock.status == back_ours.status == 0
    assert back_stock.out == back_ours.out == b'one\ntwo\nthree\nup\nline one\n  line "two"\n\n'


KEYS = """\
part-disk /dev/sda mbr
luks-format /dev/sda1 0
secret1
cryptsetup-open /dev/sda1 lk
secret1
mkfs ext4 /dev/mapper/lk
luks-add-key /dev/sda1 1
secret1
second
-cryptsetup-open /dev/sda1 lk2
wrong
list-dm-devices
"""


@pytest.mark.conformance  # two LUKS formats under TCG, ~2 min: not in CI (tests/fish/test_keys.py is)
def test_keys_from_stdin(tmp_path: Path) -> None:
    """Key arguments are read from the script's next lines, which count as
    script lines in error messages."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    require_stock()
    require_ours()
    runs = []
    for who, program in (("stock", STOCK_GUESTFISH), ("ours", OUR_GUESTFISH)):
        d = tmp_path / who
        d.mkdir()
        runs.append(run(program, ["--keys-from-stdin", "-N", "k.img=disk:64M"], KEYS, cwd=str(d)))
    stock, ours = runs
    assert (ours.status, ours.out) == (stock.status, stock.out) == (0, b"/dev/mapper/lk\n")
    # The wrong passphrase: the message after the call's name is cryptsetup's own.
    prefix = b"*stdin*:11: libguestfs: error: cryptsetup_open: "
    assert stock.err.startswith(prefix) and ours.err.startswith(prefix)
    assert stock.err.count(b"\n") == ours.err.count(b"\n") == 1
