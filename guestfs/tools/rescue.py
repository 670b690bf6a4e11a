"""virt-rescue: an interactive shell in the appliance, on its serial console.

The appliance boots with ``guestfs_rescue=1``: its /init serves the daemon
from a child and starts bash on the console once we have taken it.  The
``-m`` and ``-i`` mounts go through the daemon first, so the guest's file
systems are under /sysroot when the shell starts; ``--suggest`` only
inspects and prints the mount commands to type.  Options, messages and
exit statuses are stock 1.48's.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .console_relay import Commands, Relay, flush_stdio, key_name, parse_escape, write_all
from .options import (
    ARGUMENT,
    ImageOptions,
    Sets,
    UsageError,
    apply_table,
    c_int,
    console_main,
    pairs,
    parse_argv,
    report_usage_error,
    usage_hint,
)

if TYPE_CHECKING:
    from ..handle import GuestFS

PROG = "virt-rescue"
SHORT = "e:V"
LONG = ("append=", "help", "long-options", "memsize=", "network", "scratch=?", "selinux",
        "short-options", "smp=", "suggest", "version")
#: Size of each ``--scratch`` disk (sparse), as stock's.
SCRATCH_SIZE = 10 * 1024**3
#: The rescue shell's prompt (PS1 in the appliance's /init).
PROMPT = b"><rescue> "
#: The escape key unless ``-e`` says otherwise: ^].
DEFAULT_ESCAPE = 0x1D

USAGE = f"""{PROG}: a rescue shell in the appliance, on a guest's disks
Usage:
  {PROG} [--options] -d domname
  {PROG} [--options] -a disk.img [-a disk.img ...]
Options:
  -a|--add image       Add a disk image
  --append kernelopts  More kernel command-line options for the appliance
  --blocksize[=512|4096]
                       Sector size of the -a images that follow
  -c|--connect uri     The libvirt URI for -d
  -d|--domain guest    Add the disks of a libvirt guest
  -e ^x|none           The escape key (^] unless set), or none
  --format[=raw|..]    Force the format of the -a images that follow
  --help               This text
  -i|--inspector       Find the operating system and mount it under /sysroot
  -m|--mount dev[:mnt[:opts[:fstype]] Mount dev on mnt (/ if left out)
  --memsize MB         The appliance's memory in megabytes
  --network            Give the appliance a network
  -r|--ro              Open the disks read-only
  --scratch[=N]        Add N (1) scratch disks, removed at the end
  --selinux            Accepted and ignored (compatibility)
  --smp N              Give the appliance N >= 2 virtual CPUs
  --suggest            Print the mount commands to type, then exit
  -v|--verbose         Verbose messages
  -V|--version         Print the version and exit
  -w|--rw              Open the disks read-write
  -x                   Trace the libguestfs calls
See virt-rescue(1) for the escape sequences and the details.
"""


class RescueOptions:
    """virt-rescue's own options."""

    def __init__(self) -> None:
        self.append: str | None = None
        self.escape: int | None = DEFAULT_ESCAPE
        self.memsize: int | None = None
        self.network = False
        self.scratch = 0
        self.smp: int | None = None
        self.suggest = False
        self.help = False
        self.version = False
        self.listing: str | None = None


_RESCUE_SETS = (
    Sets(("--append",), "append", ARGUMENT),
    Sets(("--help",), "help"),
    Sets(("--network",), "network"),
    Sets(("--selinux",), None),
    Sets(("--suggest",), "suggest"),
    Sets(("-V", "--version"), "version"),
)


def parse(argv: Sequence[str]) -> tuple[RescueOptions, ImageOptions]:
    """virt-rescue's command line; old-style words become ``-a`` or ``-d``.

    :raises UsageError: bad options (the message is stock's).
    """
    ro = RescueOptions()

    def extra(opt: str, value: str) -> bool:
        if opt == "-e":
            try:
                ro.escape = parse_escape(value)
            except ValueError:
                raise UsageError(f"unrecognized escape key: {value}") from None
        elif opt == "--memsize":
            n = c_int(value)
            if n is None:
                raise UsageError(f"could not parse memory size \u2018{value}\u2019")
            ro.memsize = n
        elif opt == "--smp":
            n = c_int(value)
            if n is None:
                raise UsageError(f"could not parse --smp parameter \u2018{value}\u2019")
            ro.smp = n
        elif opt == "--scratch":
            n = c_int(value) if value else 1
            if n is None or n < 1:
                raise UsageError(f"could not parse --scratch parameter \u2018{value}\u2019")
            ro.scratch += n
        elif opt in ("--long-options", "--short-options"):
            ro.listing = opt
        else:
            return apply_table(_RESCUE_SETS, ro, opt, value)
        return True

    image, rest = parse_argv(PROG, argv, SHORT, LONG, extra)
    for word in rest:  # old style: a path is an image, anything else a domain
        image.handle("-a" if "/" in word or os.path.exists(word) else "-d", word)
    if ro.suggest:
        image.readonly = True
    return ro, image


def _list_options(which: str) -> None:
    from .options import LONG as SHARED_LONG
    from .options import SHORT as SHARED_SHORT

    if which == "--long-options":
        names = {o.rstrip("=?") for o in (*SHARED_LONG, *LONG)}
        names -= {"long-options", "short-options", "echo-keys", "key", "keys-from-stdin"}
        # In stock's order: alphabetical, but --mount before --memsize.
        for n in sorted(names, key=lambda n: "mount~" if n == "memsize" else n):
            print(f"--{n}")
    else:
        letters = set((SHARED_SHORT + SHORT).replace(":", ""))
        for c in sorted(letters, key=lambda c: (c.lower(), c.isupper())):
            print(f"-{c}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run virt-rescue; returns (and, as a console script, exits with) its status."""
    return console_main(_main, argv)


def _main(args: list[str]) -> int:
    try:
        ro, image = parse(args)
    except UsageError as e:
        return report_usage_error(PROG, e)
    if ro.help:
        sys.stdout.write(USAGE)
        return 0
    if ro.listing:
        _list_options(ro.listing)
        return 0

    import guestfs

    g = guestfs.GuestFS(python_return_dict=True)
    try:
        image.configure(g)
        if ro.version:
            v = g.version()
            print(f"{PROG} {v['major']}.{v['minor']}.{v['release']}{v['extra']}")
            return 0
        if not image.drives:
            sys.stderr.write(f"{PROG}: error: you must specify at least one -a or -d option.\n")
            usage_hint(PROG)
            return 1
        return _suggest(g, image) if ro.suggest else _rescue(g, ro, image)
    except (RuntimeError, UsageError) as e:
        _error(e)
        return 1
    except KeyboardInterrupt:
        return 1
    finally:
        _close(g)


def _error(e: BaseException) -> None:
    """A failure as stock prints it: the library's errors prefixed as its own."""
    text = str(e).replace("{prog}", PROG)
    flush_stdio()
    if isinstance(e, UsageError):
        sys.stderr.write(text if text.startswith("libguestfs:") else f"{PROG}: {text}")
    else:
        sys.stderr.write(f"libguestfs: error: {text}")
    sys.stderr.write("\n")


def _close(g: GuestFS) -> None:
    try:
        g.close()
    except Exception:
        pass


# -- --suggest --------------------------------------------------------------


def _suggest(g: GuestFS, image: ImageOptions) -> int:
    """Inspect and print the commands that mount the guest under /sysroot."""
    print("Inspecting the virtual machine or disk image ...\n", flush=True)
    image.add_drives(g)
    g.launch()
    roots = g.inspect_os()
    if roots:
        print("This disk contains one or more operating systems.  You can use these mount\n"
              "commands in virt-rescue (at the ><rescue> prompt) to mount the filesystems.\n")
        for root in roots:
            _suggest_root(g, root)
        return 0
    mountable = [(fs, t) for fs, t in pairs(g.list_filesystems()) if t not in ("swap", "unknown")]
    if not mountable:
        print("This disk contains no mountable filesystems that we recognize.\n\n"
              "However you can still use virt-rescue on the disk image, to try to mount\n"
              "filesystems that are not recognized by libguestfs, or to create partitions,\n"
              "logical volumes and filesystems on a blank disk.")
        return 0
    print("This disk contains one or more filesystems, but we don\u2019t recognize any\n"
          "operating system.  You can use these mount commands in virt-rescue (at the\n"
          "><rescue> prompt) to mount these filesystems.\n")
    for fs, fstype in mountable:
        print(f"# {fs} has type \u2018{fstype}\u2019\nmount {fs} /sysroot\n")
    return 0


def _suggest_root(g: GuestFS, root: str) -> None:
    ostype = g.inspect_get_type(root)
    print(f"# {root} is the root of a {ostype} operating system")
    print(f"# type: {ostype}, distro: {g.inspect_get_distro(root)}, version: "
          f"{g.inspect_get_major_version(root)}.{g.inspect_get_minor_version(root)}")
    print(f"# {g.inspect_get_product_name(root)}\n")
    for mp, dev in sorted(pairs(g.inspect_get_mountpoints(root)), key=lambda p: (len(p[0]), p[0])):
        print(f"mount {dev} /sysroot{mp}")
    for fs in ("dev", "proc", "sys"):
        print(f"mount --rbind /{fs} /sysroot/{fs}")
    print("\ncd /sysroot\nchroot /sysroot\n")


# -- the shell --------------------------------------------------------------


def _configure(g: GuestFS, ro: RescueOptions) -> None:
    """The appliance settings of a rescue launch."""
    g.set_append("guestfs_rescue=1" + (f" {ro.append}" if ro.append else ""))
    if ro.memsize is not None:
        g.set_memsize(ro.memsize)
    if ro.smp is not None:
        g.set_smp(ro.smp)
    if ro.network:
        g.set_network(True)


def _rescue(g: GuestFS, ro: RescueOptions, image: ImageOptions) -> int:
    """Launch in rescue mode, mount, and relay the terminal to the shell."""
    import guestfs

    _configure(g, ro)
    image.add_drives(g)
    for _ in range(ro.scratch):
        g.add_drive_scratch(SCRATCH_SIZE)
    # The boot messages, as stock shows them while the appliance starts.
    g.set_event_callback(lambda _ev, _eh, buf, _arr: _echo(buf), guestfs.EVENT_APPLIANCE)
    g.launch()
    image.mount(g)
    console = g.internal_get_console_socket()
    flush_stdio()
    if ro.escape is not None and sys.stdin.isatty():
        k = key_name(ro.escape)
        sys.stdout.write(f"\nThe virt-rescue escape key is \u2018{k}\u2019.  "
                         f"Type \u2018{k} h\u2019 for help.\n\n")
        sys.stdout.flush()
    relay = Relay(console, ro.escape, _commands(g, image), ready=PROMPT)
    write_all(console, b"\n")  # tells /init the console is taken: the shell starts
    relay.run()
    flush_stdio()
    return 0


def _echo(buf: bytes | str) -> None:
    sys.stdout.buffer.write(buf.encode("utf-8", "replace") if isinstance(buf, str) else buf)
    sys.stdout.flush()


def _commands(g: GuestFS, image: ImageOptions) -> Commands:
    """The escape commands, bound to the handle."""

    def sync() -> str:
        g.sync()
        return "\r\nvirt-rescue: the disks are synced\r\n"

    def unmount() -> str:
        g.umount_all()
        return "\r\nvirt-rescue: the guest's file systems are unmounted\r\n"

    def info() -> str:
        if not image.inspector:
            return "\r\nvirt-rescue: inspection information needs the -i option\r\n"
        lines = []
        for root in g.inspect_get_roots():
            lines.append(f"root device: {root}")
            lines.append(f"  product name: {g.inspect_get_product_name(root)}")
            lines.append(f"  type: {g.inspect_get_type(root)}")
            lines.append(f"  distro: {g.inspect_get_distro(root)}")
            lines.append(f"  version: {g.inspect_get_major_version(root)}."
                         f"{g.inspect_get_minor_version(root)}")
        return "\r\n" + "\r\n".join(lines) + "\r\n"

    return Commands(sync=sync, unmount=unmount, info=info)


if __name__ == "__main__":
    main()
