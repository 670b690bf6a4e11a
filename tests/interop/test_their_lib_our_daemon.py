"""The stock libguestfs 1.48 library driving our daemon (our appliance made fixed).

Two stock clients, both with ``LIBGUESTFS_PATH`` set to our fixed appliance:

- the stock Python binding under ``/usr/bin/python3`` runs the steps of
  ``interop_scenario.py`` in one subprocess (one launch); each step is
  reported as its own test;
- stock ``guestfish`` runs a command script on a disk image (read-write),
  then ``guestfish --ro`` reads the result back.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import tarfile
from collections.abc import Callable
from typing import Any

import interop_scenario as scenario
import pytest

pytestmark = [pytest.mark.appliance, pytest.mark.stock]

HERE = os.path.dirname(os.path.abspath(__file__))
STOCK_PYTHON = "/usr/bin/python3"
#: Bound on one stock client run (a launch plus the whole script).
TIMEOUT = 600
Env = Callable[..., dict[str, str]]


def run_stock(argv: list[str], env: dict[str, str], cwd: str) -> subprocess.CompletedProcess[str]:
    """Run a stock client, failing the test with its output if it hangs."""
    try:
        return subprocess.run(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, errors="replace", timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"{argv[0]} did not finish in {TIMEOUT} s; output so far:\n{e.stdout}\n{e.stderr}")


# -------------------------------------------------------------------------
# the stock Python binding
# -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def stock_results(our_fixed: str, stock_environ: Env, tmp_path_factory: pytest.TempPathFactory
                  ) -> dict[str, Any]:
    """Outcome of every scenario step run by the stock binding on our daemon."""
    work = str(tmp_path_factory.mktemp("their-lib"))
    out = os.path.join(work, "results.json")
    r = run_stock([STOCK_PYTHON, "-I", os.path.join(HERE, "interop_scenario.py"), out, work],
                  stock_environ(our_fixed), work)
    if r.returncode != 0 or not os.path.exists(out):
        pytest.fail(f"the stock scenario run failed (exit {r.returncode}):\n{r.stdout}\n{r.stderr}")
    with open(out) as f:
        results: dict[str, Any] = json.load(f)
    return results


@pytest.mark.parametrize("name", [n for n, _ in scenario.STEPS])
def test_scenario(stock_results: dict[str, Any], name: str) -> None:
    res = stock_results.get(name)
    if res is None:
        pytest.fail(f"step {name} did not run (launch failed?): {stock_results.get('launch')}")
    if not res["ok"]:
        pytest.fail(f"step {name} failed with the stock library:\n{res['error']}", pytrace=False)


# -------------------------------------------------------------------------
# stock guestfish
# -------------------------------------------------------------------------

UPLOAD = b"upload-data\n" * 20000
SCRIPT = """\
run
echo ==devices
list-devices
part-disk /dev/sda mbr
echo ==part-list
part-list /dev/sda
echo ==parttype
part-get-parttype /dev/sda
mkfs ext4 /dev/sda1 blocksize:4096 label:gfish
mount /dev/sda1 /
write /hello "hello from guestfish"
mkdir-p /a/b
ln-s b /a/link
echo ==cat
cat /hello
echo ==ls
ls /a
echo ==is-dir
is-dir /a/link
is-dir /a/link followsymlinks:true
echo ==statns
statns /hello
echo ==statvfs
statvfs /
echo ==mountpoints
mountpoints
echo ==filesystems
list-filesystems
echo ==readdir
readdir /a
echo ==error
-mkdir /a
echo ==checksum
upload up.bin /up.bin
checksum sha256 /up.bin
download /up.bin down.bin
tar-in in.tar.gz /a compress:gzip
tar-out /a out.tar
echo ==label
umount-all
e2fsck /dev/sda1 correct:true
vfs-label /dev/sda1
"""
RO_SCRIPT = """\
echo ==cat
cat /hello
echo ==ls
ls /a
echo ==error
-write /x "no"
echo ==end
"""


def sections(stdout: str) -> dict[str, list[str]]:
    """guestfish output cut at the ``echo ==name`` markers."""
    out: dict[str, list[str]] = {}
    cur = out.setdefault("", [])
    for line in stdout.splitlines():
        if line.startswith("=="):
            cur = out.setdefault(line[2:], [])
        else:
            cur.append(line)
    return out


def fields(lines: list[str]) -> dict[str, str]:
    """``key: value`` lines (structs and hashtables as guestfish prints them)."""
    return dict(line.strip().split(": ", 1) for line in lines if ": " in line)


@pytest.fixture(scope="module")
def fish(our_fixed: str, stock_environ: Env, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run the read-write script, then the read-only one, on one disk image."""
    work = tmp_path_factory.mktemp("guestfish")
    disk = work / "disk.img"
    with open(disk, "wb") as f:
        f.truncate(256 * 1024 * 1024)
    (work / "up.bin").write_bytes(UPLOAD)
    with tarfile.open(work / "in.tar.gz", "w:gz") as t:
        info = tarfile.TarInfo("file")
        info.size = 7
        t.addfile(info, io.BytesIO(b"content"))
    (work / "script.gf").write_text(SCRIPT)
    env = stock_environ(our_fixed)
    rw = run_stock(["guestfish", "--format=raw", "-a", str(disk), "-f", "script.gf"], env, str(work))
    (work / "ro.gf").write_text(RO_SCRIPT)
    ro = run_stock(["guestfish", "--ro", "--format=raw", "-a", str(disk), "-m", "/dev/sda1",
                    "-f", "ro.gf"], env, str(work))
    return {"work": work, "rw": rw, "ro": ro, "out": sections(rw.stdout), "ro_out": sections(ro.stdout)}


def test_guestfish_script_succeeds(fish: dict[str, Any]) -> None:
    rw = fish["rw"]
    assert rw.returncode == 0, rw.stderr
    assert fish["out"]["devices"] == ["/dev/sda"]
    assert fish["out"]["parttype"] == ["msdos"]
    assert fish["out"]["cat"] == ["hello from guestfish"]
    assert fish["out"]["ls"] == ["b", "link"]
    assert fish["out"]["is-dir"] == ["false", "true"]  # optarg followsymlinks


def test_guestfish_structs(fish: dict[str, Any]) -> None:
    part = fields(fish["out"]["part-list"])
    assert part["part_num"] == "1" and int(part["part_size"]) > 200 * 1024 * 1024
    st = fields(fish["out"]["statns"])
    assert st["st_size"] == "20" and int(st["st_mode"]) & 0o170000 == 0o100000
    vfs = fields(fish["out"]["statvfs"])
    assert vfs["bsize"] == "4096"  # mkfs optarg blocksize
    names = [line.split(": ")[1] for line in fish["out"]["readdir"] if "name: " in line]
    assert sorted(names) == [".", "..", "b", "link"]


def test_guestfish_hashtables(fish: dict[str, Any]) -> None:
    assert fields(fish["out"]["mountpoints"]) == {"/dev/sda1": "/"}
    assert fields(fish["out"]["filesystems"]) == {"/dev/sda1": "ext4"}


def test_guestfish_error_message(fish: dict[str, Any]) -> None:
    assert fish["out"]["error"] == []
    assert "mkdir: /a: File exists" in fish["rw"].stderr


def test_guestfish_transfers(fish: dict[str, Any]) -> None:
    work = fish["work"]
    assert fish["out"]["checksum"] == [hashlib.sha256(UPLOAD).hexdigest()]
    assert (work / "down.bin").read_bytes() == UPLOAD
    with tarfile.open(work / "out.tar") as t:
        names = {n.lstrip("./") for n in t.getnames()} - {""}
        assert names == {"b", "file", "link"}


def test_guestfish_e2fsck_and_label(fish: dict[str, Any]) -> None:
    assert fish["out"]["label"] == ["gfish"]  # mkfs optarg label; e2fsck passed before


def test_guestfish_read_only(fish: dict[str, Any]) -> None:
    ro = fish["ro"]
    assert ro.returncode == 0, ro.stderr
    assert fish["ro_out"]["cat"] == ["hello from guestfish"]
    assert fish["ro_out"]["ls"] == ["b", "file", "link"]
    assert "Read-only file system" in ro.stderr
