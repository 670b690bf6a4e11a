"""libguestfs 1.48.6's own guestfish test scripts (``fish/test-*.sh``),
unchanged, with this project's ``guestfish``, ``guestmount`` and
``guestunmount`` first on PATH.

The scripts come from the release's source tarball (fetched and cached by
``tests/interop/upstream_python_t.py``).  Each runs in a copy of the
source layout it expects (``fish/``, ``tests/test-functions.sh``,
``test-data/files/``, a ``fuse/guestunmount``) with the ``test.iso`` the
release's build would make, holding the files these scripts read, and a
stand-in for its phony ``fedora.img`` (a Fedora root made on the host,
which is all test-inspect.sh and test-run.sh need: a guest ``-i`` finds and
mounts); an exit status of 0 is a pass, as under automake.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from guestfs.testing import appliance_missing, skip_or_fail
from tests.hostimages import build_image
from tests.interop import upstream_python_t as upstream
from tests.interop.conftest import _locked, cache_dir

pytestmark = [pytest.mark.appliance, pytest.mark.slow]

#: The scripts run here.
RUN = (
    "test-a.sh", "test-add-domain.sh", "test-alloc.sh", "test-copy.sh", "test-d.sh",
    "test-edit.sh", "test-escapes.sh", "test-events.sh", "test-file-attrs.sh", "test-find0.sh",
    "test-glob.sh", "test-inspect.sh", "test-invalid-params.sh", "test-mount-local.sh",
    "test-prep.sh", "test-read-file.sh", "test-remote-events.sh", "test-remote.sh",
    "test-reopen.sh", "test-run.sh", "test-stringlist.sh", "test-tilde.sh",
    "test-upload-to-dir.sh",
)
#: The scripts not run, and why.
NOT_RUN = {
    "test-add-uri.sh": "network drives (nbd://, ssh://, …) are not supported by this library",
    "test-docs.sh": "checks the source tree's POD with its podcheck.pl",
}
#: The files of test-data/files the scripts read from test.iso.
ISO_FILES = ("helloworld.tar", "helloworld.tar.gz", "helloworld.tar.xz", "empty", "known-1",
             "known-2", "known-3", "known-4", "known-5", "test-grep.txt", "minimal")
TIMEOUT = 300


@pytest.fixture(scope="module")
def source() -> str:
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    for tool in ("genisoimage", "bash"):
        if shutil.which(tool) is None:
            skip_or_fail(f"{tool} is needed to run libguestfs's guestfish scripts")
    with _locked("upstream-python-t"):
        try:
            return upstream.fetch(cache_dir())
        except upstream.FetchError as e:
            skip_or_fail(str(e))
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def test_iso(source: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """test-data/test.iso as the release makes it, with the files these scripts read."""
    d = tmp_path_factory.mktemp("iso")
    tree = d / "tree"
    tree.mkdir()
    for name in ISO_FILES:
        shutil.copy(Path(source, "test-data", "files", name), tree / name)
    (tree / "directory").mkdir()
    os.symlink("/10klines", tree / "abssymlink")
    out = d / "test.iso"
    subprocess.run(["genisoimage", "-quiet", "-J", "-r", "-o", str(out), str(tree)], check=True)
    return out


@pytest.fixture(scope="module")
def phony_fedora(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stand-in for test-data/phony-guests/fedora.img: one Fedora root."""
    work = tmp_path_factory.mktemp("fedora")
    out = work / "fedora.img"
    root = {"/etc/fstab": b"/dev/sda1 / ext4 defaults 0 1\n", "/bin/ls": Path("/bin/ls").read_bytes(),
            "/etc/redhat-release": b"Fedora release 35 (Thirty Five)\n",
            "/etc/hostname": b"fedora.invalid\n", "/usr": None, "/var": None, "/home": None}
    build_image(out, work, [("ext4", root)], 32)
    return out


@pytest.fixture
def layout(source: str, test_iso: Path, phony_fedora: Path) -> Iterator[Path]:
    """A fresh copy of the source layout a script expects; its ``fish/`` directory."""
    work = Path(tempfile.mkdtemp(prefix="upstream-fish-", dir="/var/tmp"))
    try:
        shutil.copytree(Path(source, "fish"), work / "fish")
        (work / "tests").mkdir()
        shutil.copy(Path(source, "tests", "test-functions.sh"), work / "tests")
        shutil.copytree(Path(source, "test-data", "files"), work / "test-data" / "files")
        shutil.copy(test_iso, work / "test-data" / "test.iso")
        (work / "test-data" / "phony-guests").mkdir()
        os.symlink(phony_fedora, work / "test-data" / "phony-guests" / "fedora.img")
        (work / "config.sh").write_text("")  # what configure would have found: nothing needed
        (work / "fuse").mkdir()
        os.symlink(Path(sys.executable).parent / "guestunmount", work / "fuse" / "guestunmount")
        yield work / "fish"
    finally:
        for line in Path("/proc/mounts").read_text().splitlines():
            mountpoint = line.split()[1]
            if mountpoint.startswith(str(work)):  # a script that failed mid mount-local
                subprocess.run(["fusermount", "-u", "-z", mountpoint], check=False)
        shutil.rmtree(work, ignore_errors=True)


def script_env(fish: Path) -> dict[str, str]:
    """What automake gives a script: its directories, ``$TEST_FUNCTIONS``, ours on PATH."""
    top = str(fish.parent)
    dirs = {"srcdir": ".", "top_srcdir": "..", "builddir": ".", "top_builddir": "..",
            "abs_srcdir": str(fish), "abs_builddir": str(fish), "abs_top_srcdir": top,
            "abs_top_builddir": top}
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LIBGUESTFS_", "SKIP_")) and k != "PYTHONPATH"}
    env.update(dirs, VG="", PATH=f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
               TEST_FUNCTIONS=f"source {top}/tests/test-functions.sh "
               + " ".join(f"{k}={v}" for k, v in dirs.items()))
    return env


def test_the_scripts_are_the_ones_expected(source: str) -> None:
    found = sorted(f for f in os.listdir(Path(source, "fish")) if f.startswith("test-")
                   and f.endswith(".sh"))
    assert found == sorted([*RUN, *NOT_RUN])


@pytest.mark.parametrize("script", RUN)
def test_script_passes(layout: Path, script: str) -> None:
    cp = subprocess.run(["bash", f"./{script}"], cwd=layout, env=script_env(layout),
                        stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
    out = (cp.stdout + cp.stderr).decode(errors="replace")
    assert cp.returncode == 0, f"{script} exited {cp.returncode}:\n{out[-4000:]}"
    assert "test skipped" not in out, out[-2000:]
