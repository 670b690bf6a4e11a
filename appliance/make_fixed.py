#!/usr/bin/env python3
"""Make a "fixed appliance" (kernel, initrd, root, README.fixed) from our supermin one.

``python3 appliance/make_fixed.py OUTPUTDIR`` writes the four files into
OUTPUTDIR; ``--xz TARBALL`` writes them as ``appliance/…`` in a sparse,
xz-compressed tar instead.  The result works with this library's fixed
finder and with stock libguestfs (``LIBGUESTFS_PATH=OUTPUTDIR``).  The
appliance is prepared (``prepare.py``) and built with the supermin finder
(``guestfs/appliance_finders/supermin.py``) first, so its cache is reused.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

README = """\
This directory is a fixed appliance for guestfs (the Python libguestfs):
kernel, initrd and root are used as they are, nothing is rebuilt.

Put the directory on LIBGUESTFS_PATH to use it, with this library or with
stock libguestfs.  It was made by appliance/make_fixed.py from the
supermin appliance (appliance/packages, appliance/init, the daemon).

kernel:  {kernel}
made on: {host} ({date})
"""


def sparse_copy(src: str, dest: str) -> None:
    """Copy ``src`` to ``dest`` keeping holes (the 4 GiB root is mostly empty)."""
    with open(src, "rb") as fi, open(dest, "wb") as fo:
        size = os.fstat(fi.fileno()).st_size
        pos = 0
        while pos < size:
            try:
                data_start = os.lseek(fi.fileno(), pos, os.SEEK_DATA)
            except OSError:  # no more data: the rest is a hole
                break
            hole = os.lseek(fi.fileno(), data_start, os.SEEK_HOLE)
            fi.seek(data_start)
            fo.seek(data_start)
            left = hole - data_start
            while left:
                chunk = fi.read(min(left, 8 << 20))
                if not chunk:
                    break
                fo.write(chunk)
                left -= len(chunk)
            pos = hole
        fo.truncate(size)
    shutil.copystat(src, dest)


def write_fixed(outdir: str, kernel: str, initrd: str, root: str, kernel_source: str) -> None:
    """Write kernel, initrd, root and README.fixed into ``outdir``."""
    import datetime
    import socket

    os.makedirs(outdir, exist_ok=True)
    shutil.copyfile(kernel, os.path.join(outdir, "kernel"))
    shutil.copyfile(initrd, os.path.join(outdir, "initrd"))
    sparse_copy(root, os.path.join(outdir, "root"))
    with open(os.path.join(outdir, "README.fixed"), "w") as f:
        f.write(README.format(kernel=kernel_source, host=socket.gethostname(),
                              date=datetime.date.today().isoformat()))


def main(argv: list[str] | None = None) -> int:
    """Command line entry point, with stock libguestfs-make-fixed-appliance's
    usage: ``OUTPUTDIR``, or ``--xz`` for ``appliance-VERSION.tar.xz`` in the
    current directory (``--xz FILE`` names the tarball); silent on success."""
    from guestfs import __version__
    from guestfs.appliance import DEFAULT_PATH

    ap = argparse.ArgumentParser(prog="libguestfs-make-fixed-appliance",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("outputdir", nargs="?", help="directory to write the appliance to")
    ap.add_argument("--xz", nargs="?", const=f"appliance-{__version__}.tar.xz", metavar="TARBALL",
                    help="write an xz-compressed tarball instead (default name: %(const)s)")
    ap.add_argument("-V", "--version", action="version", version=f"%(prog)s {__version__}")
    ap.add_argument("--build-dir", default=DEFAULT_PATH,
                    help=f"where prepare.py keeps supermin.d (default: {DEFAULT_PATH})")
    opts = ap.parse_args(argv)
    if bool(opts.outputdir) == bool(opts.xz):
        ap.error("give either OUTPUTDIR or --xz")

    if __package__:  # the installed guestfs_appliance package (console script)
        from . import prepare
    else:  # python3 appliance/make_fixed.py in a checkout
        if HERE not in sys.path:
            sys.path.insert(0, HERE)
        import prepare

    from guestfs.appliance_finders.supermin import build_appliance, choose_kernel

    smd = prepare.prepare(opts.build_dir, quiet=True)
    app = build_appliance(smd)
    source = choose_kernel().image
    if opts.outputdir:
        write_fixed(opts.outputdir, app.kernel, app.initrd, app.root, source)
        return 0
    tmp = tempfile.mkdtemp(prefix="guestfs-fixed-")
    try:
        write_fixed(os.path.join(tmp, "appliance"), app.kernel, app.initrd, app.root, source)
        r = subprocess.run(["tar", "-C", tmp, "--sparse", "-cJf", os.path.abspath(opts.xz),
                            "appliance"], check=False)
        if r.returncode != 0:
            print(f"libguestfs-make-fixed-appliance: tar failed (exit {r.returncode})", file=sys.stderr)
            return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
