"""libguestfs 1.48.6's own Python binding tests (``python/t``) and guestfish
test scripts (``fish/``), fetched, not kept.

The tests are libguestfs's code, so the repository does not carry them:
this module downloads Debian's source tarball of the same release the
stock packages are (``libguestfs_1.48.6.orig.tar.gz``, from the Debian
archive the machine installs packages from), checks its sha256, and
unpacks only ``python/t`` and the libvirt test-driver description its
libvirt test reads, and ``fish/`` with the shell helpers and data files its
scripts read (``tests/fish/test_upstream_fish.py`` runs those).  ``prepare``
then makes a runnable copy of python/t: the two files upstream's
``configure`` would generate (``tests_helper.py``, the phony guests'
``guests.xml``) and the blank disk image that XML names.

Run by hand: ``python -m tests.interop.upstream_python_t DIR`` prepares
DIR; then ``cd DIR/python && guestsdir=DIR/phony-guests python -m unittest``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.request

VERSION = "1.48.6"
TARBALL = f"libguestfs_{VERSION}.orig.tar.gz"
#: From Debian bookworm's Sources index (package libguestfs 1:1.48.6-2).
SHA256 = "0c03cdb2f3460fa492e8423a003e3aa7d51a1311906e01467d1fb90ebf336ac5"
POOL = "pool/main/libg/libguestfs"
DEFAULT_MIRROR = "http://deb.debian.org/debian"
TOP = f"libguestfs-{VERSION}"
#: What is taken out of the tarball (prefixes below ``TOP``).
WANTED = ("python/t/", "test-data/phony-guests/guests.xml.in", "fish/", "tests/test-functions.sh",
          "test-data/files/")
#: The test modules of python/t in 1.48.6: the suite must find exactly these.
MODULES = (
    "test010Load", "test020Create", "test030CreateFlags", "test040CreateMultiple",
    "test050HandleProperties", "test070OptArgs", "test080Version", "test090RetValues",
    "test100Launch", "test410CloseEvent", "test420LogMessages", "test430ProgressMessages",
    "test800ExplicitClose", "test810RHBZ811650", "test820RHBZ912499", "test830RHBZ1406906",
    "test910Libvirt",
)
#: Size of the blank disk the phony guests' ``blank-disk`` domain names.
BLANK_DISK_SIZE = 100 * 1024 * 1024


class FetchError(RuntimeError):
    """The source tarball could not be had (network, mirror, checksum)."""


def mirror() -> str:
    """The Debian archive to download from (``$GUESTFS_DEBIAN_MIRROR`` overrides)."""
    return os.environ.get("GUESTFS_DEBIAN_MIRROR") or DEFAULT_MIRROR


def fetch(cache: str) -> str:
    """The unpacked subset of the source tarball in ``cache`` (downloaded once).

    :raises FetchError: download failed or the checksum did not match.
    """
    final = os.path.join(cache, f"libguestfs-{VERSION}-tests")
    if os.path.isdir(final):
        return final
    url = f"{mirror()}/{POOL}/{TARBALL}"
    tmp = tempfile.mkdtemp(dir=cache, prefix="tmp-upstream-")
    try:
        path = os.path.join(tmp, TARBALL)
        digest = hashlib.sha256()
        try:
            with urllib.request.urlopen(url, timeout=60) as r, open(path, "wb") as f:
                while block := r.read(1 << 20):
                    digest.update(block)
                    f.write(block)
        except OSError as e:
            raise FetchError(f"cannot download {url}: {e}") from None
        if digest.hexdigest() != SHA256:
            raise FetchError(f"{url}: sha256 {digest.hexdigest()} is not the expected {SHA256}")
        out = os.path.join(tmp, "tree")
        with tarfile.open(path) as tar:
            members = [m for m in tar.getmembers()
                       if (m.isfile() or m.isdir())
                       and any(m.name.startswith(f"{TOP}/{w}") for w in WANTED)]
            if hasattr(tarfile, "data_filter"):
                tar.extractall(out, members=members, filter="data")
            else:  # regular files and directories only, checked above
                tar.extractall(out, members=members)
        os.rename(os.path.join(out, TOP), final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def prepare(source: str, workdir: str) -> tuple[str, str]:
    """A runnable copy of the suite in ``workdir``: (python dir to run in, guestsdir)."""
    pydir = os.path.join(workdir, "python")
    tdir = os.path.join(pydir, "t")
    shutil.copytree(os.path.join(source, "python", "t"), tdir)
    # configure substitutes the libvirt link flags; non-empty means "built
    # with libvirt", which this library is.
    with open(os.path.join(tdir, "tests_helper.py.in")) as f:
        helper = f.read().replace("@LIBVIRT_LIBS@", "-lvirt")
    with open(os.path.join(tdir, "tests_helper.py"), "w") as f:
        f.write(helper)
    guests = os.path.join(workdir, "phony-guests")
    os.makedirs(guests)
    with open(os.path.join(source, "test-data", "phony-guests", "guests.xml.in")) as f:
        xml = f.read().replace("@abs_builddir@", guests)
    with open(os.path.join(guests, "guests.xml"), "w") as f:
        f.write(xml)
    with open(os.path.join(guests, "blank-disk.img"), "wb") as f:
        f.truncate(BLANK_DISK_SIZE)
    return pydir, guests


def main(argv: list[str]) -> int:
    """``upstream_python_t.py DIR [CACHE]``: fetch (into CACHE) and prepare DIR."""
    if len(argv) not in (1, 2):
        print(__doc__, file=sys.stderr)
        return 2
    cache = argv[1] if len(argv) > 1 else tempfile.gettempdir()
    pydir, guests = prepare(fetch(cache), argv[0])
    print(f"cd {pydir} && guestsdir={guests} {sys.executable} -m unittest -v")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
