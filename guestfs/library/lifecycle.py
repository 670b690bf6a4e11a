"""launch, shutdown, close and the calls about the running VM."""

from __future__ import annotations

import shutil
import tempfile
from typing import TYPE_CHECKING

from ..errors import GuestFSError, UnprefixedError
from ..events import EVENT_CLOSE, EVENT_LAUNCH_DONE, EVENT_SUBPROCESS_QUIT
from ..state import State
from . import library_action

if TYPE_CHECKING:
    from ..backends.context import LaunchContext
    from ..handle import GuestFS


def handle_tmpdir(g: GuestFS) -> str:
    """The handle's private temporary directory, made on first use and
    removed by ``close``."""
    d = getattr(g, "_tmpdir", None)
    if d is None:
        d = tempfile.mkdtemp(prefix="guestfs-", dir=g.get_tmpdir())
        g._tmpdir = d
    return d


def call_timeout_setting(ctx: LaunchContext) -> float | None:
    """The ``call_timeout`` backend setting in seconds (None when unset).

    Beyond libguestfs: a call that takes longer fails, the appliance is
    stopped and the handle is back in CONFIG, ready to launch again.
    """
    value = ctx.backend_setting("call_timeout")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not seconds > 0 or seconds == float("inf"):
        raise GuestFSError(f"backend setting call_timeout={value}: expecting a number of seconds > 0")
    return seconds


@library_action("launch")
def launch(g: GuestFS) -> None:
    """Find an appliance, start the VM with the chosen backend, wait for the daemon."""
    from ..appliance import find_appliance
    from ..backends.context import LaunchContext, weak_method
    from ..client import RPCClient
    from ..plugins import get_backends

    # launch is config_only: the handle's generic check has refused a second launch.
    backend_cls, arg = get_backends().lookup(g._settings["backend"])
    if backend_cls.needs_drives and not g._drives:
        raise UnprefixedError("you must call guestfs_add_drive before guestfs_launch")
    g._state = State.LAUNCHING
    rundir = tempfile.mkdtemp(prefix="run", dir=handle_tmpdir(g))
    backend = None
    launch_progress(g, 0)
    try:
        g._debug(f"launch: program={g._settings['program']} backend={g._settings['backend']}")
        appliance = find_appliance(g) if backend_cls.needs_appliance else None
        if appliance is not None:
            g._debug(f"launch: appliance={appliance.kind} kernel={appliance.kernel}")
        launch_progress(g, 3)
        ctx = LaunchContext.for_handle(g, rundir, appliance, arg)
        call_timeout = call_timeout_setting(ctx)  # refused before qemu starts
        backend = backend_cls(ctx)
        g._backend = backend
        sock = backend.launch(appliance, list(ctx.drives))
        launch_progress(g, 6)
        # Weakly: the handle must stay freeable by reference counting alone
        # (a dropped handle closes at once, as with the stock binding).
        emit = weak_method(g._emit_progress)
        client = RPCClient(sock, alive=backend.alive, on_progress=lambda p: emit(*p),
                           call_timeout=call_timeout)
        g._client = client
        client.wait_for_launch(backend.launch_timeout)
    except BaseException as e:
        tail = backend.console_tail() if backend is not None else ""
        status = getattr(backend, "exit_status", lambda: "")() if backend is not None else ""
        teardown(g)
        if backend is None:
            shutil.rmtree(rundir, ignore_errors=True)
        if not isinstance(e, Exception):
            raise
        msg = str(e) if isinstance(e, (GuestFSError, RuntimeError)) else f"{type(e).__name__}: {e}"
        if status and status != "still running":
            msg += f" (qemu {status})"
        if tail:
            msg += "\nlast lines of the appliance console:\n" + tail
        raise GuestFSError(msg) from None
    g._state = State.READY
    launch_progress(g, LAUNCH_STEPS)
    g._debug("launch: appliance is up")
    g._events.emit(EVENT_LAUNCH_DONE)


#: Launch reports progress in these steps (libguestfs uses the same scale).
LAUNCH_STEPS = 12


def launch_progress(g: GuestFS, step: int) -> None:
    """A progress event for launch (procedure 0, serial 0)."""
    g._emit_progress(0, 0, step, LAUNCH_STEPS)


def teardown(g: GuestFS) -> None:
    """Stop the VM and drop the connection; the handle goes back to CONFIG."""
    client, backend = g._client, g._backend
    g._client = None
    g._backend = None
    if client is not None:
        try:
            client.sock.close()
        except OSError:
            pass
    if backend is not None:
        backend.shutdown()
        g._events.emit(EVENT_SUBPROCESS_QUIT)
    g._state = State.CONFIG


@library_action("shutdown")
def shutdown(g: GuestFS) -> None:
    """Sync (if autosync) and stop the VM; the handle can be launched again."""
    err = None
    if g._client is not None and g._settings["autosync"]:
        try:
            g._rpc("internal_autosync", {})
        except GuestFSError as e:
            err = e
    teardown(g)
    if err is not None:
        raise err


@library_action("kill_subprocess")
def kill_subprocess(g: GuestFS) -> None:
    """Stop the VM at once, without syncing (deprecated; use shutdown)."""
    if g._backend is None:
        raise GuestFSError("no subprocess to kill", "ESRCH")
    teardown(g)


@library_action("get_pid")
def get_pid(g: GuestFS) -> int:
    """Process id of the VM's process."""
    pid = g._backend.pid() if g._backend is not None else None
    if pid is None:
        raise GuestFSError("no qemu subprocess", "ESRCH")
    return int(pid)


@library_action("internal_get_console_socket")
def internal_get_console_socket(g: GuestFS) -> int:
    """The appliance console's descriptor, for virt-rescue: the library stops
    reading it (no more appliance events) and closes it at shutdown."""
    if g._backend is None or g._client is None:
        raise GuestFSError("no console socket: the handle must be launched first", "ESRCH")
    return g._backend.console_socket()


def close_handle(g: GuestFS) -> None:
    """Everything ``close()`` does: shut down, delete files, fire EVENT_CLOSE once."""
    if g._closed:
        return
    if g._settings["trace"]:
        g._trace("close")  # libguestfs traces close (with no return line)
    try:
        if g._client is not None:
            try:
                shutdown(g)
            except GuestFSError:
                pass  # close reports nothing, as in libguestfs
        teardown(g)
    finally:
        d = getattr(g, "_tmpdir", None)
        if d is not None:
            shutil.rmtree(d, ignore_errors=True)
            g._tmpdir = None
        if not g._close_event_sent:
            g._close_event_sent = True
            g._events.emit(EVENT_CLOSE)
        g._closed = True


@library_action("c_pointer")
def c_pointer(g: GuestFS) -> int:
    """libguestfs returns its C handle; this library has none, so the id of the handle."""
    return id(g)




@library_action("version")
def version(g: GuestFS) -> dict[str, int | str]:
    """The libguestfs API level this library implements (1.48.6)."""
    return {"major": 1, "minor": 48, "release": 6, "extra": ""}
