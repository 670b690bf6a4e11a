"""appliance/prepare.py helpers without supermin: package list, tarballs, stamps, /init."""

from __future__ import annotations

import ast
import importlib.util
import io
import os
import tarfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _load(name: str, filename: str):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "appliance", filename))
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


prepare = _load("guestfs_appliance_prepare", "prepare.py")


def test_package_list_ignores_comments(tmp_path) -> None:
    f = tmp_path / "packages"
    f.write_text("# comment\npython3\n\n  lvm2  # trailing\n")
    assert prepare.read_packages(str(f)) == ["python3", "lvm2"]


def test_shipped_package_list_has_the_essentials() -> None:
    pkgs = set(prepare.read_packages(os.path.join(ROOT, "appliance", "packages")))
    assert {"python3", "util-linux", "e2fsprogs", "parted", "lvm2", "kmod"} <= pkgs
    assert "udev" not in pkgs


def test_tarballs_are_reproducible(tmp_path) -> None:
    src = tmp_path / "f"
    src.write_text("data")
    os.utime(src, (1_600_000_000, 1_600_000_000))

    def build() -> bytes:
        tb = prepare.TarBuilder()
        tb.add_file("usr/lib/x/f", str(src))
        tb.add_symlink("etc/mtab", "../proc/self/mounts")
        return tb.getvalue()

    blob = build()
    assert blob == build()
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        names = tar.getnames()
        f = tar.getmember("usr/lib/x/f")
        assert f.mtime == 1_600_000_000 and f.uid == 0
    assert names[:3] == ["usr", "usr/lib", "usr/lib/x"]


def test_write_if_changed_keeps_identical_files(tmp_path) -> None:
    p = tmp_path / "out"
    assert prepare.write_if_changed(str(p), b"abc")
    os.utime(p, (1, 1))
    assert not prepare.write_if_changed(str(p), b"abc")
    assert os.stat(p).st_mtime == 1
    assert prepare.write_if_changed(str(p), b"abcd")
    assert p.read_bytes() == b"abcd"


def test_stamps(tmp_path) -> None:
    stamps = prepare.Stamps(str(tmp_path))
    out = tmp_path / "o"
    assert not stamps.fresh("part", "k1", str(out))
    out.write_text("")
    stamps.record("part", "k1")
    assert stamps.fresh("part", "k1", str(out))
    assert not stamps.fresh("part", "k2", str(out))
    out.unlink()
    assert not stamps.fresh("part", "k1", str(out))


def test_init_is_python_and_stdlib_only() -> None:
    with open(os.path.join(ROOT, "appliance", "init")) as f:
        text = f.read()
    assert text.startswith("#!/usr/bin/python3")
    tree = ast.parse(text)
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree)
                 if isinstance(n, ast.ImportFrom) and n.module}
    assert imported <= {"os", "sys", "time", "ctypes", "subprocess", "traceback", "guestfs_daemon",
                        "collections", "select"}


@pytest.mark.skipif(not os.path.exists("/usr/bin/python3"), reason="no /usr/bin/python3 to compile with")
def test_init_stub_compiles() -> None:
    compile(prepare.INIT_STUB, "/init", "exec")
