"""Launches from a saved appliance (``guestfs/backends/saved.py``,
``daemon/resume.py``): the caller's drives hot-plugged in order, every
restored handle a fresh machine, the cache keyed, private, checked and
safe against parallel launches, and every failure a clean cold boot.

Which path a launch took is read from the library's debug messages, never
from timing.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import guestfs
from guestfs.backends import saved
from tests.helpers import sha256_file

pytestmark = [pytest.mark.appliance, pytest.mark.slow]

MiB = 1024 * 1024


def _direct() -> None:
    if os.environ.get("LIBGUESTFS_BACKEND", "direct") not in ("direct", "appliance"):
        pytest.skip("saved appliances are a feature of the direct backend")


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private cache home for the module, saved appliances switched on."""
    _direct()
    home = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(home))
        mp.setenv(saved.ENV, "1")
        yield home


def saved_dir(home: Path) -> Path:
    return home / "guestfs-py" / "saved"


def launch(drives: list[tuple[str, dict[str, Any]]], **settings: Any) -> tuple[Any, list[str]]:
    """A launched handle and the library's debug messages of its launch."""
    g = guestfs.GuestFS(python_return_dict=True)
    msgs: list[str] = []
    g.set_event_callback(lambda ev, eh, buf, arr: msgs.append(buf), guestfs.EVENT_LIBRARY)
    for name, value in settings.items():
        getattr(g, f"set_{name}")(value)
    for path, opts in drives:
        g.add_drive_opts(path, **opts)
    try:
        g.launch()
    except BaseException:
        g.close()
        raise
    return g, msgs


def said(msgs: list[str], text: str) -> bool:
    return any(text in m for m in msgs)


def blank(path: Path, size: int, marker: bytes = b"") -> str:
    with open(path, "wb") as f:
        f.truncate(size)
        f.write(marker)
    return str(path)


@pytest.fixture(scope="module")
def primed(cache_home: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The key of the saved plain appliance (saved by a first launch)."""
    d = tmp_path_factory.mktemp("prime")
    g, msgs = launch([(blank(d / "a.img", 16 * MiB), {"format": "raw"})])
    try:
        assert g.list_devices() == ["/dev/sda"]
    finally:
        g.close()
    assert said(msgs, "saved appliance: restored"), msgs
    return current_key(cache_home)


def current_key(home: Path) -> str:
    """The key of the most recently used record."""
    records = sorted(saved_dir(home).glob("*.json"), key=lambda p: p.stat().st_mtime)
    assert records
    return records[-1].stem


def test_restored_handle_has_the_drives_in_order(primed: str, tmp_path: Path) -> None:
    raw = blank(tmp_path / "raw.img", 32 * MiB, b"RAW-A")
    qcow = str(tmp_path / "b.qcow2")
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", qcow, str(48 * MiB)], check=True)
    ro = blank(tmp_path / "ro.img", 24 * MiB, b"RO-C")
    ro_sum = sha256_file(ro)
    labelled = blank(tmp_path / "lbl.img", 40 * MiB)
    g, msgs = launch([(raw, {"format": "raw"}), (qcow, {"format": "qcow2"}),
                      (ro, {"format": "raw", "readonly": True}),
                      (labelled, {"format": "raw", "label": "mylabel", "blocksize": 4096})])
    try:
        assert said(msgs, f"saved appliance: restored {primed}"), msgs
        assert not said(msgs, "booting one to save")
        assert g.list_devices() == ["/dev/sda", "/dev/sdb", "/dev/sdc", "/dev/sdd"]
        assert [g.blockdev_getsize64(d) for d in g.list_devices()] == [32 * MiB, 48 * MiB, 24 * MiB,
                                                                       40 * MiB]
        assert g.pread_device("/dev/sda", 5, 0) == b"RAW-A"
        assert g.pread_device("/dev/sdc", 4, 0) == b"RO-C"
        assert g.list_disk_labels() == {"mylabel": "/dev/sdd"}
        assert g.blockdev_getss("/dev/sdd") == 4096
        g.pwrite_device("/dev/sdb", b"QCOW-B", 0)
        g.mkfs("ext4", "/dev/sda")
        g.mount("/dev/sda", "/")
        g.write("/hello", b"restored")
        assert g.cat("/hello") == "restored"
        g.umount_all()
        assert g.pread_device("/dev/sdb", 6, 0) == b"QCOW-B"
    finally:
        g.close()
    assert sha256_file(ro) == ro_sum


def _guest_facts(g: Any) -> dict[str, str]:
    out = g.debug("sh", ["head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n'; echo; mktemp -u; "
                         "date +%s"]).split("\n")
    g.mkfs("ext4", "/dev/sda")
    return {"random": out[0], "mktemp": out[1], "clock": out[2], "uuid": g.vfs_uuid("/dev/sda")}


def test_restored_handles_are_fresh_machines(primed: str, tmp_path: Path) -> None:
    facts = []
    for i in range(2):
        g, msgs = launch([(blank(tmp_path / f"d{i}.img", 32 * MiB), {"format": "raw"})])
        try:
            assert said(msgs, f"saved appliance: restored {primed}"), msgs
            facts.append(_guest_facts(g))
        finally:
            g.close()
    a, b = facts
    assert len(a["random"]) == 64 and a["random"] != b["random"]
    assert a["uuid"] != b["uuid"]
    assert a["mktemp"] != b["mktemp"]
    for f in facts:  # the clock is the host's, not the one saved with the VM
        assert abs(int(f["clock"]) - time.time()) < 120


def test_changed_settings_miss_the_cache(primed: str, cache_home: Path, tmp_path: Path) -> None:
    disk = blank(tmp_path / "d.img", 16 * MiB)
    console: list[str | bytes] = []
    g, msgs = launch([(disk, {"format": "raw"})], append="guestfs_test_key=1", verbose=True)
    g2 = None
    try:
        g.set_verbose(False)
        assert said(msgs, "booting one to save"), msgs
        assert not said(msgs, f"restored {primed}")
        assert g.list_devices() == ["/dev/sda"]
        other = current_key(cache_home)
        assert other != primed
        g.close()
        g = None
        # The same settings again: restored from the new entry, with the
        # appliance's console (verbose) still delivered.
        g2 = guestfs.GuestFS(python_return_dict=True)
        msgs2: list[str] = []
        g2.set_event_callback(lambda ev, eh, buf, arr: msgs2.append(buf), guestfs.EVENT_LIBRARY)
        g2.set_event_callback(lambda ev, eh, buf, arr: console.append(buf), guestfs.EVENT_APPLIANCE)
        g2.set_append("guestfs_test_key=1")
        g2.set_verbose(True)
        g2.add_drive_opts(disk, format="raw")
        g2.launch()
        assert said(msgs2, f"saved appliance: restored {other}"), msgs2
        def text() -> str:
            return "".join(line if isinstance(line, str) else line.decode() for line in console)

        deadline = time.monotonic() + 60  # the console arrives on its own thread
        while "resumed from a saved appliance" not in text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "resumed from a saved appliance" in text()
        assert "Linux version" in text()  # the saved boot's console, replayed
        assert g2.list_devices() == ["/dev/sda"]
    finally:
        if g is not None:
            g.close()
        if g2 is not None:
            g2.close()


def test_setting_off_boots_cold(primed: str, tmp_path: Path) -> None:
    g, msgs = launch([(blank(tmp_path / "d.img", 16 * MiB), {"format": "raw"})],
                     backend_settings=["no_saved_appliance"])
    try:
        assert not said(msgs, "saved appliance"), msgs
        assert g._backend.launch_kind == "cold"
        assert g.list_devices() == ["/dev/sda"]
    finally:
        g.close()


def test_cache_is_private(primed: str, cache_home: Path) -> None:
    d = saved_dir(cache_home)
    st = d.stat()
    assert stat.S_IMODE(st.st_mode) == 0o700 and st.st_uid == os.getuid()
    files = list(d.iterdir())
    assert any(f.suffix == ".state" for f in files)
    for f in files:
        fst = f.stat()
        assert stat.S_IMODE(fst.st_mode) == 0o600, f
        assert fst.st_uid == os.getuid()


def _entry_files(home: Path, key: str) -> tuple[Path, Path, dict[str, Any]]:
    d = saved_dir(home)
    meta = json.loads((d / f"{key}.json").read_text())
    gen = meta["generation"]
    return d / f"{key}-{gen}.state", d / f"{key}-{gen}.root.qcow2", meta


def _launch_expecting(tmp_path: Path, *texts: str) -> list[str]:
    g, msgs = launch([(blank(tmp_path / "d.img", 16 * MiB), {"format": "raw"})])
    try:
        assert g.list_devices() == ["/dev/sda"]
    finally:
        g.close()
    for t in texts:
        assert said(msgs, t), (t, [m[:150] for m in msgs])
    return msgs


def test_truncated_state_is_replaced(primed: str, cache_home: Path, tmp_path: Path) -> None:
    state, _, meta = _entry_files(cache_home, primed)
    with open(state, "r+b") as f:
        f.truncate(meta["state_size"] // 2)
    msgs = _launch_expecting(tmp_path, "damaged saved appliance", "cold boot")
    assert not said(msgs, "restored")
    assert not (saved_dir(cache_home) / f"{primed}.json").exists()
    # The next launch saves a fresh one.
    _launch_expecting(tmp_path, "booting one to save", f"restored {primed}")
    assert not state.exists()  # the damaged generation is gone


def test_corrupt_state_is_detected(primed: str, cache_home: Path, tmp_path: Path) -> None:
    state, _, meta = _entry_files(cache_home, primed)
    with open(state, "r+b") as f:  # same size, one byte changed in guest memory
        f.seek(meta["state_size"] // 2)
        byte = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([byte[0] ^ 0xFF]))
    msgs = _launch_expecting(tmp_path, "does not match its checksum", "cold boot")
    assert not said(msgs, "saved appliance: restored")
    _launch_expecting(tmp_path, "booting one to save", f"restored {primed}")


def _our_qemus(needle: str) -> list[int]:
    pids = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/cmdline", "rb") as f:
                    if needle.encode() in f.read():
                        pids.append(int(p))
            except OSError:
                pass
    return pids


def test_failed_restore_falls_back_cleanly(primed: str, cache_home: Path, tmp_path: Path) -> None:
    """A state with a valid checksum that qemu cannot load: cold boot, no
    restoring qemu left, the entry replaced at the next launch."""
    state, _, meta = _entry_files(cache_home, primed)
    with open(state, "wb") as f:
        f.write(b"QEVM\0\0\0\3" + b"\0" * 4096)
    meta["state_size"] = state.stat().st_size
    meta["state_sha256"] = sha256_file(str(state))
    (saved_dir(cache_home) / f"{primed}.json").write_text(json.dumps(meta))
    g, msgs = launch([(blank(tmp_path / "d.img", 16 * MiB), {"format": "raw"})])
    try:
        assert said(msgs, "restore failed"), msgs
        assert g._backend.launch_kind == "cold"
        assert g.list_devices() == ["/dev/sda"]
        assert _our_qemus(f"{g._backend.sockdir}/guestfsd.sock") == [g._backend.proc.pid]
    finally:
        g.close()
    _launch_expecting(tmp_path, "booting one to save", f"restored {primed}")


PARALLEL = """
import guestfs, sys
g = guestfs.GuestFS(python_return_dict=True)
msgs = []
g.set_event_callback(lambda ev, eh, buf, arr: msgs.append(buf), guestfs.EVENT_LIBRARY)
g.add_drive_scratch(16 * 1024 * 1024)
g.launch()
print(g.list_devices(), any("restored" in m for m in msgs), flush=True)
g.close()
"""


def test_parallel_launches_keep_the_cache_sound(primed: str, tmp_path: Path) -> None:
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "home"))
    procs = [subprocess.Popen([sys.executable, "-c", PARALLEL], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert out.startswith("['/dev/sda']"), out
    d = saved_dir(tmp_path / "home")
    records = list(d.glob("*.json"))
    assert len(records) == 1
    # The record is whole: a third launch restores from it.
    r = subprocess.run([sys.executable, "-c", PARALLEL], env=env, capture_output=True, text=True,
                       timeout=600, check=True)
    assert r.stdout.strip() == "['/dev/sda'] True", r.stderr
    assert not list(d.glob(".tmp*"))


# -- no VM ------------------------------------------------------------------

def test_wire_format_matches_the_daemon() -> None:
    from guestfs_daemon import resume

    assert (saved.READY, saved.RESUME, saved.ACK, saved.CMDLINE_FLAG) == (
        resume.READY, resume.RESUME, resume.ACK, resume.CMDLINE_FLAG)
    msg = saved.encode_message(saved.RESUME, {"disks": 2})
    r, w = os.pipe()
    try:
        os.write(w, msg)
        assert resume.read_message(r, resume.RESUME) == {"disks": 2}
    finally:
        os.close(r)
        os.close(w)


def _ctx(tmp_path: Path, **settings: Any) -> Any:
    from guestfs.backends.context import LaunchContext

    g = guestfs.GuestFS()
    for name, value in settings.items():
        getattr(g, f"set_{name}")(value)
    ctx = LaunchContext.for_handle(g, str(tmp_path))
    g.close()
    return ctx


def test_what_cannot_be_restored(tmp_path: Path) -> None:
    from guestfs.drives import Drive

    assert saved.ineligible(_ctx(tmp_path), [Drive("/x")]) is None
    assert "virtio-blk" in (saved.ineligible(_ctx(tmp_path), [Drive("/x", iface="virtio")]) or "")
    wrapper = tmp_path / "qemu-wrapper"
    wrapper.write_text("#!/bin/sh\nexec qemu-system-x86_64 \"$@\"\n")
    wrapper.chmod(0o755)
    assert "wrapper" in (saved.ineligible(_ctx(tmp_path, hv=str(wrapper)), []) or "")
    g = guestfs.GuestFS()
    g.config("-no-hpet", None)
    from guestfs.backends.context import LaunchContext
    assert "config" in (saved.ineligible(LaunchContext.for_handle(g, str(tmp_path)), []) or "")
    g.close()


def test_switches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(saved.ENV, "0")
    assert not saved.enabled(_ctx(tmp_path))
    assert saved.enabled(_ctx(tmp_path, backend_settings=["saved_appliance"]))
    monkeypatch.setenv(saved.ENV, "1")
    assert saved.enabled(_ctx(tmp_path))
    assert not saved.enabled(_ctx(tmp_path, backend_settings=["no_saved_appliance"]))


def test_key_follows_the_machine(tmp_path: Path) -> None:
    from guestfs.appliance import Appliance
    from guestfs.backends.qemu import QemuBackend

    for name in ("k", "i", "r"):
        (tmp_path / name).write_bytes(name.encode())
    app = Appliance(*(str(tmp_path / n) for n in ("k", "i", "r")), "fixed", str(tmp_path))

    def key(**settings: Any) -> str:
        qb = QemuBackend(_ctx(tmp_path, **settings))
        template = qb._saved_argv(app, "@ROOT@", "@SOCKET@", "@QMP@")
        return saved.cache_key(template, "/usr/bin/qemu-system-x86_64", "QEMU 7.2", app)

    base = key()
    assert key() == base
    assert len({base, key(memsize=1000), key(smp=2), key(append="x=1"), key(network=True),
                key(selinux=True)}) == 6
    (tmp_path / "r").write_bytes(b"changed root")
    assert key() != base
