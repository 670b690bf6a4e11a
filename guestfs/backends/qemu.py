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
import select
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
import uuid
from typing import TYPE_CHECKING

from ..appliance_finders._boot import KERNEL_ARGS, TCG_CPU, firmware_args, machine_arg
from ..errors import GuestFSError
from ..settings import default_sockdir
from . import saved
from .base import Backend, ConsoleLog, accept_with_deadline
from .qmp import QMP

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

    #: The watcher's shell script (a subclass cleans up another way).
    script = RECOVERY_SCRIPT

    def __init__(self, qemu_pid: int, paths: list[str]) -> None:
        self._start([str(qemu_pid), *paths])

    def _start(self, args: list[str]) -> None:
        """Start the watcher on ``script`` with ``args``, reading our pipe."""
        rfd, self._wfd = os.pipe()
        try:
            # A session of its own: a ^C at the terminal must not take it down.
            self.proc = subprocess.Popen(["/bin/sh", "-c", self.script, "guestfs-recovery",
                                          *args], stdin=rfd,
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


def device_string(props: dict[str, str | int | bool]) -> str:
    """A ``-device`` value from QMP-style properties (``driver`` first)."""
    rest = [f"{k}={'on' if v is True else 'off' if v is False else v}"
            for k, v in props.items() if k != "driver"]
    return ",".join([str(props["driver"]), *rest])


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
        self._deadline = time.monotonic() + self.launch_timeout
        #: How this launch started the VM: ``cold``, ``restored`` or ``saved``
        #: (booted, saved, then restored).
        self.launch_kind = "cold"

    # -- settings ---------------------------------------------------------

    def choose_accel(self) -> str:
        """``kvm`` or ``tcg``: ``force_tcg``/``force_kvm`` win, else detection."""
        return choose_accel(self.ctx)

    # -- the steps ----------------------------------------------------------

    def launch(self, appliance: Appliance | None, drives: list[Drive]) -> socket.socket:
        """Restore a saved appliance where one fits (``saved.py``), else boot."""
        self._deadline = time.monotonic() + self.launch_timeout
        self._pre_launch(appliance, drives)
        if appliance is not None:
            conn = self._launch_saved(appliance, drives)
            if conn is not None:
                return conn
        self._launch(appliance, drives)
        return self._post_launch()

    # -- saved appliances (saved.py) ---------------------------------------

    def _saved_reason(self, drives: list[Drive]) -> str | None:
        """Why this launch boots cold (None: it may use a saved appliance)."""
        if not saved.enabled(self.ctx):
            return "off"
        for name in ("command_line", "machine_args", "tail_args", "kernel_cmdline", "_launch",
                     "_post_launch", "drive_options"):
            if getattr(type(self), name) is not getattr(QemuBackend, name):
                return f"the {self.name or type(self).__name__} backend changes {name}"
        return saved.ineligible(self.ctx, drives)

    def _saved_argv(self, appliance: Appliance, root: str, sockpath: str, qmp_fd: str) -> list[str]:
        """The argv of a saved machine (no drive of the caller's, a monitor)."""
        # init_on_free: pages freed after boot (the initrd, the boot's caches)
        # are zero, which the migration stream does not store.
        cmdline = f"{self.kernel_cmdline(appliance)} init_on_free=1 {saved.CMDLINE_FLAG}"
        # The root on virtio-blk (/dev/vda): the caller's SCSI disks,
        # plugged later, are then sda, sdb … in the guest as after a cold
        # boot (where the root is the last SCSI disk), so tools' messages
        # name them as the caller does.
        return [*self.machine_args(appliance),
                *self.tail_args(root, sockpath, cmdline, root_device="virtio-blk-pci"),
                "-chardev", f"socket,id=qmp,fd={qmp_fd}", "-mon", "chardev=qmp,mode=control"]

    def _launch_saved(self, appliance: Appliance, drives: list[Drive]) -> socket.socket | None:
        """Launch from the saved appliance, saving it first if there is none;
        None (after cleaning up) when this launch must boot cold."""
        reason = self._saved_reason(drives)
        if reason is not None:
            if reason != "off":
                self.ctx.debug(f"saved appliance: not used: {reason}")
            return None
        try:
            cache = saved.Cache()
            template = self._saved_argv(appliance, "@ROOT@", "@SOCKET@", "@QMP@")
            key = saved.cache_key(template, os.path.realpath(self.ctx.hv), self.qemu_version, appliance)
            entry = cache.lookup(key)
        except Exception as e:  # any failure of this path ends in a cold boot
            saved.STATS["corrupt" if getattr(e, "corrupt", False) else "failed"] += 1
            self.ctx.debug(f"saved appliance: {e}: cold boot")
            return None
        if entry is None:
            saved.STATS["miss"] += 1
            lock = cache.lock()
            if lock is None:
                self.ctx.debug("saved appliance: another launch is saving one: cold boot")
                return None
            try:
                entry = cache.lookup(key)  # saved meanwhile by another launch?
                if entry is None:
                    self.ctx.debug(f"saved appliance: none for {key}: booting one to save")
                    self._save_appliance(cache, key, appliance)
                    saved.STATS["saved"] += 1
                    entry = cache.lookup(key)
            except Exception as e:  # any failure of this path ends in a cold boot
                saved.STATS["failed"] += 1
                self.ctx.debug(f"saved appliance: saving failed: {e}: cold boot")
                self._reset_after_saved()
                return None
            finally:
                cache.unlock(lock)
            if entry is None:
                return None
            self.launch_kind = "saved"
        try:
            conn = self._restore(entry, appliance, drives)
        except Exception as e:  # any failure of this path ends in a cold boot
            corrupt = getattr(e, "corrupt", False)
            saved.STATS["corrupt" if corrupt else "failed"] += 1
            if not getattr(e, "entry_ok", False):
                # A state qemu cannot load, or that does not wake up, is as
                # bad as a corrupt one: the next launch saves a new one.
                cache.remove(key)
            self.ctx.debug(f"saved appliance: restore failed: {e}: cold boot")
            self._reset_after_saved()
            self.launch_kind = "cold"
            return None
        finally:
            entry.close()
        if self.launch_kind == "cold":
            self.launch_kind = "restored"
        saved.STATS["restored"] += 1
        self.ctx.debug(f"saved appliance: restored {key}")
        return conn

    def _reset_after_saved(self) -> None:
        """Undo a failed saved-appliance attempt so that a cold boot starts
        clean: no qemu, a fresh listening socket, fresh overlays."""
        self._stop_vm(graceful=False)
        self.proc = None
        if self.console is not None:
            self.console.close()
            self.console = None
        if self.lsock is not None:
            self.lsock.close()
        try:
            os.unlink(self.sockpath)
        except OSError:
            pass
        self.lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.lsock.bind(self.sockpath)
        self.lsock.listen(1)
        for i in list(self.overlays):
            os.unlink(self.overlays[i])
            self.overlays[i] = make_overlay(self.ctx.drives[i], self.rundir, i, self.formats.get(i))

    def _wait_readable(self, sock: socket.socket, what: str) -> None:
        """Wait for ``sock`` to have data, while qemu lives and time is left.

        :raises saved.SavedError: qemu exited or the launch's time ran out.
        """
        while not select.select([sock], [], [], 0.05)[0]:
            if not self.alive():
                raise saved.SavedError(f"qemu {self.exit_status()} while waiting for {what}")
            if time.monotonic() > self._deadline:
                raise saved.SavedError(f"timed out waiting for {what}")

    def _recv_exact(self, sock: socket.socket, n: int, what: str) -> bytes:
        buf = b""
        while len(buf) < n:
            self._wait_readable(sock, what)
            data = sock.recv(n - len(buf))
            if not data:
                raise saved.SavedError(f"the channel closed while waiting for {what}")
            buf += data
        return buf

    def _accept(self, lsock: socket.socket, what: str) -> socket.socket:
        self._wait_readable(lsock, what)
        conn, _ = lsock.accept()
        conn.setblocking(True)
        return conn

    def _save_appliance(self, cache: saved.Cache, key: str, appliance: Appliance) -> None:
        """Boot the appliance with no caller's drive, wait for the daemon's
        READY and save the VM (state and root overlay) into ``cache``.

        :raises saved.SavedError: the boot or the save failed (files removed).
        """
        assert self.sockdir is not None
        gen, state, root = cache.new_files(key)
        sockpath = os.path.join(self.sockdir, "save.sock")
        lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        qmp_ours, qmp_theirs = socket.socketpair()
        done = False
        try:
            cp = subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b",
                                 appliance.root, root], capture_output=True, timeout=60)
            if cp.returncode != 0:
                raise saved.SavedError(f"qemu-img create: {cp.stderr.decode(errors='replace').strip()}")
            os.chmod(root, 0o600)
            os.close(os.open(state, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600))
            lsock.bind(sockpath)
            lsock.listen(1)
            argv = self._saved_argv(appliance, f"file={qemu_escape(root)},format=qcow2", sockpath,
                                    str(qmp_theirs.fileno()))
            self.ctx.debug("qemu (to save): " + " ".join(argv))
            # The whole console is kept: restores replay it (verbose callers
            # see the boot that made their machine).
            self._spawn(argv, pass_fds=(qmp_theirs.fileno(),), console_lines=saved.CONSOLE_LINES)
            qmp_theirs.close()
            conn = self._accept(lsock, "the appliance to connect")
            try:
                ready = self._recv_exact(conn, 4, "the daemon's READY")
                if ready == saved.READY[:4]:
                    ready += self._recv_exact(conn, len(saved.READY) - 4, "the daemon's READY")
                console = list(self.console.tail) if self.console is not None else []
                if ready != saved.READY:
                    # A daemon without resume.py (an older or a stock
                    # appliance) announces itself as after a cold boot.
                    cache.mark_unsupported(key, f"its daemon answered {ready!r}, not READY")
                    raise saved.SavedError("this appliance cannot be saved (its daemon does not "
                                           "support it)")
                qmp = QMP(qmp_ours, self._deadline)
                qmp.command("stop")
                qmp.command("migrate-set-parameters", **{"max-bandwidth": 1 << 40})
                qmp.command("migrate", uri=f"exec:cat > {shlex.quote(state)}")
                while True:
                    status = str(qmp.command("query-migrate").get("status", ""))
                    if status == "completed":
                        break
                    if status in ("failed", "cancelled"):
                        raise saved.SavedError(f"saving the VM: migration {status}")
                    if time.monotonic() > self._deadline:
                        raise saved.SavedError("saving the VM: timed out")
                    time.sleep(0.01)
                qmp.command("quit")
            finally:
                conn.close()
            assert self.proc is not None
            try:
                self.proc.wait(max(1.0, self._time_left()))
            except subprocess.TimeoutExpired:
                raise saved.SavedError("qemu did not quit after saving") from None
            self._stop_vm(graceful=False)
            cache.commit(key, gen, state, root, console)
            done = True
        except OSError as e:
            raise saved.SavedError(f"saving the VM: {e.strerror or e}") from None
        finally:
            lsock.close()
            qmp_ours.close()
            qmp_theirs.close()
            for path in (sockpath, *(() if done else (state, root))):
                try:
                    os.unlink(path)
                except OSError:
                    pass
            if self.proc is not None:
                self._stop_vm(graceful=False)
                self.proc = None
                if self.console is not None:
                    self.console.close()
                    self.console = None

    def _restore(self, entry: saved.Entry, appliance: Appliance, drives: list[Drive]) -> socket.socket:
        """Start qemu on the saved state, hot-plug ``drives``, resume the VM
        and make it a fresh machine; the connected channel.

        :raises saved.SavedError: anything failed (the caller cleans up).
        """
        assert self.lsock is not None
        qmp_ours, qmp_theirs = socket.socketpair()
        try:
            root = f"file=/dev/fd/{entry.root_fd},snapshot=on,format=qcow2"
            argv = [*self._saved_argv(appliance, root, self.sockpath, str(qmp_theirs.fileno())),
                    "-S", "-incoming", f"fd:{entry.state_fd}"]
            self.argv = argv
            self.ctx.debug("qemu (restore): " + " ".join(argv))
            self._spawn(argv, pass_fds=(qmp_theirs.fileno(), entry.state_fd, entry.root_fd))
            qmp_theirs.close()
            if self.launch_kind != "saved" and self.console is not None:
                # What a cold boot would have shown: the saved boot's console
                # (this launch's own save boot has just shown it).
                for line in entry.console:
                    self.console._deliver(line.encode())
            t0 = time.monotonic()
            hasher = saved.StateHasher(entry)
            qmp = QMP(qmp_ours, self._deadline)
            t1 = time.monotonic()
            qmp.wait_status(("paused", "prelaunch", "postmigrate"))
            t2 = time.monotonic()
            for i, d in enumerate(drives):
                drive, props = self.drive_options(i, d)
                try:
                    out = qmp.hmp(f"drive_add 0 {drive}").strip()
                    if out != "OK":
                        raise saved.SavedError(out)
                    qmp.command("device_add", id=f"disk{i}", **props)
                except saved.SavedError as e:
                    # The cold boot reports it in qemu's words if it is real.
                    raise saved.SavedError(f"hot-plug of {d.filename}: {e}", entry_ok=True) from None
            t3 = time.monotonic()
            hasher.check(self._deadline)
            qmp.command("cont")
            conn = self._accept(self.lsock, "the restored appliance's channel")
            try:
                conn.sendall(saved.encode_message(saved.RESUME, {
                    "seed": os.urandom(64).hex(), "time_ns": time.time_ns(), "disks": len(drives)}))
                head = self._recv_exact(conn, 8, "the daemon's resume answer")
                if head[:4] != saved.ACK:
                    raise saved.SavedError(f"the daemon answered {head!r} to the resume message")
                n = int.from_bytes(head[4:], "big")
                if n > 65536:
                    raise saved.SavedError("oversized resume answer")
                answer = json.loads(self._recv_exact(conn, n, "the daemon's resume answer"))
                if not isinstance(answer, dict) or not answer.get("ok"):
                    raise saved.SavedError(f"the daemon could not resume: {answer.get('error')}")
            except BaseException:
                conn.close()
                raise
            t4 = time.monotonic()
            self.ctx.debug(f"saved appliance: qemu up {t1 - t0:.3f} s, state loaded {t2 - t1:.3f} s, "
                           f"{len(drives)} drives plugged {t3 - t2:.3f} s, daemon resumed {t4 - t3:.3f} s "
                           f"(in the guest: {answer.get('seconds')})")
            self.lsock.close()
            self.lsock = None
            return conn
        except ValueError as e:
            raise saved.SavedError(f"resume answer: {e}") from None
        finally:
            qmp_ours.close()
            qmp_theirs.close()

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
        argv = self.machine_args(appliance)
        for i, d in enumerate(drives):
            drive, props = self.drive_options(i, d)
            argv += ["-drive", drive, "-device", device_string(props)]
        argv += self.tail_args(f"file={qemu_escape(appliance.root)},snapshot=on,format=raw",
                               self.sockpath, self.kernel_cmdline(appliance))
        for param, value in self.ctx.settings.get("hvparams", ()):
            argv += [param] if value is None else [param, value]
        return argv

    def machine_args(self, appliance: Appliance) -> list[str]:
        """The argv up to the caller's drives: machine, firmware, memory,
        kernel and the devices every launch has."""
        settings = self.ctx.settings
        kvm = self.accel == "kvm"
        return [self.ctx.hv, "-nodefaults", "-display", "none", "-no-reboot",
                "-machine", machine_arg(self.accel), "-cpu", "host" if kvm else TCG_CPU,
                *firmware_args(),
                "-m", str(settings["memsize"]), "-smp", str(settings["smp"]),
                "-rtc", "driftfix=slew",
                "-kernel", appliance.kernel, "-initrd", appliance.initrd,
                "-object", "rng-random,filename=/dev/urandom,id=rng0",
                "-device", "virtio-rng-pci,rng=rng0",
                "-device", "virtio-scsi-pci,id=scsi"]

    def drive_options(self, i: int, d: Drive) -> tuple[str, dict[str, str | int | bool]]:
        """Drive ``i``: its ``-drive`` value and its device's properties
        (the same for a cold boot and a hot-plug after a restore)."""
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
        props: dict[str, str | int | bool] = {
            "driver": "virtio-blk-pci" if d.virtio_blk else "scsi-hd", "drive": f"hd{i}"}
        if d.label:
            # The appliance reads labels back from the disk serial.
            props["serial"] = d.label
        if d.blocksize:
            props["logical_block_size"] = props["physical_block_size"] = d.blocksize
        if i in self.overlays:
            # A read-only drive may be a running guest's disk: let its
            # qemu keep writing (we only ever write our own overlay).
            props["share-rw"] = True
        return ",".join(opts), props

    def tail_args(self, root: str, sockpath: str, cmdline: str,
                  root_device: str = "scsi-hd") -> list[str]:
        """The argv after the caller's drives: the appliance root (``root``:
        its ``-drive`` file options; ``root_device``: its device), network,
        console, channel, kernel arguments."""
        return ["-drive", f"{root},id=appliance,cache=unsafe,if=none",
                "-device", f"{root_device},drive=appliance",
                *network_args(self.ctx.settings["network"]),
                "-device", "virtio-serial-pci",
                "-serial", "stdio",
                "-chardev", f"socket,path={qemu_escape(sockpath)},id=channel0",
                "-device", f"virtserialport,chardev=channel0,name={CHANNEL_NAME}",
                "-append", cmdline]

    def kernel_cmdline(self, appliance: Appliance) -> str:
        """Kernel arguments: ours, root, verbosity, then the user's ``append``."""
        return kernel_cmdline(self.ctx, appliance)

    def _launch(self, appliance: Appliance | None, drives: list[Drive]) -> None:
        assert appliance is not None
        argv = self.command_line(appliance, drives)
        self.argv = argv
        self.ctx.debug("qemu: " + " ".join(argv))
        self._spawn(argv)

    def _spawn(self, argv: list[str], pass_fds: tuple[int, ...] = (), console_lines: int = 400) -> None:
        """Start qemu with its console on a socket pair read by a
        :class:`ConsoleLog`, and the recovery process watching it."""
        # The console (-serial stdio) on one end of a socket pair: read for
        # the log, and both ways once handed to virt-rescue's shell.
        ours, theirs = socket.socketpair()
        try:
            # A session of its own, so shutdown can kill everything a wrapper
            # script started, even one that forgot to exec qemu.
            self.proc = subprocess.Popen(argv, stdin=theirs.fileno(), stdout=theirs.fileno(),
                                         stderr=theirs.fileno(), pass_fds=pass_fds,
                                         close_fds=True, start_new_session=True)
        except OSError as e:
            ours.close()
            raise GuestFSError(f"cannot run {argv[0]}: {e.strerror}") from None
        finally:
            theirs.close()
        self.console = ConsoleLog(self.ctx, ours.detach(), console_lines)
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
            conn = accept_with_deadline(self.lsock, self, self._time_left())
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

    def _time_left(self) -> float:
        """Seconds left of this launch's ``launch_timeout``."""
        return max(0.0, self._deadline - time.monotonic())

    def _stop_vm(self, graceful: bool = True) -> None:
        """Stop qemu (SIGTERM with a timeout, then SIGKILL for the whole
        session), dismiss the recovery process and finish the console."""
        proc = self.proc
        if proc is not None:
            if graceful:
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

    def shutdown(self) -> None:
        if self.lsock is not None:
            self.lsock.close()
            self.lsock = None
        self._stop_vm()
        if self.sockdir is not None:
            shutil.rmtree(self.sockdir, ignore_errors=True)
            self.sockdir = None
        super().shutdown()
