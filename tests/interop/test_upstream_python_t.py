"""libguestfs 1.48.6's own Python binding tests, unchanged, against this library.

The suite (``python/t`` of the release the stock packages are) is fetched
from the Debian archive by ``upstream_python_t.py`` and cached; each of its
modules runs under ``unittest`` in a child interpreter that imports this
library as ``guestfs``.  ``test820RHBZ912499`` only runs when the default
backend is libvirt (it opens a running libvirt guest's disk), so it runs
with ``LIBGUESTFS_BACKEND=libvirt``; the rest use the default backend.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator

import pytest

import guestfs
from guestfs.testing import appliance_missing, skip_or_fail
from tests.interop import upstream_python_t as upstream
from tests.interop.conftest import _locked, cache_dir

pytestmark = [pytest.mark.appliance, pytest.mark.slow]

#: Per-module environment beyond the default.
EXTRA_ENV = {"test820RHBZ912499": {"LIBGUESTFS_BACKEND": "libvirt"}}
TIMEOUT = 600


@pytest.fixture(scope="module")
def suite() -> Iterator[tuple[str, str]]:
    """The fetched suite, prepared in a temporary directory: (python dir, guestsdir)."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    with _locked("upstream-python-t"):
        try:
            source = upstream.fetch(cache_dir())
        except upstream.FetchError as e:
            skip_or_fail(str(e))
    # test820 makes its disk in the work directory for a libvirt guest whose
    # qemu runs as libvirt's user: pytest's own (0700) directories are out
    # of its reach.
    work = tempfile.mkdtemp(prefix="upstream-python-t-", dir="/var/tmp")
    try:
        os.chmod(work, 0o755)
        yield upstream.prepare(source, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def child_env(guests: str, module: str = "") -> dict[str, str]:
    """The environment a module runs in: no LIBGUESTFS_* from ours, its guestsdir."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LIBGUESTFS_") and k != "PYTHONPATH"}
    env.update(guestsdir=guests, **EXTRA_ENV.get(module, {}))
    return env


def test_it_runs_against_this_library(suite: tuple[str, str]) -> None:
    """The child interpreter imports this library as ``guestfs``, not a stock binding."""
    pydir, guests = suite
    r = subprocess.run([sys.executable, "-c", "import guestfs; print(guestfs.__file__)"],
                       cwd=pydir, env=child_env(guests), capture_output=True, text=True, check=True)
    assert os.path.dirname(r.stdout.strip()) == os.path.dirname(guestfs.__file__)


def test_the_suite_is_the_one_expected(suite: tuple[str, str]) -> None:
    """The fetched python/t holds exactly the modules this file runs."""
    pydir, _ = suite
    found = sorted(f[:-3] for f in os.listdir(os.path.join(pydir, "t"))
                   if re.fullmatch(r"test\d+\w+\.py", f))
    assert found == sorted(upstream.MODULES)


@pytest.mark.parametrize("module", upstream.MODULES)
def test_upstream_module(suite: tuple[str, str], module: str) -> None:
    """One module of python/t passes, with no test skipped."""
    pydir, guests = suite
    r = subprocess.run([sys.executable, "-m", "unittest", "-v", f"t.{module}"], cwd=pydir,
                       env=child_env(guests, module),
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace",
                       timeout=TIMEOUT, check=False)
    report = r.stderr
    assert r.returncode == 0, f"python/t/{module}.py failed:\n{report[-4000:]}"
    ran = re.search(r"^Ran (\d+) tests?", report, re.M)
    assert ran and int(ran.group(1)) > 0, f"python/t/{module}.py ran no test:\n{report[-2000:]}"
    skipped = re.findall(r"^(\S+ \(.*\)) \.\.\. skipped (.*)$", report, re.M)
    if skipped:
        skip_or_fail(f"python/t/{module}.py skipped: {skipped}")
