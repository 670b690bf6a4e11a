"""Our equivalents of libguestfs's Python binding tests (``python/t``).

Each test says which of theirs it stands for; the checks are ours and run
on this library, the appliance ones with a real launch, and go further
than theirs (the originals themselves run unchanged in
``tests/interop/test_upstream_python_t.py``).  Handles that are
never launched cost nothing, so those tests make their own; the launch,
progress and libvirt tests launch once each.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

import guestfs
from guestfs.testing import appliance_missing, skip_or_fail

MIB = 1024 * 1024


@pytest.fixture
def h() -> Iterator[guestfs.GuestFS]:
    """A new handle that is never launched."""
    handle = guestfs.GuestFS(python_return_dict=True)
    yield handle
    if not handle._closed:
        handle.close()


def need_appliance() -> None:
    """Skip (or fail in CI) without qemu and a built appliance."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)


# -- creating handles (test020Create, test030CreateFlags, test040CreateMultiple) -----------

def test_create() -> None:
    g = guestfs.GuestFS(python_return_dict=True)
    assert isinstance(g, guestfs.GuestFS)
    g.close()


def test_create_flags_and_parse_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIBGUESTFS_TRACE", "1")
    monkeypatch.setenv("LIBGUESTFS_MEMSIZE", "900")
    g = guestfs.GuestFS(python_return_dict=True, environment=False)
    assert g.get_trace() == 0 and g.get_memsize() != 900
    monkeypatch.delenv("LIBGUESTFS_TRACE")
    g.parse_environment()
    assert g.get_trace() == 0 and g.get_memsize() == 900
    g.close()


def test_create_multiple_independent_handles() -> None:
    handles = [guestfs.GuestFS(python_return_dict=True) for _ in range(3)]
    handles[0].set_memsize(600)
    handles[1].set_memsize(700)
    assert [x.get_memsize() for x in handles[:2]] == [600, 700]
    assert handles[2].get_memsize() not in (600, 700)
    for x in handles:
        x.close()


# -- handle properties and arguments (test050, test060, test070) ---------------------------

def test_handle_properties(h: guestfs.GuestFS) -> None:
    for setter, getter in ((h.set_verbose, h.get_verbose), (h.set_autosync, h.get_autosync)):
        setter(1)
        assert getter() == 1
        setter(0)
        assert getter() == 0
    h.set_path(".")
    assert h.get_path() == "."
    assert h.add_drive("/dev/null") is None
    with warnings.catch_warnings():
        # libguestfs's binding warns that add_cdrom is deprecated.
        warnings.simplefilter("ignore", DeprecationWarning)
        assert h.add_cdrom("/dev/zero") is None


@pytest.mark.parametrize("strings", [["a", "b", "c"], ["\u00e9", "\u00f1", "\u00fc", "\u2603"], [],
                                     [f"string_{i}" for i in range(1000)]],
                         ids=["ascii", "unicode", "empty", "large"])
def test_string_lists(h: guestfs.GuestFS, strings: list[str]) -> None:
    assert h.internal_test("str", None, strings, False, 0, 0, "/dev/null", "/dev/null", b"buf") is None
    assert h.internal_test("str", None, [], False, 0, 0, "/dev/null", "/dev/null", b"buf",
                           ostringlist=strings) is None


def test_optargs(h: guestfs.GuestFS) -> None:
    h.add_drive("/dev/null")
    h.add_drive("/dev/null", readonly=True)
    h.add_drive("/dev/null", iface="virtio", format="raw")
    with pytest.raises(TypeError):
        h.add_drive("/dev/null", nosuchoptarg=1)


# -- return values and python_return_dict (test090RetValues, 028/900-python-dict) -----------

def test_return_values(h: guestfs.GuestFS) -> None:
    assert h.internal_test_rint("10") == 10
    assert h.internal_test_rint64("10") == 10
    assert h.internal_test_rbool("true") == 1 and h.internal_test_rbool("false") == 0
    assert h.internal_test_rconststring("test") == "static string"
    assert h.internal_test_rconstoptstring("test") == "static string"
    assert h.internal_test_rconstoptstringerr() is None  # never fails
    assert h.internal_test_rstring("test") == "test"
    assert h.internal_test_rstringlist("0") == []
    assert h.internal_test_rstringlist("5") == ["0", "1", "2", "3", "4"]
    s = h.internal_test_rstruct("unused")
    assert isinstance(s, dict) and s["pv_name"] == "pv0"
    assert h.internal_test_rstructlist("0") == []
    assert [x["pv_name"] for x in h.internal_test_rstructlist("5")] == [f"pv{i}" for i in range(5)]
    assert h.internal_test_rbufferout("test") == b"test"
    for kind in ("rint", "rint64", "rbool", "rconststring", "rstring", "rstringlist", "rstruct",
                 "rstructlist", "rhashtable", "rbufferout"):
        with pytest.raises(RuntimeError):
            getattr(h, f"internal_test_{kind}err")()


@pytest.mark.parametrize("as_dict", [False, True])
def test_python_return_dict(as_dict: bool) -> None:
    g = guestfs.GuestFS(python_return_dict=as_dict)
    pairs = [(str(i), str(i)) for i in range(5)]
    assert g.internal_test_rhashtable("5") == (dict(pairs) if as_dict else pairs)
    assert g.internal_test_rhashtable("0") == ({} if as_dict else [])
    g.close()


# -- close and log messages (test410CloseEvent, test420LogMessages, test800ExplicitClose) ---

def test_close_event() -> None:
    calls: list[int] = []
    g = guestfs.GuestFS(python_return_dict=True)
    g.set_event_callback(lambda ev, eh, buf, array: calls.append(ev), guestfs.EVENT_CLOSE)
    assert calls == []
    g.close()
    assert calls == [guestfs.EVENT_CLOSE]


def test_explicit_and_implicit_close() -> None:
    g = guestfs.GuestFS(python_return_dict=True)
    g.close()
    del g  # collecting a closed handle is quiet
    gc.collect()

    g = guestfs.GuestFS(python_return_dict=True)
    g.close()
    with pytest.raises(guestfs.ClosedHandle):
        g.set_memsize(512)

    calls: list[int] = []
    g = guestfs.GuestFS(python_return_dict=True)
    g.set_event_callback(lambda ev, eh, buf, array: calls.append(ev), guestfs.EVENT_CLOSE)
    g.close()
    assert calls == [guestfs.EVENT_CLOSE]
    del g
    gc.collect()
    assert calls == [guestfs.EVENT_CLOSE]

    # Never closed: collection closes it, once.
    g = guestfs.GuestFS(python_return_dict=True)
    g.set_event_callback(lambda ev, eh, buf, array: calls.append(ev), guestfs.EVENT_CLOSE)
    del g
    gc.collect()
    assert calls == [guestfs.EVENT_CLOSE] * 2


def test_log_messages(capfd: pytest.CaptureFixture[str]) -> None:
    got: list[tuple[int, str]] = []

    def log(ev: int, eh: int, buf: Any, array: Sequence[int]) -> None:
        got.append((ev, buf.rstrip() if ev == guestfs.EVENT_APPLIANCE else buf))

    g = guestfs.GuestFS(python_return_dict=True)
    g.set_event_callback(log, guestfs.EVENT_APPLIANCE | guestfs.EVENT_LIBRARY
                         | guestfs.EVENT_WARNING | guestfs.EVENT_TRACE)
    g.set_trace(1)
    g.set_verbose(1)
    g.add_drive_ro("/dev/null")
    g.set_autosync(1)
    g.close()
    traces = [buf for ev, buf in got if ev == guestfs.EVENT_TRACE]
    assert traces == ["set_verbose true", "set_verbose = 0", 'add_drive_ro "/dev/null"', "add_drive_ro = 0",
                      "set_autosync true", "set_autosync = 0", "close"]
    assert got[-1] == (guestfs.EVENT_TRACE, "close")
    assert "libguestfs:" not in capfd.readouterr().err


# -- with the appliance (test100Launch, test430ProgressMessages, rhbz811650/912499/1406906) --

@pytest.mark.appliance
@pytest.mark.slow
def test_launch_lvm_and_progress_messages(tmp_path: Any) -> None:
    need_appliance()
    g = guestfs.GuestFS(python_return_dict=True)
    launch_progress: list[list[int]] = []
    eh = g.set_event_callback(lambda ev, eh, buf, array: launch_progress.append(array),
                              guestfs.EVENT_PROGRESS)
    g.add_drive_scratch(500 * MIB)
    g.launch()
    assert launch_progress and launch_progress[-1][2] == launch_progress[-1][3]
    g.delete_event_callback(eh)

    g.pvcreate("/dev/sda")
    g.vgcreate("VG", ["/dev/sda"])
    g.lvcreate("LV1", "VG", 200)
    g.lvcreate("LV2", "VG", 200)
    assert g.lvs() == ["/dev/VG/LV1", "/dev/VG/LV2"]

    # Progress callbacks fire, stop once deleted and fire again when added back.
    # The "stopper" sees every call's progress too, and cancels the call at
    # its first event.  The daemon's two-second delay before the first
    # progress message is taken away: a 200 MiB download from the page cache
    # can finish within it, and then there is nothing to cancel.
    g.debug("setenv", ["GUESTFSD_PROGRESS_DELAY", "0"])
    counted: list[int] = []
    stops: list[int] = []

    def count(ev: int, eh: int, buf: Any, array: Sequence[int]) -> None:
        counted.append(array[2])

    def stopper(ev: int, eh: int, buf: Any, array: Sequence[int]) -> None:
        stops.append(array[2])
        g.user_cancel()

    def long_call() -> None:
        with pytest.raises(RuntimeError, match="cancelled"):
            g.download("/dev/VG/LV1", str(tmp_path / "lv1"))

    g.set_event_callback(stopper, guestfs.EVENT_PROGRESS)
    eh = g.set_event_callback(count, guestfs.EVENT_PROGRESS)
    long_call()
    assert len(stops) > 0 and len(counted) > 0
    g.delete_event_callback(eh)
    n, s = len(counted), len(stops)
    long_call()
    assert len(stops) > s and len(counted) == n
    g.set_event_callback(count, guestfs.EVENT_PROGRESS)
    long_call()
    assert len(counted) > n

    g.shutdown()
    g.close()


@pytest.mark.appliance
def test_rhbz811650_wrong_format_fails_launch_with_a_message(tmp_path: Any) -> None:
    need_appliance()
    image = str(tmp_path / "rhbz811650.img")
    g = guestfs.GuestFS(python_return_dict=True)
    g.disk_create(image, "raw", 500 * MIB)
    g.add_drive(image, format="qcow2")  # wrong on purpose: the image is raw
    with pytest.raises(RuntimeError) as ei:
        g.launch()
    assert str(ei.value)
    assert g.is_config()
    g.close()


@pytest.mark.appliance
def test_rhbz1406906_non_utf8_file_name(gfs: Any, tmp_path: Any) -> None:
    """A file name that is not UTF-8 must not crash the binding."""
    g = gfs
    assert g.find("/") == ["lost+found"]
    src = tmp_path / "src"
    src.mkdir()
    (src / "\udcd4").touch()  # a file name that is not UTF-8
    g.copy_in(str(src), "/")
    # As in libguestfs's binding, returned text must be UTF-8: the name
    # raises UnicodeDecodeError, and the handle stays usable.
    with pytest.raises(UnicodeDecodeError):
        g.find("/")
    with pytest.raises(UnicodeDecodeError):
        g.ls("/src")
    assert g.is_file("/src/\udcd4")
    g.rm_rf("/src")
    assert g.find("/") == ["lost+found"]


def _libvirt_missing() -> str | None:
    try:
        import libvirt
    except ImportError:
        return "libvirt-python is not installed"
    try:
        libvirt.open("qemu:///system").close()
    except libvirt.libvirtError as e:
        return f"cannot connect to qemu:///system (is libvirtd running? .ci/libvirt-setup.sh): {e}"
    return None


def _ownership(path: str) -> tuple[int, int, int, dict[str, bytes]]:
    """What a security driver may change on an image: owner, mode and labels (xattrs).

    libvirt's own notes of the owner to restore (``trusted.libvirt.*``) are
    left out: libvirt drops them from every image of a domain's disk chains
    when that domain stops, whatever its seclabels say.
    """
    st = os.stat(path)
    labels = {k: os.getxattr(path, k) for k in os.listxattr(path)
              if not k.startswith("trusted.libvirt.")}
    return st.st_uid, st.st_gid, st.st_mode, labels


@pytest.mark.appliance
@pytest.mark.slow
@pytest.mark.parametrize("backend_name", ["libvirt:qemu:///system", "direct"])
def test_rhbz912499_running_domain_keeps_its_disk_labels(backend_name: str) -> None:
    """Opening a running libvirt guest's disk must not relabel it.

    The guest's qemu has its disk open for writing; a read-only drive lets
    it go on doing so (qemu's image locking would otherwise refuse the
    second open, as it does with libguestfs 1.48 here).
    """
    need_appliance()
    why = _libvirt_missing()
    if why:
        skip_or_fail(why)
    import libvirt

    # The guest's qemu runs as libvirt's user: pytest's own temporary
    # directories (mode 0700) are out of its reach.
    workdir = tempfile.mkdtemp(prefix="rhbz912499-", dir="/var/tmp")
    os.chmod(workdir, 0o755)
    image = os.path.join(workdir, "disk.img")
    guestfs.GuestFS().disk_create(image, "raw", 64 * MIB)
    with open(image, "r+b") as f:
        f.write(b"rhbz912499")
    name = f"tmp-rhbz912499-{os.getpid()}-{backend_name.split(':')[0]}"
    xml = f"""<domain type='qemu'>
  <name>{name}</name>
  <memory>131072</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='{image}'/>
      <target dev='hda' bus='ide'/>
    </disk>
  </devices>
</domain>"""
    conn = libvirt.open("qemu:///system")
    dom = None
    try:
        dom = conn.createXML(xml, libvirt.VIR_DOMAIN_START_AUTODESTROY)
        before = _ownership(image)
        g = guestfs.GuestFS(python_return_dict=True)
        g.set_backend(backend_name)
        assert g.add_libvirt_dom(dom, readonly=1) == 1
        g.launch()
        assert _ownership(image) == before
        assert g.list_devices() == ["/dev/sda"]
        assert g.pread_device("/dev/sda", 10, 0) == b"rhbz912499"
        g.close()
        assert _ownership(image) == before
        assert dom.isActive()
    finally:
        if dom is not None and dom.isActive():
            dom.destroy()
        conn.close()
        shutil.rmtree(workdir, ignore_errors=True)
