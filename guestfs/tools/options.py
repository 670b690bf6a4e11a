"""The "open the images" options every tool shares (libguestfs's ``common/options``).

``-a/--add`` (with ``--format`` and ``--blocksize`` in force for the ``-a``
options after them), ``-c/--connect``, ``-d/--domain``, ``--ro/-r``,
``--rw/-w``, ``-i/--inspector``, ``-m/--mount dev[:mp[:opts[:fstype]]]``,
``-v``, ``-x``, ``--keys-from-stdin``, ``--echo-keys``, ``--key``.  A tool
parses its argument vector with :func:`parse_argv`, naming its own extra
options; the shared ones land in an :class:`ImageOptions`, which then adds
the drives to a handle (:meth:`ImageOptions.add_drives`) and, after launch,
inspects and mounts (:meth:`ImageOptions.mount`).  Messages and exit
statuses are stock's (GNU getopt wording, ``Try 'PROG --help'``).
"""

from __future__ import annotations

import getopt
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn
from urllib.parse import unquote, urlsplit

from ..actions.kinds import LONGINT_INVALID, LONGINT_OVERFLOW, xstrtoll
from .keys import KeyProblem, KeySelector, decrypt, parse_selector

if TYPE_CHECKING:
    from ..handle import GuestFS

#: Short options of the shared layer (getopt syntax).
SHORT = "a:c:d:im:rvwx"
#: Long options of the shared layer.
LONG = ("add=", "blocksize=", "connect=", "domain=", "echo-keys", "format=", "inspector",
        "key=", "keys-from-stdin", "mount=", "ro", "rw", "verbose")
#: Long options whose argument may be left out (``--format`` alone resets it).
OPTIONAL_ARG = ("format", "blocksize")


class UsageError(Exception):
    """Bad command-line options: ``str(e)`` is the message (exit status 1)."""


def c_int(text: str) -> int | None:
    """A leading decimal integer as C's sscanf("%d") reads it, else None."""
    m = re.match(r"\s*[+-]?\d+", text)
    return int(m.group()) if m else None


def usage_hint(prog: str) -> None:
    """Stock's pointer to ``--help`` after a bad option."""
    sys.stderr.write(f"Try \u2018{prog} --help\u2019 for more information.\n")


def report_usage_error(prog: str, e: UsageError) -> int:
    """Print a bad command line as stock does (getopt's complaints with the
    ``--help`` hint); the exit status, 1."""
    text = str(e)
    sys.stderr.write(f"{prog}: {text}\n")
    if text.startswith(("unrecognized option", "invalid option", "option ")):
        usage_hint(prog)
    return 1


def console_main(run: Callable[[list[str]], int], argv: Sequence[str] | None) -> int:
    """A tool's ``main``: ``run`` on the arguments; as a console script
    (``argv`` None) exit with its status, else return it."""
    status = run(list(sys.argv[1:] if argv is None else argv))
    if argv is None:
        sys.exit(status)
    return status


def fail(prog: str, message: str, status: int = 1) -> NoReturn:
    """Print ``PROG: MESSAGE`` and exit with ``status``."""
    sys.stdout.flush()
    print(f"{prog}: {message}", file=sys.stderr)
    sys.exit(status)


#: For :class:`Sets`: the option's own argument is the value.
ARGUMENT = object()


@dataclass(frozen=True)
class Sets:
    """An option that only sets an attribute: to a constant, or to its
    argument (:data:`ARGUMENT`); ``attr`` None accepts and ignores it.
    Tools list theirs in tables instead of if-chains."""

    names: tuple[str, ...]
    attr: str | None
    value: object = True


def apply_table(table: Sequence[Sets], target: object, opt: str, value: str) -> bool:
    """Apply ``opt`` from ``table`` to ``target``; False if it is not in the table."""
    for entry in table:
        if opt in entry.names:
            if entry.attr is not None:
                setattr(target, entry.attr, value if entry.value is ARGUMENT else entry.value)
            return True
    return False


#: The shared options that only set an :class:`ImageOptions` attribute.
_SHARED_SETS = (
    Sets(("-c", "--connect"), "libvirt_uri", ARGUMENT),
    Sets(("-i", "--inspector"), "inspector"),
    Sets(("-r", "--ro"), "readonly"),
    Sets(("-w", "--rw"), "readonly", False),
    Sets(("-v", "--verbose"), "verbose"),
    Sets(("-x",), "trace"),
    Sets(("--keys-from-stdin",), "keys_from_stdin"),
    Sets(("--echo-keys",), "echo_keys"),
)


@dataclass
class Drive:
    """One ``-a`` or ``-d`` option, with the format in force when it was given."""

    kind: str  # "a" (image or URI) or "d" (libvirt domain)
    name: str
    format: str | None = None
    blocksize: int | None = None


@dataclass
class MountPoint:
    """One ``-m dev[:mp[:opts[:fstype]]]``."""

    device: str
    mountpoint: str = "/"
    options: str | None = None
    fstype: str | None = None


def parse_mount(word: str) -> MountPoint:
    """Split a ``-m`` argument (``:`` separated, the mountpoint defaults to /)."""
    parts = word.split(":", 3)
    mp = MountPoint(parts[0])
    if len(parts) > 1 and parts[1]:
        mp.mountpoint = parts[1]
    if len(parts) > 2:
        mp.options = parts[2]
    if len(parts) > 3:
        mp.fstype = parts[3]
    return mp


@dataclass
class ImageOptions:
    """What the shared options asked for, in the order given."""

    prog: str
    drives: list[Drive] = field(default_factory=list)
    mounts: list[MountPoint] = field(default_factory=list)
    readonly: bool = False
    inspector: bool = False
    verbose: bool = False
    trace: bool = False
    libvirt_uri: str | None = None
    keys_from_stdin: bool = False
    echo_keys: bool = False
    #: ``--key SELECTOR`` values, in order.
    keys: list[KeySelector] = field(default_factory=list)
    _format: str | None = None
    _blocksize: int | None = None
    _format_consumed: bool = True
    _blocksize_consumed: bool = True

    def handle(self, opt: str, value: str) -> bool:
        """Take one shared option; False when it is not one of them."""
        if opt in ("-a", "--add"):
            if "://" not in value and not os.path.exists(value):
                err = os.strerror(2)
                try:
                    os.stat(value)
                except OSError as e:
                    err = e.strerror or err
                raise UsageError(f"access: {value}: {err}")
            self.drives.append(Drive("a", value, self._format, self._blocksize))
            self._format_consumed = self._blocksize_consumed = True
        elif opt in ("-d", "--domain"):
            self.drives.append(Drive("d", value))
        elif opt == "--format":
            self._format = value or None
            self._format_consumed = False
        elif opt == "--blocksize":
            if value:
                code, size = xstrtoll(value)
                if code == LONGINT_INVALID:
                    raise UsageError("--blocksize option is not numeric")
                # As stock, a number with a bad suffix ("12x") counts as its
                # digits, and one beyond a C int (an overflow too) is passed
                # on as a size add_drive refuses, with the library's message.
                fits = code != LONGINT_OVERFLOW and -2**31 <= size < 2**31
                self._blocksize = size if fits else -1
            else:
                self._blocksize = None
            self._blocksize_consumed = False
        elif opt in ("-m", "--mount"):
            self.mounts.append(parse_mount(value))
        elif opt == "--key":
            try:
                self.keys.append(parse_selector(value))
            except ValueError as e:
                raise UsageError(str(e)) from None
        else:
            return apply_table(_SHARED_SETS, self, opt, value)
        return True

    def finish(self) -> None:
        """Checks once every option is read (``--format`` after the last ``-a`` …)."""
        if not self._format_consumed:
            raise UsageError("--format parameter must appear before -a parameter")
        if not self._blocksize_consumed:
            raise UsageError("--blocksize parameter must appear before -a parameter")

    # -- using them ---------------------------------------------------------

    def configure(self, g: GuestFS) -> None:
        """Verbose and trace settings on the handle; the network for clevis keys."""
        if self.verbose:
            g.set_verbose(True)
        if self.trace:
            g.set_trace(True)
        if any(k.kind == "clevis" for k in self.keys):
            g.set_network(True)

    def add_drives(self, g: GuestFS) -> None:
        """Add every ``-a`` and ``-d`` drive, in order.

        :raises GuestFSError: from the library (printed by the caller).
        """
        for d in self.drives:
            if d.kind == "d":
                # As stock: a UUID may name the guest, and with --rw the
                # disks the guest itself has read-only are added read-only.
                g.add_domain(d.name, readonly=True if self.readonly else None, allowuuid=True,
                             libvirturi=self.libvirt_uri, readonlydisk="read")
                continue
            opts: dict[str, object] = {}
            if d.format:
                opts["format"] = d.format
            if d.blocksize:
                opts["blocksize"] = d.blocksize
            if self.readonly:
                opts["readonly"] = True
            if "://" in d.name:
                opts.update(_uri_options(d.name))
                name = str(opts.pop("path"))
            else:
                name = d.name
            g.add_drive(name, **opts)  # type: ignore[arg-type]

    def mount(self, g: GuestFS) -> None:
        """After launch: ``-i`` opens the encrypted devices and mounts what
        inspection finds, then each ``-m``.

        :raises UsageError: a missing key, nothing to inspect, or a mount failed.
        """
        if self.inspector:
            try:
                decrypt(g, self.keys, self.keys_from_stdin, self.echo_keys)
            except KeyProblem as e:
                raise UsageError(str(e)) from None
            inspect_and_mount(g, self.readonly)
        for mp in self.mounts:
            opts = mp.options if mp.options is not None else ("ro" if self.readonly else "")
            try:
                if mp.fstype is not None:
                    g.mount_vfs(opts, mp.fstype, mp.device, mp.mountpoint)
                else:
                    g.mount_options(opts, mp.device, mp.mountpoint)
            except Exception as e:
                raise MountFailed(mp.device, str(e), g) from None


class MountFailed(UsageError):
    """A ``-m`` mount failed: stock lists the file systems there are."""

    def __init__(self, device: str, error: str, g: GuestFS) -> None:
        lines = [f"libguestfs: error: {error}",
                 f"{{prog}}: \u2018{device}\u2019 could not be mounted."]
        try:
            names = [fs for fs, _ in pairs(g.list_filesystems())]
        except Exception:
            names = []
        if names:
            lines.append("{prog}: Did you mean to mount one of these filesystems?")
            for fs in names:
                try:
                    vfs = g.vfs_type(fs)
                except Exception:
                    vfs = "unknown"
                lines.append(f"{{prog}}: \t{fs} ({vfs})")
        super().__init__("\n".join(lines))


def pairs(value: dict[str, str] | list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A hash answer as (key, value) pairs, whichever return shape the handle uses."""
    return list(value.items() if isinstance(value, dict) else value)


def inspect_and_mount(g: GuestFS, readonly: bool) -> None:
    """``-i``: find the one operating system and mount its file systems
    (shortest mountpoint first, as stock does)."""
    roots = g.inspect_os()
    if not roots:
        raise UsageError("no operating system was found on this disk\n\n"
                         "Leave out '-i', launch with 'run', look at 'list-filesystems' and "
                         "mount what you need with 'mount' or 'mount-ro'.")
    if len(roots) > 1:
        raise UsageError("multi-boot operating systems are not supported by the -i option")
    mps = pairs(g.inspect_get_mountpoints(roots[0]))
    for mp, dev in sorted(mps, key=lambda p: (len(p[0]), p[0])):
        try:
            g.mount_options("ro" if readonly else "", dev, mp)
        except Exception as e:
            print(f"libguestfs: error: {e}", file=sys.stderr)


#: URI schemes whose path is a name on the server, not an absolute path
#: (``nbd://host/export`` names export ``export``).
_RELATIVE_PATH_SCHEMES = frozenset({"nbd", "rbd", "gluster", "sheepdog", "iscsi"})


def _uri_options(uri: str) -> dict[str, object]:
    """``-a nbd://host:port/export`` and friends as add_drive arguments
    (``path`` is the drive's name); ``file://`` is a plain local file."""
    u = urlsplit(uri)
    scheme, _, transport = u.scheme.partition("+")
    if scheme == "file":
        return {"path": unquote(u.path)}
    opts: dict[str, object] = {"protocol": scheme}
    query = dict(p.split("=", 1) for p in u.query.split("&") if "=" in p)
    if "socket" in query or transport == "unix":
        opts["server"] = ["unix:" + unquote(query.get("socket", ""))]
    elif u.hostname:
        opts["server"] = [f"tcp:{u.hostname}:{u.port}" if u.port else f"tcp:{u.hostname}"]
    if u.username:
        opts["username"] = unquote(u.username)
    if u.password:
        opts["secret"] = unquote(u.password)
    path = unquote(u.path)
    if scheme in _RELATIVE_PATH_SCHEMES:
        path = path.lstrip("/")
    opts["path"] = path
    return opts


def parse_argv(prog: str, argv: Sequence[str], short: str, long: Sequence[str],
               extra: Callable[[str, str], bool], opts: ImageOptions | None = None
               ) -> tuple[ImageOptions, list[str]]:
    """Parse a tool's arguments: the shared options plus the tool's own.

    GNU style: options may follow other words, ``--`` ends them.

    :param short: the tool's own short options (getopt syntax).
    :param long: the tool's own long options (getopt syntax).
    :param extra: takes each of the tool's own options (name, value);
        returns False for one it does not know.
    :param opts: the object to fill (a tool whose own options add drives
        passes it, so they keep their place among the ``-a`` ones).
    :returns: the shared options and the words that are not options.
    :raises UsageError: with getopt's message, as stock prints it.
    """
    if opts is None:
        opts = ImageOptions(prog)
    given = list(LONG) + list(long)
    optional = {o.removesuffix("=?").rstrip("=") for o in given
                if o.endswith("=?") or o.rstrip("=") in OPTIONAL_ARG}
    longs = [o.removesuffix("?") for o in given]
    names = {o.rstrip("=") for o in longs}
    fixed: list[str] = []
    for i, a in enumerate(argv):
        if a == "--":
            fixed += argv[i:]
            break
        if a.startswith("--") and a[2:] in optional:
            a += "="
        elif a.startswith("--") and "=" not in a:
            # getopt would take a unique prefix; stock (getopt_long) does too,
            # but refuses it for optional-argument options without "=".
            matches = [n for n in names if n.startswith(a[2:])]
            if len(matches) == 1 and matches[0] in optional:
                a = f"--{matches[0]}="
        fixed.append(a)
    try:
        pairs, rest = getopt.gnu_getopt(fixed, SHORT + short, longs)
    except getopt.GetoptError as e:
        raise UsageError(getopt_message(e, fixed)) from None
    for opt, value in pairs:
        if not opts.handle(opt, value) and not extra(opt, value):
            raise UsageError(f"unrecognized option '{opt}'")
    opts.finish()
    return opts, rest


def getopt_message(e: getopt.GetoptError, argv: Sequence[str]) -> str:
    """getopt's complaint in GNU getopt_long's words."""
    opt = e.opt
    long_form = any(a == f"--{opt}" or a.startswith(f"--{opt}=") for a in argv) or len(opt) > 1
    if "requires argument" in e.msg:
        return f"option '--{opt}' requires an argument" if long_form else \
            f"option requires an argument -- '{opt}'"
    if "must not have an argument" in e.msg:
        return f"option '--{opt}' doesn't allow an argument"
    if "not a unique prefix" in e.msg:
        return f"option '--{opt}' is ambiguous"
    if long_form:
        return f"unrecognized option '--{opt}'"
    return f"invalid option -- '{opt}'"
