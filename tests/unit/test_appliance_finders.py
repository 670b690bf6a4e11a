"""Appliance finders without a VM: fixed, supermin cache, vmlinux and initrd handling."""

from __future__ import annotations

import glob
import gzip
import os
import struct

import pytest

from guestfs.appliance_finders import _initrd, _kernel, _modules, fixed, supermin


class FakeHandle:
    """Just what the finders ask of a handle."""

    def __init__(self, cachedir: str) -> None:
        self.cachedir = cachedir

    def get_cachedir(self) -> str:
        return self.cachedir

    def get_verbose(self) -> bool:
        return False


def make_fixed(d, parts=("kernel", "initrd", "root"), readme=True) -> None:
    if readme:
        (d / "README.fixed").write_text("fixed\n")
    for p in parts:
        (d / p).write_bytes(b"x")


# -- fixed ----------------------------------------------------------------------


def test_fixed_accepts_complete_directory(tmp_path) -> None:
    make_fixed(tmp_path)
    app = fixed.guestfs_find_appliance(directory=str(tmp_path), handle=None)
    assert app is not None
    assert (app.kind, app.directory) == ("fixed", str(tmp_path))
    assert app.kernel == str(tmp_path / "kernel")
    assert app.initrd == str(tmp_path / "initrd")
    assert app.root == str(tmp_path / "root")
    assert fixed.guestfs_describe_appliance_dir(directory=str(tmp_path)) is None


def test_fixed_rejects_directory_without_readme(tmp_path) -> None:
    make_fixed(tmp_path, readme=False)
    assert fixed.guestfs_find_appliance(directory=str(tmp_path), handle=None) is None
    assert fixed.guestfs_describe_appliance_dir(directory=str(tmp_path)) == "fixed: no README.fixed"


def test_fixed_names_the_missing_file(tmp_path) -> None:
    make_fixed(tmp_path, parts=("kernel", "root"))
    with pytest.raises(RuntimeError, match="initrd"):
        fixed.guestfs_find_appliance(directory=str(tmp_path), handle=None)


# -- supermin: cache key, cache dir, build --------------------------------------

KERNEL = supermin.Kernel("/nonexistent/vmlinuz-1.0", "/nonexistent/modules", "1.0")


def make_supermin_d(tmp_path):
    smd = tmp_path / "supermin.d"
    smd.mkdir()
    (smd / "packages").write_text("python3\n")
    (smd / "init.tar.gz").write_bytes(b"one")
    return smd


def test_supermin_describe_and_no_supermin_d(tmp_path) -> None:
    assert supermin.guestfs_describe_appliance_dir(directory=str(tmp_path)) == "supermin: no supermin.d"
    assert supermin.guestfs_find_appliance(directory=str(tmp_path), handle=FakeHandle(str(tmp_path))) is None
    make_supermin_d(tmp_path)
    assert supermin.guestfs_describe_appliance_dir(directory=str(tmp_path)) is None


def test_cache_key_is_stable_and_follows_inputs(tmp_path) -> None:
    smd = make_supermin_d(tmp_path)
    key = supermin.cache_key(str(smd), KERNEL)
    assert supermin.cache_key(str(smd), KERNEL) == key

    (smd / "init.tar.gz").write_bytes(b"two!")  # size and mtime change
    changed = supermin.cache_key(str(smd), KERNEL)
    assert changed != key

    st = os.stat(smd / "init.tar.gz")
    os.utime(smd / "init.tar.gz", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # mtime only
    assert supermin.cache_key(str(smd), KERNEL) != changed

    before = supermin.cache_key(str(smd), KERNEL)
    (smd / "extra.tar.gz").write_bytes(b"")
    assert supermin.cache_key(str(smd), KERNEL) != before

    other_kernel = supermin.Kernel(KERNEL.image, KERNEL.modules, "2.0")
    assert supermin.cache_key(str(smd), other_kernel) != supermin.cache_key(str(smd), KERNEL)


def test_cache_key_does_not_depend_on_where_supermin_d_is(tmp_path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for d in (a, b):
        (d / "packages").write_text("python3\n")
        os.utime(d / "packages", ns=(0, 10**9))
    assert supermin.cache_key(str(a), KERNEL) == supermin.cache_key(str(b), KERNEL)


def test_choose_kernel_from_environment() -> None:
    k = supermin.choose_kernel({"SUPERMIN_KERNEL": "/boot/vmlinuz-9.9-test"})
    assert k == supermin.Kernel("/boot/vmlinuz-9.9-test", "/lib/modules/9.9-test", "9.9-test")
    assert supermin._version_key("6.1.0-10") > supermin._version_key("6.1.0-9")


def test_user_cache_dir_is_private(tmp_path) -> None:
    d = supermin.user_cache_dir(FakeHandle(str(tmp_path)))
    assert d == str(tmp_path / f"guestfs-py-{os.getuid()}")
    assert os.stat(d).st_mode & 0o777 == 0o700
    os.chmod(d, 0o777)
    with pytest.raises(RuntimeError, match="private"):
        supermin.user_cache_dir(FakeHandle(str(tmp_path)))


@pytest.fixture
def fake_build(monkeypatch):
    """Replace the supermin run and kernel steps; count the builds."""
    calls = []

    def fake_run(supermin_d, dest, kernel, verbose=False):
        calls.append(dest)
        os.mkdir(dest)
        for name in ("initrd", "root"):
            with open(os.path.join(dest, name), "wb") as f:
                f.write(b"x")

    def fake_extract(image, dest):
        with open(dest, "wb") as f:
            f.write(b"\x7fELF")
        return True

    monkeypatch.setattr(supermin, "choose_kernel", lambda: KERNEL)
    monkeypatch.setattr(supermin, "run_supermin", fake_run)
    monkeypatch.setattr(supermin, "extract_vmlinux", fake_extract)
    monkeypatch.setattr(supermin, "trim_initrd", lambda path, modules: True)
    monkeypatch.setattr(supermin, "pruned_modules", lambda modules, cache: modules)
    return calls


def test_build_once_then_reuse(tmp_path, fake_build) -> None:
    smd = make_supermin_d(tmp_path)
    cache = tmp_path / "cache"
    app = supermin.guestfs_find_appliance(directory=str(tmp_path), handle=FakeHandle(str(cache)))
    assert app is not None and app.kind == "supermin"
    assert os.path.basename(app.kernel) == "vmlinux"
    assert os.path.dirname(app.kernel) == app.directory
    assert os.path.basename(app.directory) == "appliance-" + supermin.cache_key(str(smd), KERNEL)
    again = supermin.guestfs_find_appliance(directory=str(tmp_path), handle=FakeHandle(str(cache)))
    assert again == app
    assert len(fake_build) == 1
    assert not glob.glob(str(cache / "*" / "tmp-appliance-*"))


def test_failed_build_raises_and_cleans_up(tmp_path, monkeypatch, fake_build) -> None:
    make_supermin_d(tmp_path)
    cache = tmp_path / "cache"

    def failing(supermin_d, dest, kernel, verbose=False):
        os.mkdir(dest)
        raise RuntimeError("supermin: build failed:\nsome error")

    monkeypatch.setattr(supermin, "run_supermin", failing)
    with pytest.raises(RuntimeError, match="some error"):
        supermin.build_appliance(str(tmp_path / "supermin.d"), FakeHandle(str(cache)))
    top = supermin.user_cache_dir(FakeHandle(str(cache)))
    assert sorted(os.listdir(top)) == ["lock"]


def test_run_supermin_reports_stderr_tail(tmp_path, monkeypatch) -> None:
    script = tmp_path / "supermin"
    script.write_text("#!/bin/sh\necho 'supermin: something broke' >&2\nexit 1\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    with pytest.raises(RuntimeError, match="something broke"):
        supermin.run_supermin(str(tmp_path), str(tmp_path / "out"), KERNEL)


# -- vmlinux ----------------------------------------------------------------------


def fake_pvh_elf() -> bytes:
    """A minimal ELF64 with one PT_NOTE segment holding a Xen PVH entry note."""
    note = struct.pack("<III", 4, 4, _kernel.PVH_NOTE_TYPE) + b"Xen\0" + struct.pack("<I", 0x1000000)
    phoff = 64
    note_off = phoff + 56
    header = bytearray(64)
    header[:6] = b"\x7fELF\x02\x01"
    struct.pack_into("<Q", header, 0x20, phoff)
    struct.pack_into("<HH", header, 0x36, 56, 1)
    phdr = struct.pack("<IIQQQQQQ", _kernel.PT_NOTE, 4, note_off, 0, 0, len(note), len(note), 4)
    return bytes(header) + phdr + note


def test_pvh_note_detection() -> None:
    assert _kernel.has_pvh_note(fake_pvh_elf())
    assert not _kernel.has_pvh_note(b"\x7fELF" + b"\0" * 100)
    assert not _kernel.has_pvh_note(b"MZ not an elf")


def test_extract_from_gzip_payload(tmp_path) -> None:
    elf = fake_pvh_elf()
    image = tmp_path / "vmlinuz"
    image.write_bytes(b"MZ boot sector and setup code \x1f\x8b\x08 decoy" + gzip.compress(elf) + b"\0" * 64)
    dest = tmp_path / "vmlinux"
    assert _kernel.extract_vmlinux(str(image), str(dest))
    assert dest.read_bytes() == elf


def test_extract_fails_cleanly_on_junk(tmp_path) -> None:
    image = tmp_path / "vmlinuz"
    image.write_bytes(b"nothing compressed here")
    dest = tmp_path / "vmlinux"
    assert not _kernel.extract_vmlinux(str(image), str(dest))
    assert not dest.exists()
    assert _kernel.kernel_for_boot(str(image), str(tmp_path)) == str(image)


def _readable_kernels() -> list[str]:
    return sorted(k for k in glob.glob("/boot/vmlinuz-*") if os.access(k, os.R_OK))


@pytest.mark.skipif(not _readable_kernels(), reason="no readable /boot/vmlinuz-* on this machine")
def test_extract_real_kernel_gives_pvh_elf(tmp_path) -> None:
    dest = tmp_path / "vmlinux"
    assert _kernel.extract_vmlinux(_readable_kernels()[-1], str(dest))
    with open(dest, "rb") as f:
        assert f.read(4) == b"\x7fELF"
    assert _kernel.has_pvh_note(dest.read_bytes())


# -- initrd trimming ---------------------------------------------------------------


def test_trim_initrd_keeps_needed_modules_in_order(tmp_path) -> None:
    modules = tmp_path / "modules"
    modules.mkdir()
    deps = {
        "virtio_pci": ["virtio", "virtio_ring"], "virtio_scsi": ["scsi_mod", "virtio"],
        "virtio_blk": ["virtio"], "sd_mod": ["scsi_mod", "crc-t10dif"], "ext4": ["jbd2", "crc16"],
        "crc32c_generic": [], "virtio_console": ["virtio"], "virtio-rng": ["virtio"],
        "virtio": [], "virtio_ring": [], "scsi_mod": [], "crc-t10dif": [], "jbd2": [],
        "crc16": [], "fuse": [], "libata": [],
    }
    (modules / "modules.dep").write_text("".join(
        f"kernel/{m}.ko: {' '.join(f'kernel/{d}.ko' for d in ds)}\n" for m, ds in deps.items()))
    order = ["virtio_ring.ko", "virtio.ko", "scsi_mod.ko", "libata.ko", "crc-t10dif.ko", "sd_mod.ko",
             "virtio_scsi.ko", "virtio_blk.ko", "virtio-rng.ko", "virtio_console.ko", "virtio_pci.ko",
             "jbd2.ko", "crc16.ko", "crc32c_generic.ko", "ext4.ko", "fuse.ko"]
    entries = [_initrd.CpioEntry([0, 0o100755, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], "init", b"\x7fELF")]
    entries.append(_initrd.CpioEntry([0, 0o100644] + [0] * 11, "modules", "".join(
        m + "\n" for m in order).encode()))
    entries += [_initrd.CpioEntry([0, 0o100644] + [0] * 11, m, m.encode()) for m in order]
    initrd = tmp_path / "initrd"
    initrd.write_bytes(_initrd.write_cpio(entries))

    assert _initrd.trim_initrd(str(initrd), str(modules))
    out = {e.name: e for e in _initrd.read_cpio(initrd.read_bytes())}
    kept = out["modules"].data.decode().split()
    assert kept == [m for m in order if m not in ("libata.ko", "fuse.ko")]
    assert "fuse.ko" not in out and "libata.ko" not in out
    assert out["init"].data == b"\x7fELF"
    assert out["ext4.ko"].data == b"ext4.ko"


def test_trim_initrd_leaves_unknown_files_alone(tmp_path) -> None:
    initrd = tmp_path / "initrd"
    initrd.write_bytes(b"\x1f\x8b compressed, not newc")
    assert not _initrd.trim_initrd(str(initrd), str(tmp_path))
    assert initrd.read_bytes() == b"\x1f\x8b compressed, not newc"


def test_new_build_removes_stale_builds_only(tmp_path, fake_build) -> None:
    make_supermin_d(tmp_path)
    top = supermin.user_cache_dir(FakeHandle(str(tmp_path / "cache")))
    old, recent = os.path.join(top, "appliance-old"), os.path.join(top, "appliance-recent")
    os.mkdir(old)
    os.mkdir(recent)
    os.utime(old, (0, 0))
    supermin.build_appliance(str(tmp_path / "supermin.d"), FakeHandle(str(tmp_path / "cache")))
    assert not os.path.exists(old)
    assert os.path.exists(recent)


def test_pruned_modules_drop_excluded_subtrees(tmp_path) -> None:
    src = tmp_path / "6.1.0-test"
    for rel in ("modules.dep", "kernel/fs/ext4/ext4.ko", "kernel/sound/core/snd.ko",
                "kernel/drivers/gpu/drm/drm.ko", "kernel/drivers/net/virtio_net.ko",
                "kernel/drivers/net/ethernet/intel/e1000.ko"):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(rel)
    (src / "build").symlink_to("/usr/src/linux-headers")
    cache = tmp_path / "cache"
    cache.mkdir()
    out = _modules.pruned_modules(str(src), str(cache))
    assert out != str(src) and os.path.isdir(out)
    files = sorted(os.path.relpath(os.path.join(d, f), out)
                   for d, _, fs in os.walk(out) for f in fs)
    assert files == ["build", "kernel/drivers/net/virtio_net.ko", "kernel/fs/ext4/ext4.ko", "modules.dep"]
    assert os.readlink(os.path.join(out, "build")) == "/usr/src/linux-headers"
    assert _modules.pruned_modules(str(src), str(cache)) == out
    assert not [n for n in os.listdir(cache) if n.startswith("tmp-")]


def test_pruned_modules_falls_back_to_the_original(tmp_path) -> None:
    missing = str(tmp_path / "no-such-modules")
    assert _modules.pruned_modules(missing, str(tmp_path)) == missing


# -- concurrency and the search path -------------------------------------------


def test_concurrent_launches_build_once(tmp_path, monkeypatch, fake_build) -> None:
    """Several threads finding the same supermin appliance at once: one build,
    and nobody sees a half-built appliance (the lock is an flock per open)."""
    import fcntl
    import threading
    import types

    from tests.helpers import TIMEOUT

    make_supermin_d(tmp_path)
    cache = tmp_path / "cache"
    real = supermin.run_supermin
    nthreads = 4
    at_lock = threading.Condition()
    arrived: list[str] = []

    def counting_flock(fd, op):
        with at_lock:
            arrived.append(threading.current_thread().name)
            at_lock.notify_all()
        return fcntl.flock(fd, op)
    monkeypatch.setattr(supermin, "fcntl", types.SimpleNamespace(flock=counting_flock, LOCK_EX=fcntl.LOCK_EX))

    def slow_run(supermin_d, dest, kernel, verbose=False):
        # The build holds the lock until every other thread has come to it.
        with at_lock:
            assert at_lock.wait_for(lambda: len(arrived) == nthreads, TIMEOUT), \
                f"only {arrived} came to the lock during the build"
        real(supermin_d, dest, kernel, verbose)
    monkeypatch.setattr(supermin, "run_supermin", slow_run)
    results, errors = [], []

    def find() -> None:
        try:
            results.append(supermin.guestfs_find_appliance(
                directory=str(tmp_path), handle=FakeHandle(str(cache))))
        except Exception as e:  # collected and asserted below
            errors.append(e)
    threads = [threading.Thread(target=find, name=f"finder-{i}") for i in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT * 2)
    assert not any(t.is_alive() for t in threads), "a finder hangs"
    assert not errors
    assert sorted(arrived) == sorted(t.name for t in threads)  # each queued on the lock once
    assert len(fake_build) == 1
    assert len(set(results)) == 1
    app = results[0]
    for f in (app.kernel, app.initrd, app.root):
        assert os.path.exists(f)


def test_search_path_order_and_the_error_listing_every_directory(tmp_path, monkeypatch) -> None:
    import guestfs
    from guestfs.appliance import DEFAULT_PATH, search_path

    monkeypatch.chdir(tmp_path)
    assert search_path("a::.:b") == ["a", str(tmp_path), str(tmp_path), "b", DEFAULT_PATH]
    first, second, empty = tmp_path / "first", tmp_path / "second", tmp_path / "empty"
    for d in (first, second, empty):
        d.mkdir()
    make_fixed(first)
    make_fixed(second)
    g = guestfs.GuestFS(environment=False)
    g.set_path(f"{empty}:{first}:{second}")
    from guestfs.appliance import find_appliance
    app = find_appliance(g)
    assert app.kind == "fixed" and app.directory == str(first)

    monkeypatch.setattr("guestfs.appliance.DEFAULT_PATH", str(empty))
    g.set_path(str(second / "nothing-here"))
    with pytest.raises(RuntimeError) as ei:
        find_appliance(g)
    msg = str(ei.value)
    assert str(second / "nothing-here") in msg and str(empty) in msg
    assert "no README.fixed" in msg and "no supermin.d" in msg
    g.close()
