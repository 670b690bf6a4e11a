"""virt-copy-in, virt-copy-out, virt-tar-in and virt-tar-out.

In libguestfs 1.48 these four are guestfish run under the tool's own name
with the image opened by inspection (``-i``), read-write for the ``-in``
tools and read-only for the ``-out`` ones, and the tool's one command in
front of the caller's words; ``--help`` anywhere shows the tool's manual.
Here each is a console entry point over our guestfish, so options,
messages and exit statuses are guestfish's, named after the tool.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Wrapper:
    """One tool: the guestfish command it runs and how it opens the image."""

    name: str
    command: str
    access: str  # "--rw" or "--ro"
    synopsis: tuple[str, ...]
    summary: str


WRAPPERS: dict[str, Wrapper] = {w.name: w for w in (
    Wrapper("virt-copy-in", "copy-in", "--rw",
            ("-a disk.img file|dir [file|dir ...] /destination",
             "-d domain file|dir [file|dir ...] /destination"),
            "Copy local files and directories (recursively) into a directory of a\n"
            "disk image or a libvirt domain's disks.  The last word is the guest\n"
            "directory, an absolute path."),
    Wrapper("virt-copy-out", "copy-out", "--ro",
            ("-a disk.img /file|dir [/file|dir ...] localdir",
             "-d domain /file|dir [/file|dir ...] localdir"),
            "Copy files and directories (recursively) out of a disk image or a\n"
            "libvirt domain's disks into a local directory, the last word."),
    Wrapper("virt-tar-in", "tar-in", "--rw",
            ("-a disk.img data.tar /destination",
             "-d domain data.tar /destination",
             "-a disk.img - /destination < data.tar"),
            "Unpack a local tar file (uncompressed; '-' reads standard input)\n"
            "into a directory of a disk image or a libvirt domain's disks."),
    Wrapper("virt-tar-out", "tar-out", "--ro",
            ("-a disk.img /dir files.tar",
             "-d domain /dir files.tar",
             "-a disk.img /dir - > files.tar"),
            "Pack a directory of a disk image or a libvirt domain's disks into a\n"
            "local tar file (uncompressed; '-' writes standard output)."),
)}


def usage(w: Wrapper) -> str:
    """The ``--help`` text: synopsis, what it does, and the options it shares
    with guestfish."""
    lines = [f"{w.name}: {w.summary.splitlines()[0].rstrip('.')}", "", "Usage:"]
    lines += [f"  {w.name} {s}" for s in w.synopsis]
    lines += ["", w.summary, "",
              f"It runs 'guestfish {w.access} -i {w.command} ...': the operating system",
              "on the disks is found by inspection and its file systems mounted.",
              "", "Options (as guestfish's):",
              "  -a|--add image       Add an image",
              "  -c|--connect uri     libvirt URI for -d",
              "  -d|--domain guest    Add the disks of a libvirt domain",
              "  --format[=raw|..]    Force the disk format of the -a images that follow",
              "  --keys-from-stdin    Read passphrases from standard input",
              "  --echo-keys          Show passphrases as they are typed",
              "  -m|--mount dev[:mnt[:opts[:fstype]]]  Mount instead of inspecting",
              "  -v|--verbose         Verbose messages",
              "  -x                   Trace the libguestfs calls",
              "  -V|--version         Show the version",
              "  --help               This text", ""]
    return "\n".join(lines)


def run(name: str, argv: Sequence[str] | None = None, argv0: str | None = None) -> int:
    """Run wrapper ``name`` on ``argv`` (the command-line words after the name)."""
    from ..fish import main as fish

    w = WRAPPERS[name]
    args = list(sys.argv[1:] if argv is None else argv)
    if "--help" in args:
        sys.stdout.write(usage(w))
        return 0
    return fish.main([w.access, "-i", w.command, *args], prog=w.name,
                     argv0=argv0 or (sys.argv[0] if argv is None else w.name))


def _entry(name: str) -> None:
    """A console script: exit with the tool's status."""
    sys.exit(run(name, argv0=sys.argv[0] if os.path.basename(sys.argv[0]) == name else name))


def copy_in() -> None:
    """virt-copy-in."""
    _entry("virt-copy-in")


def copy_out() -> None:
    """virt-copy-out."""
    _entry("virt-copy-out")


def tar_in() -> None:
    """virt-tar-in."""
    _entry("virt-tar-in")


def tar_out() -> None:
    """virt-tar-out."""
    _entry("virt-tar-out")
