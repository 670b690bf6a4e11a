"""The qemu process and command line shared by the qemu-based backends.

:class:`QemuBackend` builds the command line from the appliance, the drives
and the handle's settings, runs qemu with its console on a pipe, and on
shutdown stops it (SIGTERM with a timeout, then SIGKILL) and removes every
file the launch made.  ``direct.py`` registers it; a wrapper script set
with ``set_hv`` is run the same way.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import uuid
from typing import TYPE_CHECKING

from ..appliance_finders._boot import KERNEL_ARGS, TCG_CPU, firmware_args, machine_arg
from ..errors import GuestFSError
from ..settings import default_sockdir
from .base import Backend, ConsoleLog, accept_with_deadline

if TYPE_CHECKING:
    from ..appliance import Appliance
    from ..drives import Drive
    from .context import LaunchContext

CHANNEL_NAME = "org.libguestfs.channel.0"
SHUTDOWN_TIMEOUT = 10.0


def kvm_usable() -> bool:
    """True only where KVM can really run a stock kernel.

    ``/dev/kvm`` alone is not enough: under PVM (``kvm_pvm``, no vmx/svm
    flags) qemu aborts or hangs with a stock kernel, so that counts as no KVM.
    """
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False
    if os.path.exists("/sys/module/kvm_pvm"):
        return False
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return False
    return " vmx" in flags or " svm" in flags


def ext2_uuid(path: str) -> str | None:
    """UUID of an ext2/3/4 image (read from its superblock), for ``root=UUID=``."""
    try:
        with open(path, "rb") as f:
            f.seek(1024)
            sb = f.read(136)
    except OSError:
        return None
    if len(sb) < 136 or sb[56:58] != b"\x53\xef":
        return None
    return str(uuid.UUID(bytes=sb[104:120]))


def choose_accel(ctx: LaunchContext) -> str:
    """``kvm`` or ``tcg`` for the launch: ``force_tcg``/``force_kvm`` backend
    settings win, else detection (shared with the libvirt backend)."""
    if ctx.backend_setting("force_tcg") is not None:
        return "tcg"
    if ctx.backend_setting("force_kvm") is not None:
        return "kvm"
    return "kvm" if kvm_usable() else "tcg"


def kernel_cmdline(ctx: LaunchContext, appliance: Appliance) -> str:
    """Kernel arguments: ours, root, SELinux, verbosity, then the user's
    ``append`` (shared with the libvirt backend).

    ``set_selinux(True)`` asks for ``selinux=1 enforcing=0`` (permissive)
    instead of ``selinux=0``, as libguestfs does.
    """
    args = [a for a in KERNEL_ARGS if a != "selinux=0"]
    root_uuid = ext2_uuid(appliance.root)
    args.append(f"root=UUID={root_uuid}" if root_uuid else "root=/dev/sdb")
    args += ["selinux=1", "enforcing=0"] if ctx.settings["selinux"] else ["selinux=0"]
    args.append("guestfs_verbose=1" if ctx.verbose else "quiet")
    if ctx.settings["network"]:
        args.append("guestfs_network=1")
    args.append(f"TERM={os.environ.get('TERM', 'linux')}")
    if ctx.settings["append"]:
        args.append(ctx.settings["append"])
    return " ".join(args)


#: The user-mode network of ``set_network(True)``: the appliance's /init
#: gives itself 169.254.2.15; the host is reachable as 169.254.2.2.
USER_NET = "169.254.0.0/16"


def network_args(enabled: bool) -> list[str]:
    """qemu arguments for the appliance's network (none when it is off)."""
    if not enabled:
        return []
    return ["-netdev", f"user,id=usernet,net={USER_NET}", "-device", "virtio-net-pci,netdev=usernet"]


def qemu_escape(s: str) -> str:
    """Escape a value for qemu's comma-separated option syntax."""
    return s.replace(",", ",,")


def probe_format(path: str) -> str:
    """Detect the format of an image the caller gave no format for, with
    ``qemu-img info``, refusing an image that names a backing file.

    A file that claims to be raw can be a qcow2 whose backing file is a host
    file (``/etc/shadow``): following it would let the guest side read it
    (the CVE-2010-3851 class).  The caller who knows the image vouches for
    it by passing ``format=`` to ``add_drive``.

    :raises GuestFSError: qemu-img failed, or the probed image has a backing file.
    """
    try:
        cp = subprocess.run(["qemu-img", "info", "--output=json", "-U", path],
                            capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise GuestFSError(f"qemu-img info: {path}: {e}") from None
    if cp.returncode != 0:
        raise GuestFSError(f"qemu-img info: {path}: {cp.stderr.decode(errors='replace').strip()}")
    try:
        info = json.loads(cp.stdout)
        fmt = str(info["format"])
    except (ValueError, KeyError, TypeError):
        raise GuestFSError(f"qemu-img info: {path}: unexpected output") from None
    backing = info.get("full-backing-filename") or info.get("backing-filename")
    if backing:
        raise GuestFSError(
            f"{path}: no format was given and the image is {fmt} with the backing file "
            f"{backing!r}: refusing to follow it (an image must not make the appliance read "
            f"host files). If you trust this image, add it with format='{fmt}'.", "EINVAL")
    return fmt


_PROBES: dict[tuple[str, float], str] = {}


def probe_hv(hv: str) -> str:
    """Check that ``hv`` (qemu, or a wrapper script that execs it) runs and has
    what we need; return its version line.  Cached per binary and mtime.

    :raises GuestFSError: not found, not executable, fails, or lacks devices.
    """
    try:
        st = os.stat(hv)
    except OSError as e:
        raise GuestFSError(f"hv: {hv}: {e.strerror}") from None
    if not os.access(hv, os.X_OK) or not stat.S_ISREG(st.st_mode):
        raise GuestFSError(f"hv: {hv}: not an executable file")
    key = (hv, st.st_mtime)
    if key in _PROBES:
        return _PROBES[key]

    def run(*args: str) -> str:
        try:
            cp = subprocess.run([hv, *args], capture_output=True, timeout=30,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        except subprocess.TimeoutExpired:
            raise GuestFSError(f"hv: {hv} {' '.join(args)} did not finish within 30 s") from None
        except OSError as e:
            raise GuestFSError(f"hv: cannot run {hv}: {e.strerror}") from None
        if cp.returncode != 0:
            raise GuestFSError(f"hv: {hv} {' '.join(args)} failed with status {cp.returncode}: "
                               f"{cp.stderr.decode(errors='replace').strip()[-500:]}")
        return cp.stdout.decode(errors="replace")

    version = run("-version").strip().splitlines()
    if not version or "QEMU" not in version[0]:
        raise GuestFSError(f"hv: {hv} -version does not look like qemu: {version[:1]}")
    devices = run("-device", "help")
    for needed in ("virtio-scsi-pci", "virtio-serial-pci", "virtserialport"):
        if f'"{needed}"' not in devices:
            raise GuestFSError(f"hv: {hv} lacks the device {needed}")
    _PROBES[key] = version[0]
    return version[0]


def make_overlay(drive: Drive, rundir: str, index: int, fmt: str | None = None) -> str:
    """A qcow2 overlay in front of a read-only drive: writes go there, never to
    the image (``fmt``: the image's format, probed when not given)."""
    fmt = fmt or drive.format or probe_format(drive.filename)
    overlay = os.path.join(rundir, f"overlay{index}.qcow2")
    cp = subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", fmt,
                         "-b", drive.filename, overlay], capture_output=True, timeout=60)
    if cp.returncode != 0:
        raise GuestFSError(f"cannot create the overlay for read-only drive {drive.filename}: "
                           f"{cp.stderr.decode(errors='replace').strip()}")
    return overlay


#: The recovery process (libguestfs's ``recovery_proc``): it waits on a pipe
#: only the library holds; "done" dismisses it, end of file (the library
#: died without shutting down) kills qemu's session and removes its files.
RECOVERY_SCRIPT = ('read -r word; [ "$word" = done ] && exit 0; '
                   'kill -9 -"$1" "$1" 2>/dev/null; shift; rm -rf -- "$@"')


class Recovery:
    """Cleans up after a library process that died with its VM running."""

    def __init__(self, qemu_pid: int, paths: list[str]) -> None:
        rfd, self._wfd = os.pipe()
        try:
            # A session of its own: a ^C at the terminal must not take it down.
            self.proc = subprocess.Popen(["/bin/sh", "-c", RECOVERY_SCRIPT, "guestfs-recovery",
                                          str(qemu_pid), *paths], stdin=rfd,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         close_fds=True, start_new_session=True)
        except OSError:
            os.close(self._wfd)
            raise
        finally:
            os.close(rfd)

    def dismiss(self) -> None:
        """The library shut down itself: the watcher exits doing nothing."""
        try:
            os.write(self._wfd, b"done\n")
        except OSError:
            pass
        os.close(self._wfd)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class QemuBackend(Backend):
    """Runs the appliance under qemu (the ``hv`` setting names the binary)."""

    def __init__(self, ctx: LaunchContext) -> None:
        super().__init__(ctx)
        self.proc: subprocess.Popen[bytes] | None = None
        self.lsock: socket.socket | None = None
        #: The channel socket, in a private directory of the sockdir (made
        #: by ``_pre_launch``): a socket's path may not pass 107 bytes, and
        #: the run directory under a long $TMPDIR can.
        self.sockdir: str | None = None
        self.sockpath = ""
        self.overlays: dict[int, str] = {}
        self.recovery: Recovery | None = None
        #: Probed formats of the drives added without one.
        self.formats: dict[int, str] = {}
        self.accel = "tcg"

    # -- settings ---------------------------------------------------------

    def choose_accel(self) -> str:
        """``kvm`` or ``tcg``: ``force_tcg``/``force_kvm`` win, else detection."""
        return choose_accel(self.ctx)

    # -- the steps ----------------------------------------------------------

    def _pre_launch(self, appliance: Appliance | None, drives: list[Drive]) -> None:
        for i, d in enumerate(drives):
            if not d.format:
                # qemu is never left to probe (and follow) a format itself.
                self.formats[i] = probe_format(d.filename)
            if d.readonly:
                self.overlays[i] = make_overlay(d, self.rundir, i, self.formats.get(i))
        self.qemu_version = probe_hv(self.ctx.hv)
        self.sockdir = tempfile.mkdtemp(prefix="guestfs-", dir=default_sockdir(self.ctx.settings["sockdir"]))
        self.sockpath = os.path.join(self.sockdir, "guestfsd.sock")
        self.lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.lsock.bind(self.sockpath)
        except OSError as e:
            raise GuestFSError(f"cannot create the appliance's socket {self.sockpath}: {e.strerror or e} "
                               "(set_sockdir / XDG_RUNTIME_DIR names a shorter directory)") from None
        self.lsock.listen(1)
        self.accel = self.choose_accel()

    def command_line(self, appliance: Appliance, drives: list[Drive]) -> list[str]:
        """The qemu argv for this launch."""
        settings = self.ctx.settings
        kvm = self.accel == "kvm"
        argv = [self.ctx.hv, "-nodefaults", "-display", "none", "-no-reboot",
                "-machine", machine_arg(self.accel), "-cpu", "host" if kvm else TCG_CPU,
                *firmware_args(),
                "-m", str(settings["memsize"]), "-smp", str(settings["smp"]),
                "-rtc", "driftfix=slew",
                "-kernel", appliance.kernel, "-initrd", appliance.initrd,
                "-object", "rng-random,filename=/dev/urandom,id=rng0",
                "-device", "virtio-rng-pci,rng=rng0",
                "-device", "virtio-scsi-pci,id=scsi"]
        for i, d in enumerate(drives):
            path = self.overlays.get(i, d.filename)
            fmt = "qcow2" if i in self.overlays else d.format or self.formats.get(i)
            opts = [f"file={qemu_escape(path)}", f"id=hd{i}", "if=none",
                    f"cache={d.cachemode or 'writeback'}"]
            if fmt:
                opts.append(f"format={fmt}")
            if d.discard in ("enable", "besteffort"):
                opts.append("discard=unmap")
            if d.copyonread:
                opts.append("copy-on-read=on")
            argv += ["-drive", ",".join(opts)]
            dev = "virtio-blk-pci" if d.virtio_blk else "scsi-hd"
            devopts = f"{dev},drive=hd{i}"
            if d.label:
                # The appliance reads labels back from the disk serial.
                devopts += f",serial={d.label}"
            if d.blocksize:
                devopts += f",logical_block_size={d.blocksize},physical_block_size={d.blocksize}"
            if i in self.overlays:
                # A read-only drive may be a running guest's disk: let its
                # qemu keep writing (we only ever write our own overlay).
                devopts += ",share-rw=on"
            argv += ["-device", devopts]
        argv += ["-drive", f"file={qemu_escape(appliance.root)},snapshot=on,id=appliance,"
                 "cache=unsafe,if=none,format=raw",
                 "-device", "scsi-hd,drive=appliance",
                 *network_args(settings["network"]),
                 "-device", "virtio-serial-pci",
                 "-serial", "stdio",
                 "-chardev", f"socket,path={qemu_escape(self.sockpath)},id=channel0",
                 "-device", f"virtserialport,chardev=channel0,name={CHANNEL_NAME}",
                 "-append", self.kernel_cmdline(appliance)]
        for param, value in settings.get("hvparams", ()):
            argv += [param] if value is None else [param, value]
        return argv

    def kernel_cmdline(self, appliance: Appliance) -> str:
        """Kernel arguments: ours, root, verbosity, then the user's ``append``."""
        return kernel_cmdline(self.ctx, appliance)

    def _launch(self, appliance: Appliance | None, drives: list[Drive]) -> None:
        assert appliance is not None
        argv = self.command_line(appliance, drives)
        self.argv = argv
        self.ctx.debug("qemu: " + " ".join(argv))
        # The console (-serial stdio) on one end of a socket pair: read for
        # the log, and both ways once handed to virt-rescue's shell.
        ours, theirs = socket.socketpair()
        try:
            # A session of its own, so shutdown can kill everything a wrapper
            # script started, even one that forgot to exec qemu.
            self.proc = subprocess.Popen(argv, stdin=theirs.fileno(), stdout=theirs.fileno(),
                                         stderr=theirs.fileno(),
                                         close_fds=True, start_new_session=True)
        except OSError as e:
            ours.close()
            raise GuestFSError(f"cannot run {argv[0]}: {e.strerror}") from None
        finally:
            theirs.close()
        self.console = ConsoleLog(self.ctx, ours.detach())
        if self.ctx.settings["recovery_proc"]:
            self.recovery = Recovery(self.proc.pid, self._leftovers())

    def _leftovers(self) -> list[str]:
        """What a dead library process would leave: the run and socket
        directories, and the handle's temporary directory holding the run one."""
        paths = [self.rundir, *([self.sockdir] if self.sockdir else [])]
        parent = os.path.dirname(self.rundir)
        if os.path.basename(parent).startswith("guestfs-"):
            paths.append(parent)
        return paths

    def _post_launch(self) -> socket.socket:
        assert self.lsock is not None
        try:
            conn = accept_with_deadline(self.lsock, self, self.launch_timeout)
        finally:
            self.lsock.close()
            self.lsock = None
        self._check_execed()
        return conn

    def _check_execed(self) -> None:
        """The process we started must now be qemu itself: a wrapper that runs
        qemu as a child would leave it unkillable by pid."""
        assert self.proc is not None
        try:
            exe = os.readlink(f"/proc/{self.proc.pid}/exe")
        except OSError:
            return
        if "qemu" not in os.path.basename(exe):
            raise GuestFSError(f"hv: {self.ctx.hv} did not exec qemu (process "
                               f"{self.proc.pid} is {exe}): a wrapper script must end with "
                               "'exec qemu-system-x86_64 \"$@\"'")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None and self.proc.poll() is None else None

    def _signal_group(self, sig: int) -> None:
        assert self.proc is not None
        try:
            os.killpg(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def exit_status(self) -> str:
        """How qemu ended, in words, for error messages."""
        if self.proc is None or self.proc.returncode is None:
            return "still running"
        rc = self.proc.returncode
        if rc < 0:
            return f"killed by signal {-rc} ({signal.Signals(-rc).name})"
        return f"exited with status {rc}"

    def shutdown(self) -> None:
        if self.lsock is not None:
            self.lsock.close()
            self.lsock = None
        proc = self.proc
        if proc is not None:
            self._signal_group(signal.SIGTERM)
            try:
                proc.wait(SHUTDOWN_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
            # Whatever is left of the session (a wrapper's children) goes too.
            self._signal_group(signal.SIGKILL)
            proc.wait()
        if self.recovery is not None:
            self.recovery.dismiss()
            self.recovery = None
        if self.console is not None:
            self.console.join()
        if self.sockdir is not None:
            shutil.rmtree(self.sockdir, ignore_errors=True)
            self.sockdir = None
        super().shutdown()
