"""The ``libvirt`` backend: the appliance runs as a transient libvirt domain.

``libvirt`` uses libvirt's default URI, ``libvirt:URI`` (e.g.
``libvirt:qemu:///system``) a given one.  It boots the same kernel, initrd
and kernel command line as the ``direct`` backend, with the helpers of
``qemu.py`` (command line, accelerator choice, overlays); the domain XML
comes from the element classes in ``_domain_xml.py``.  The domain is
created with ``createXML`` and ``AUTODESTROY``, so libvirt destroys it if
this process dies; a recovery process (:class:`LibvirtRecovery`, unless
``set_recovery_proc(False)``) then also removes the launch's files.
``guestfs/library/domains.py`` uses :func:`import_libvirt` and
:func:`open_connection` for ``add_domain``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import stat
import tempfile
import time
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

from ..drives import Drive
from ..errors import GuestFSError
from ..hookspecs import hookimpl
from ..protocol.devnames import index_to_letters
from ..settings import default_sockdir
from ._domain_xml import (
    DomainChannel,
    DomainController,
    DomainDisk,
    DomainInterface,
    DomainOS,
    DomainRNG,
    DomainSeclabel,
    DomainSerial,
    DomainXML,
)
from .base import Backend, ConsoleLog, accept_with_deadline
from .qemu import CHANNEL_NAME, Recovery, choose_accel, kernel_cmdline, make_overlay, probe_format

if TYPE_CHECKING:
    from ..appliance import Appliance
    from ._libvirt_auth import LibvirtAuth
    from .base import BackendRegistry
    from .context import LaunchContext

#: Seconds for qemu to connect to the console socket once libvirt started it.
CONSOLE_TIMEOUT = 30.0
#: Seconds to wait for a domain's qemu to go once it was killed.
KILL_WAIT = 10.0


def import_libvirt() -> Any:
    """The ``libvirt`` module, imported only when needed (it is optional).

    :raises GuestFSError: libvirt-python is not installed.
    """
    try:
        import libvirt
    except ImportError:
        raise GuestFSError("the libvirt Python binding is not installed: install it with "
                           "'pip install libvirt-python' (or 'apt-get install python3-libvirt')",
                           "ENOTSUP") from None
    return libvirt


def libvirt_message(e: BaseException) -> str:
    """libvirt's own message for a ``libvirtError`` (what the user needs to read)."""
    get = getattr(e, "get_error_message", None)
    msg = get() if get is not None else None
    return str(msg or e)


def _codes(e: BaseException) -> tuple[int, int, int]:
    """A ``libvirtError``'s error code, error domain and int1 (0 when unset)."""
    def get(name: str) -> int:
        value = getattr(e, name, lambda: None)()
        return value if isinstance(value, int) else 0
    return get("get_error_code"), get("get_error_domain"), get("get_int1")


def libvirt_error(what: str, e: BaseException) -> str:
    """``what`` failed, in stock's words: libvirt's message, then its error
    code and int1 in brackets (``…: No such file or directory [code=38 int1=2]``)."""
    code, _, int1 = _codes(e)
    return f"{what}: {libvirt_message(e)} [code={code} int1={int1}]"


def open_connection(uri: str | None, auth: LibvirtAuth | None = None,
                    for_domain: bool = False) -> Any:
    """Connect to libvirt at ``uri`` (None: libvirt's default URI).

    With the handle's ``auth`` state the connection is opened with
    ``libvirt.openAuth``: credentials the user declared are answered through
    the ``libvirt_auth`` event; with none declared, on the terminal as
    stock's default (see ``_libvirt_auth.terminal_callback``).

    :raises GuestFSError: with libvirt's message, e.g. for an unreachable host,
        worded as stock words it for a launch or (``for_domain``) for ``add_domain``.
    """
    libvirt = import_libvirt()
    auth_args = auth.open_args(uri) if auth is not None else None
    try:
        if auth_args is not None:
            return libvirt.openAuth(uri, auth_args, 0)
        return libvirt.open(uri)
    except libvirt.libvirtError as e:
        from ._libvirt_auth import take_interrupt
        if take_interrupt():  # ^C at the terminal prompts
            raise KeyboardInterrupt from None
        if for_domain:
            code, domain, _ = _codes(e)
            raise GuestFSError(f"could not connect to libvirt (code {code}, domain {domain}): "
                               f"{libvirt_message(e)}") from None
        raise GuestFSError(libvirt_error(f"could not connect to libvirt (URI = {uri or 'default'})",
                                         e)) from None


def security_models(conn: Any) -> list[str]:
    """The security driver models the libvirt host has (``dac``, ``selinux`` …)."""
    try:
        caps = ET.fromstring(conn.getCapabilities())
    except Exception:  # capabilities are only a refinement: fall back to DAC alone
        return ["dac"]
    return [m.text for m in caps.findall("./host/secmodel/model") if m.text]


#: The libvirt recovery process: it waits on a pipe only the library holds;
#: "done" dismisses it, end of file (the library died without shutting down)
#: destroys the domain through ``virsh`` (libvirt's AUTODESTROY may have
#: already), kills the domain's qemu if it still runs (known by its pid file
#: and checked by the domain name on its command line: a pid can be reused),
#: waits for it and for libvirt to be done with the domain (its pid file
#: gone), and removes the launch's files.
#: Arguments: URI, domain name, pid file, then the paths to remove.
LIBVIRT_RECOVERY_SCRIPT = r"""read -r word; [ "$word" = done ] && exit 0
uri=$1 name=$2 pidfile=$3; shift 3
pid=$(cat -- "$pidfile" 2>/dev/null)
timeout 30 virsh -q -c "$uri" destroy "$name" </dev/null >/dev/null 2>&1
case $pid in ''|*[!0-9]*) pid= ;; esac
if [ -n "$pid" ] && tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "guest=$name,"; then
  kill -9 "$pid" 2>/dev/null
  i=0
  while [ -e "/proc/$pid" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
fi
# libvirt is done with the domain (and its log) once its pid file is gone.
i=0
while [ -n "$pidfile" ] && [ -e "$pidfile" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
rm -rf -- "$@"
"""


class LibvirtRecovery(Recovery):
    """The direct backend's :class:`~guestfs.backends.qemu.Recovery` for a
    libvirt domain: a library process killed with its domain running leaves
    no domain, no qemu and no file.  Dismissed the same way (:meth:`dismiss`)."""

    script = LIBVIRT_RECOVERY_SCRIPT

    def __init__(self, uri: str, name: str, pidfile: str, paths: list[str]) -> None:
        self._start([uri, name, pidfile, *paths])


class LibvirtBackend(Backend):
    """Runs the appliance as a transient libvirt domain (``libvirt[:URI]``).

    Whatever ends a launch (a failure at any step, shutdown, close, the
    handle collected, the connection to libvirt lost), :meth:`shutdown`
    destroys the domain (over a new connection if the first one broke, or
    by killing its qemu as a last resort) and removes the socket and run
    directories; a killed library process is the recovery process's job.
    """

    name = "libvirt"

    def __init__(self, ctx: LaunchContext) -> None:
        super().__init__(ctx)
        self.uri: str | None = self.arg
        self.conn: Any = None
        self.dom: Any = None
        self.dom_id = -1
        self.domname = f"guestfs-{secrets.token_hex(8)}"
        #: The channel and console sockets, in a private directory of the
        #: sockdir (as the direct backend and stock do): the tmpdir can be too
        #: long a path for a unix socket.  Made by _pre_launch.
        self.sockdir: str | None = None
        self.sockpath = ""
        self.console_path = ""
        self.lsock: socket.socket | None = None
        self.console_lsock: socket.socket | None = None
        self.overlays: dict[int, str] = {}
        self.formats: dict[int, str] = {}
        self.appliance_overlay = ""
        self.accel = "tcg"
        self.seclabels: list[DomainSeclabel] = []
        self.xml = ""
        self.recovery: LibvirtRecovery | None = None
        #: The domain's qemu (local URIs), read once the domain runs: the
        #: last resort of shutdown when libvirt cannot destroy the domain.
        self.qemu_pid: int | None = None
        #: Set once createXML was called: a domain may exist even if the call
        #: never returned it (interrupted), so shutdown looks for it by name.
        self._created = False
        #: The libvirt module, kept so shutdown never imports (it can run
        #: while the interpreter exits).
        self._libvirt: Any = None
        self._dirs: tuple[str, str] | None = None

    # -- the steps ----------------------------------------------------------

    def _pre_launch(self, appliance: Appliance | None, drives: list[Drive]) -> None:
        assert appliance is not None
        self._libvirt = import_libvirt()
        # Connect first: a bad URI fails before any file is made.
        self.conn = open_connection(self.uri, self.ctx.libvirt_auth)
        # Known now, while the connection works: shutdown needs them even
        # after it dropped (the pid file, the per-domain log).
        self._dirs = self._libvirt_dirs()
        self.sockdir = tempfile.mkdtemp(prefix="guestfs-", dir=default_sockdir(self.ctx.settings["sockdir"]))
        if self.ctx.settings["recovery_proc"]:
            self.recovery = self._start_recovery()
        for i, d in enumerate(drives):
            if not d.format:
                # libvirt never probes formats (a guest could fake one); we
                # do, refusing images that name a backing file.
                self.formats[i] = probe_format(d.filename)
            if d.readonly:
                self.overlays[i] = make_overlay(d, self.rundir, i, self.formats.get(i))
        # Domain XML has no snapshot=on: writes to the root go to an overlay.
        self.appliance_overlay = make_overlay(Drive(appliance.root, readonly=True, format="raw"),
                                              self.rundir, len(drives))
        self.sockpath = os.path.join(self.sockdir, "guestfsd.sock")
        self.console_path = os.path.join(self.sockdir, "console.sock")
        self.lsock = self._listen(self.sockpath)
        self.console_lsock = self._listen(self.console_path)
        self.accel = choose_accel(self.ctx)
        self.seclabels = self.choose_seclabels()
        if os.geteuid() != 0:
            self._open_rundir()

    def _start_recovery(self) -> LibvirtRecovery:
        """The watcher that cleans up if this process dies with the domain up."""
        assert self.sockdir is not None
        try:
            uri = str(self.conn.getURI())
        except Exception:  # the URI we were given (empty: virsh's default) will do
            uri = self.uri or ""
        dirs = self._libvirt_dirs()
        pidfile = os.path.join(dirs[0], f"{self.domname}.pid") if dirs else ""
        paths = [self.rundir, self.sockdir]
        parent = os.path.dirname(self.rundir)
        if os.path.basename(parent).startswith("guestfs-"):
            paths.append(parent)  # the handle's temporary directory, as the direct backend
        if dirs is not None and not self.ctx.verbose:
            paths.append(os.path.join(dirs[1], f"{self.domname}.log"))
        return LibvirtRecovery(uri, self.domname, pidfile, paths)

    @staticmethod
    def _listen(path: str) -> socket.socket:
        """A listening unix socket at ``path`` (qemu connects to it)."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.bind(path)
            s.listen(1)
        except OSError as e:
            s.close()
            raise GuestFSError(f"cannot create the appliance's socket {path}: {e.strerror or e} "
                               "(XDG_RUNTIME_DIR names a shorter directory)") from None
        return s

    def choose_seclabels(self) -> list[DomainSeclabel]:
        """As root, run qemu as root with no relabelling (libvirt would chown
        the user's images and our sockets); other security drivers off."""
        labels = []
        for model in security_models(self.conn):
            if model == "dac":
                if os.geteuid() == 0:
                    labels.append(DomainSeclabel(type="static", model="dac", relabel=False,
                                                 label="+0:+0", imagelabel="+0:+0"))
            elif model != "none":
                labels.append(DomainSeclabel(type="none", model=model))
        return labels

    def _open_rundir(self) -> None:
        """Not root: qemu may run as another user (qemu:///system), so let it
        reach the run directory; libvirt chowns the files themselves."""
        for d in (os.path.dirname(self.rundir), self.rundir, self.sockdir):
            if d is not None:
                os.chmod(d, os.stat(d).st_mode | 0o711)
        for p in (self.sockpath, self.console_path):
            os.chmod(p, 0o777)

    def domain_xml(self, appliance: Appliance, drives: list[Drive]) -> DomainXML:
        """The appliance domain for this launch (defaults filled in)."""
        settings = self.ctx.settings
        dom = DomainXML(type="kvm" if self.accel == "kvm" else "qemu", name=self.domname,
                        memory=int(settings["memsize"]), vcpu=int(settings["smp"]),
                        os=DomainOS(kernel=appliance.kernel, initrd=appliance.initrd,
                                    cmdline=kernel_cmdline(self.ctx, appliance)))
        if settings["hv"]:
            dom.emulator = settings["hv"]
        dom.controllers.append(DomainController(type="scsi", index=0, model="virtio-scsi"))
        for i, d in enumerate(drives):
            disk = self.drive_disk(i, d)
            dom.disks.append(disk)
            if disk.alias_name:
                dom.share_rw_aliases.append(disk.alias_name)
        n = len(drives)
        dom.disks.append(DomainDisk(type="file", device="disk", driver_type="qcow2",
                                    driver_cache="unsafe", source_file=self.appliance_overlay,
                                    target_dev=f"sd{index_to_letters(n)}", target_bus="scsi",
                                    address_type="drive", address_controller=0, address_bus=0,
                                    address_target=n, address_unit=0))
        dom.serials.append(DomainSerial(source_path=self.console_path))
        dom.channels.append(DomainChannel(source_path=self.sockpath, target_name=CHANNEL_NAME))
        dom.rngs.append(DomainRNG())
        if settings["network"]:
            dom.interfaces.append(DomainInterface())
        for param, value in settings.get("hvparams", ()):
            dom.qemu_args += [param] if value is None else [param, value]
        dom.seclabels = self.seclabels
        dom.set_defaults()
        return dom

    def drive_disk(self, i: int, d: Drive) -> DomainDisk:
        """The ``<disk>`` for drive ``i`` (read-only drives use their overlay)."""
        image_format = d.format or self.formats.get(i, "raw")
        if i in self.overlays:
            disk = DomainDisk(type="file", device="disk", driver_type="qcow2",
                              driver_cache=d.cachemode or "writeback", source_file=self.overlays[i])
            # The image behind the overlay may be a running guest's disk,
            # which its qemu goes on writing: share it (see DomainXML.to_element).
            disk.alias_name = f"ua-ro{i}"
            if _is_block(d.filename):
                disk.backing_type, disk.backing_dev = "block", d.filename
            else:
                disk.backing_type, disk.backing_file = "file", d.filename
            disk.backing_format = image_format
        else:
            disk = DomainDisk(device="disk", driver_type=image_format,
                              driver_cache=d.cachemode or "writeback")
            if _is_block(d.filename):
                disk.type, disk.source_dev = "block", d.filename
            else:
                disk.type, disk.source_file = "file", d.filename
        if d.discard in ("enable", "besteffort"):
            disk.driver_discard = "unmap"
        if d.copyonread:
            disk.driver_copy_on_read = True
        if d.blocksize:
            disk.blockio_logical = disk.blockio_physical = d.blocksize
        letters = index_to_letters(i)
        if d.virtio_blk:
            disk.target_dev, disk.target_bus = f"vd{letters}", "virtio"
        else:
            disk.target_dev, disk.target_bus = f"sd{letters}", "scsi"
            disk.address_type = "drive"
            disk.address_controller = disk.address_bus = disk.address_unit = 0
            disk.address_target = i
        return disk

    def _launch(self, appliance: Appliance | None, drives: list[Drive]) -> None:
        assert appliance is not None and self.console_lsock is not None
        libvirt = self._libvirt
        self.xml = self.domain_xml(appliance, drives).to_xml()
        self.ctx.debug(f"libvirt domain XML:\n{self.xml}")
        self._created = True
        try:
            self.dom = self.conn.createXML(self.xml, libvirt.VIR_DOMAIN_START_AUTODESTROY)
            self.dom_id = self.dom.ID()
        except libvirt.libvirtError as e:
            raise GuestFSError(libvirt_error(
                "could not create the appliance through libvirt (URI = "
                f"{self.uri or 'default'}; LIBGUESTFS_BACKEND=direct runs qemu without libvirt)",
                e)) from None
        self.qemu_pid = self._pidfile_pid()
        try:
            conn = accept_with_deadline(self.console_lsock, self, CONSOLE_TIMEOUT)
        finally:
            self.console_lsock.close()
            self.console_lsock = None
        self.console = ConsoleLog(self.ctx, conn.detach())

    def _post_launch(self) -> socket.socket:
        assert self.lsock is not None
        try:
            return accept_with_deadline(self.lsock, self, self.launch_timeout)
        finally:
            self.lsock.close()
            self.lsock = None

    # -- the running domain -------------------------------------------------

    def alive(self) -> bool:
        """Whether the domain still runs.  Asked by its id among the running
        ones: a question about a vanished transient domain would make libvirt
        print an error on stderr each time."""
        if self.dom is None or self.conn is None:
            return False
        try:
            return self.dom_id in self.conn.listDomainsID()
        except Exception:  # the connection itself is broken: treat the VM as gone
            return False

    def _libvirt_dirs(self) -> tuple[str, str] | None:
        """libvirt's (run, log) directories for qemu domains, if the URI is local."""
        if self._dirs is not None:
            return self._dirs
        try:
            uri = self.conn.getURI() if self.conn is not None else None
        except Exception:
            return None
        if uri == "qemu:///system":
            return "/run/libvirt/qemu", "/var/log/libvirt/qemu"
        if uri == "qemu:///session":
            run = os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
            cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
            return f"{run}/libvirt/qemu/run", f"{cache}/libvirt/qemu/log"
        return None

    def _pidfile_pid(self) -> int | None:
        """The pid in libvirt's pid file for our domain (local qemu URIs only)."""
        dirs = self._libvirt_dirs()
        if dirs is None:
            return None
        try:
            with open(os.path.join(dirs[0], f"{self.domname}.pid")) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            return None
        return pid if self._is_our_qemu(pid) else None

    def _is_our_qemu(self, pid: int) -> bool:
        """Whether ``pid`` is a live qemu of our domain (libvirt names the
        domain on its command line: ``-name guest=NAME,…``)."""
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read()
            with open(f"/proc/{pid}/stat") as f:
                zombie = f.read().rsplit(")", 1)[1].split()[0] == "Z"
        except (OSError, IndexError):
            return False
        return not zombie and f"guest={self.domname},".encode() in cmdline

    def pid(self) -> int | None:
        """qemu's pid, from libvirt's pid file (local qemu URIs only)."""
        if not self.alive():
            return None
        return self._pidfile_pid()

    def exit_status(self) -> str:
        """No exit code reaches us through libvirt; its errors say what happened."""
        return ""

    def shutdown(self) -> None:
        """Destroy the domain and remove everything the launch made; each step
        runs even when one before it fails (the directories always go)."""
        try:
            for lsock in (self.lsock, self.console_lsock):
                if lsock is not None:
                    lsock.close()
            self.lsock = self.console_lsock = None
            dirs = self._libvirt_dirs()
            try:
                self._stop_domain()
            finally:
                self._close_connection()
                if self.recovery is not None:
                    self.recovery.dismiss()
                    self.recovery = None
                if dirs is not None and not self.ctx.verbose:
                    # libvirt keeps a log per domain name; ours are unique and throw-away.
                    try:
                        os.unlink(os.path.join(dirs[1], f"{self.domname}.log"))
                    except OSError:
                        pass
                if self.console is not None:
                    self.console.join()
        finally:
            if self.sockdir is not None:
                shutil.rmtree(self.sockdir, ignore_errors=True)
                self.sockdir = None
            super().shutdown()

    def _stop_domain(self) -> None:
        """Destroy our domain if it runs: through our connection, or a new one
        if that broke (libvirtd restarted, a remote link dropped); then, if
        its qemu still runs, kill it (libvirt reaps it and forgets the
        transient domain)."""
        created, self._created = self._created, False
        self.dom = None
        if not created:
            return
        pid = self.qemu_pid or self._pidfile_pid()
        self.qemu_pid = None
        try:
            if self._connection_ok():
                self._destroy_by_name(self.conn)
            else:
                try:
                    conn = open_connection(self.uri, self.ctx.libvirt_auth)
                except GuestFSError as e:
                    self.ctx.debug(f"libvirt: cannot reconnect to destroy {self.domname}: {e}")
                else:
                    try:
                        self._destroy_by_name(conn)
                    finally:
                        _close_quietly(conn)
        finally:
            if pid is not None:
                self._kill_qemu(pid)

    def _connection_ok(self) -> bool:
        try:
            return self.conn is not None and self.conn.isAlive() == 1
        except Exception:  # a broken connection can raise rather than answer 0
            return False

    def _destroy_by_name(self, conn: Any) -> None:
        """Destroy our domain on ``conn`` if it is among the running ones
        (looked up by listing: a lookup of a vanished transient domain makes
        libvirt print an error on stderr)."""
        libvirt = self._libvirt
        try:
            doms = [d for d in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE)
                    if d.name() == self.domname]
        except libvirt.libvirtError as e:
            self.ctx.debug(f"libvirt: cannot list the domains to destroy {self.domname}: "
                           f"{libvirt_message(e)}")
            return
        for dom in doms:
            self._destroy(dom)

    def _destroy(self, dom: Any) -> None:
        """Stop a domain: SIGTERM first (libvirt waits for it), then force."""
        libvirt = self._libvirt
        try:
            dom.destroyFlags(libvirt.VIR_DOMAIN_DESTROY_GRACEFUL)
            return
        except libvirt.libvirtError:
            pass
        try:
            dom.destroy()
        except libvirt.libvirtError:
            pass  # already gone (it powered off, or AUTODESTROY got there first)

    def _kill_qemu(self, pid: int) -> None:
        """The last resort: SIGKILL our domain's qemu if it still runs, and
        wait (bounded) for it to go."""
        if not self._is_our_qemu(pid):
            return
        self.ctx.debug(f"libvirt: {self.domname} outlived destroy: killing qemu {pid}")
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            return
        deadline = time.monotonic() + KILL_WAIT
        while self._is_our_qemu(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        # libvirt logs the end of the domain, then removes its pid file: wait
        # for that, or the log shutdown removes would come back.
        dirs = self._libvirt_dirs()
        pidfile = os.path.join(dirs[0], f"{self.domname}.pid") if dirs else ""
        while pidfile and os.path.exists(pidfile) and time.monotonic() < deadline:
            time.sleep(0.05)

    def _close_connection(self) -> None:
        if self.conn is not None:
            _close_quietly(self.conn)
            self.conn = None


@hookimpl
def guestfs_register_backends(registry: BackendRegistry) -> None:
    """Register ``libvirt`` (``libvirt:URI`` picks the connection)."""
    registry.add("libvirt", LibvirtBackend)


def _is_block(path: str) -> bool:
    """Whether ``path`` is a block device (libvirt wants ``type='block'`` for those)."""
    try:
        return stat.S_ISBLK(os.stat(path).st_mode)
    except OSError:
        return False


def _close_quietly(conn: Any) -> None:
    """Close a libvirt connection, broken or not."""
    try:
        conn.close()
    except Exception:  # already broken: nothing more to release
        pass
