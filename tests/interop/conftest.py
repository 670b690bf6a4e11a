"""Fixtures of the interop tests: the two fixed appliances, built once and cached.

- ``stock_fixed``: a fixed appliance made from the installed stock libguestfs
  with ``libguestfs-make-fixed-appliance``, cached under
  ``$GUESTFS_TEST_CACHE`` (default ``/var/tmp/guestfs-py-test-cache``) keyed
  on the stock package version.
- ``our_fixed``: this project's appliance made fixed with
  ``appliance/make_fixed.py``, cached keyed on the supermin finder's hash of
  its inputs (``supermin.d``, kernel, host packages).

Without the stock packages every interop test that needs them skips with
the reason (fails when ``GUESTFS_TESTS_NO_SKIP=1``).  Sibling tests:
``test_our_lib_their_daemon.py``, ``test_their_lib_our_daemon.py``,
``test_golden_traffic.py``; the golden recording is made by
``record_traffic.py``.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

import pytest

from guestfs.testing import skip_or_fail

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
#: The stock side: its Python binding only exists for Debian's interpreter.
STOCK_PYTHON = "/usr/bin/python3"
STOCK_PACKAGES = ("libguestfs0", "libguestfs-tools", "python3-guestfs")
#: Cached appliances of ours not used for this long are removed.
STALE_AFTER = 3600.0
#: Fixed-appliance parts (what both libraries' fixed finders need).
FIXED_PARTS = ("README.fixed", "kernel", "initrd", "root")


def cache_dir() -> str:
    """The interop tests' cache directory (``$GUESTFS_TEST_CACHE``)."""
    d = os.environ.get("GUESTFS_TEST_CACHE") or "/var/tmp/guestfs-py-test-cache"
    os.makedirs(d, exist_ok=True)
    return d


@cache
def stock_version() -> str | None:
    """The installed stock libguestfs package version, or None."""
    try:
        r = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "libguestfs0"],
                           capture_output=True, text=True, check=False)
    except OSError:
        return None
    return (r.stdout.strip() or None) if r.returncode == 0 else None


@cache
def stock_missing() -> str | None:
    """Why the stock libguestfs peer is unusable here, or None if it is usable."""
    if stock_version() is None:
        return "stock libguestfs is not installed (apt-get install " + " ".join(STOCK_PACKAGES) + ")"
    for tool in ("guestfish", "libguestfs-make-fixed-appliance"):
        if shutil.which(tool) is None and not os.path.exists(f"/usr/sbin/{tool}"):
            return f"stock {tool} is missing (apt-get install libguestfs-tools)"
    if not os.path.exists(STOCK_PYTHON):
        return f"{STOCK_PYTHON} is missing (apt-get install python3)"
    r = subprocess.run([STOCK_PYTHON, "-I", "-c", "import guestfs"], cwd="/",
                       capture_output=True, check=False)
    if r.returncode != 0:
        return f"the stock Python binding is missing for {STOCK_PYTHON} (apt-get install python3-guestfs)"
    return None


def qemu_missing() -> str | None:
    """Why no VM can be started here, or None."""
    if shutil.which("qemu-system-x86_64") is None:
        return "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
    return None


def supermin_missing() -> str | None:
    """Why our appliance cannot be built here, or None."""
    if shutil.which("supermin") is None:
        return "supermin is not installed (apt-get install supermin)"
    return None


def stock_env(path: str | None = None, **extra: str) -> dict[str, str]:
    """Environment for a stock libguestfs program: TCG, ``LIBGUESTFS_PATH`` and
    none of our interpreter's settings (its ``import guestfs`` must be stock)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "PYENV", "LIBGUESTFS_", "GUESTFISH_"))}
    env["LIBGUESTFS_BACKEND"] = "direct"
    env["LIBGUESTFS_BACKEND_SETTINGS"] = "force_tcg"
    if path is not None:
        env["LIBGUESTFS_PATH"] = path
    env.update(extra)
    return env


def _complete(d: str) -> bool:
    return all(os.path.exists(os.path.join(d, p)) for p in FIXED_PARTS)


@contextmanager
def _locked(name: str) -> Iterator[None]:
    """Hold an exclusive lock in the cache so concurrent sessions build once."""
    with open(os.path.join(cache_dir(), name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _build_into(final: str, build: Callable[[str], None]) -> str:
    """Run ``build(tmpdir)`` and rename the result to ``final`` (atomic publish)."""
    tmp = tempfile.mkdtemp(dir=cache_dir(), prefix="tmp-")
    try:
        out = os.path.join(tmp, "appliance")
        build(out)
        if not _complete(out):
            raise RuntimeError(f"{out}: incomplete fixed appliance after the build")
        if os.path.exists(final):
            shutil.rmtree(final)
        os.rename(out, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    r = subprocess.run(argv, env=env, cwd=cache_dir(), stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, errors="replace", check=False)
    if r.returncode != 0:
        tail = "\n".join((r.stderr + r.stdout).strip().splitlines()[-30:])
        raise RuntimeError(f"{what} failed (exit {r.returncode}): {' '.join(argv)}\n{tail}")


def build_stock_fixed() -> str:
    """The stock fixed appliance, built by libguestfs-make-fixed-appliance once per version."""
    version = stock_version()
    assert version is not None
    key = re.sub(r"[^A-Za-z0-9.+~-]", "_", version)
    final = os.path.join(cache_dir(), f"stock-fixed-{key}")
    if _complete(final):
        return final
    with _locked("stock-fixed"):
        if _complete(final):
            return final

        def build(out: str) -> None:
            # A private supermin cache: the stock build must not reuse (or
            # spoil) anything of the user's.
            env = stock_env(LIBGUESTFS_CACHEDIR=os.path.join(cache_dir(), "stock-supermin-cache"))
            os.makedirs(env["LIBGUESTFS_CACHEDIR"], exist_ok=True)
            # Stock's own tool by path: ours has the same name and may come
            # first on PATH (an activated venv).
            tool = "/usr/sbin/libguestfs-make-fixed-appliance"
            try:
                _run([tool, out], env, "libguestfs-make-fixed-appliance")
            finally:
                shutil.rmtree(env["LIBGUESTFS_CACHEDIR"], ignore_errors=True)
        return _build_into(final, build)


def build_our_fixed() -> str:
    """Our fixed appliance, remade only when the appliance's inputs change."""
    sys.path.insert(0, os.path.join(REPO, "appliance"))
    try:
        import prepare  # appliance/prepare.py
    finally:
        sys.path.pop(0)
    from guestfs.appliance_finders.supermin import cache_key, choose_kernel

    smd = prepare.prepare(prepare.DEFAULT_OUTPUT)
    final = os.path.join(cache_dir(), "ours-fixed-" + cache_key(smd, choose_kernel()))
    if _complete(final):
        os.utime(final)
        return final
    with _locked("ours-fixed"):
        if not _complete(final):
            _build_into(final, lambda out: _run(
                [sys.executable, os.path.join(REPO, "appliance", "make_fixed.py"), out],
                dict(os.environ), "appliance/make_fixed.py"))
        _remove_stale(keep=final)
    return final


def _remove_stale(keep: str) -> None:
    """Drop our cached appliances of older inputs (each is hundreds of MiB)."""
    now = time.time()
    for name in os.listdir(cache_dir()):
        d = os.path.join(cache_dir(), name)
        if name.startswith("ours-fixed-") and d != keep:
            try:
                if now - os.stat(d).st_mtime > STALE_AFTER:
                    shutil.rmtree(d, ignore_errors=True)
            except OSError:
                pass


@pytest.fixture(scope="session")
def stock_fixed() -> str:
    """Directory of the stock libguestfs fixed appliance (for ``LIBGUESTFS_PATH``)."""
    why = stock_missing() or qemu_missing()
    if why:
        skip_or_fail(why)
    return build_stock_fixed()


@pytest.fixture(scope="session")
def our_fixed() -> str:
    """Directory of this project's appliance as a fixed appliance (built here if needed)."""
    why = stock_missing() or qemu_missing() or supermin_missing()
    if why:
        skip_or_fail(why)
    return build_our_fixed()


@pytest.fixture(scope="session")
def stock_environ() -> Callable[..., dict[str, str]]:
    """``stock_environ(path, **extra)``: the environment for a stock program."""
    return stock_env


if __name__ == "__main__":
    # ``python3 tests/interop/conftest.py`` warms the cache outside pytest.
    print(build_stock_fixed())
    print(build_our_fixed())
