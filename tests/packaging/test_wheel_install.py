"""A wheel built from this tree, installed into a fresh venv outside the
checkout, runs the demo: the daemon, the appliance recipe and the protocol
facts all travel inside the package, and the appliance is prepared on the
first launch into the user's cache directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from guestfs.testing import appliance_missing, skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
#: What a build needs from the tree (everything else stays behind).
SOURCES = ("pyproject.toml", "README.md", "guestfs", "daemon", "appliance")

pytestmark = [pytest.mark.appliance, pytest.mark.slow]


def _copy_sources(dest: Path) -> None:
    """The build's inputs, without build outputs or caches (so building never
    writes into the checkout)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "build", "*.egg-info")
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        else:
            shutil.copy2(src, dest / name)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of this tree, built offline with the test venv's setuptools."""
    src = tmp_path_factory.mktemp("src")
    out = tmp_path_factory.mktemp("dist")
    _copy_sources(src)
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                        "--no-build-isolation", "-w", str(out), str(src)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    (found,) = out.glob("guestfs_py-*.whl")
    return found


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    tops = {n.split("/")[0] for n in names if not n.startswith("guestfs_py-")}
    assert tops == {"guestfs", "guestfs_daemon", "guestfs_appliance"}, tops
    for must in ("guestfs_daemon/server.py", "guestfs_daemon/impl/files.py",
                 "guestfs_appliance/packages", "guestfs_appliance/init",
                 "guestfs_appliance/prepare.py", "guestfs/_data/libguestfs-protocol.json",
                 "guestfs/py.typed", "guestfs/_methods.py"):
        assert must in names, must
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(meta).decode()
    assert "License-Expression: LGPL-2.1-or-later" in text
    eps = zipfile.ZipFile(wheel).read(meta.replace("METADATA", "entry_points.txt")).decode()
    assert "pytest11" not in eps
    assert "libguestfs-make-fixed-appliance = guestfs_appliance.make_fixed:main" in eps


def test_fresh_venv_runs_the_demo(wheel: Path, tmp_path: Path) -> None:
    why = appliance_missing()
    if why and "not built" not in why:  # the installed package builds its own
        skip_or_fail(why)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    work = tmp_path / "work"
    (work / "tmp").mkdir(parents=True)
    shutil.copy2(ROOT / "examples" / "demo.py", work / "demo.py")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LIBGUESTFS_", "PYTHON", "GUESTFS_", "VIRTUAL_ENV"))}
    env.update(XDG_CACHE_HOME=str(work / "cache"), TMPDIR=str(work / "tmp"),
               HOME=str(work))
    where = subprocess.run([str(py), "-c", "import guestfs, guestfs_daemon; "
                            "print(guestfs.__file__); print(guestfs_daemon.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, timeout=60)
    assert where.returncode == 0, where.stderr
    for line in where.stdout.split():
        assert line.startswith(str(venv)), f"imported from outside the fresh venv: {line}"
    demo = subprocess.run([str(py), "demo.py"], cwd=work, env=env, capture_output=True,
                          text=True, timeout=1200)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "/hello contains: hi" in demo.stdout
    assert "upload/download round trip intact: True" in demo.stdout
    assert "image unchanged by the read-only session: True" in demo.stdout
    prepared = work / "cache" / "guestfs-py"
    (app_dir,) = prepared.glob("appliance-*")
    assert (app_dir / "supermin.d" / "daemon.tar.gz").is_file()
    # The first launch said nothing about preparing (the handle was not verbose).
    assert "prepare:" not in demo.stderr
