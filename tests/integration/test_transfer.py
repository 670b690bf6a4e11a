"""File transfers in the real appliance: upload, download, tar, base64, checksums.

Includes a 100 MiB round trip checked by SHA-256, transfers to and from a
whole device, and the error cases (messages as stock libguestfs 1.48's).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import os
import tarfile
from typing import Any

import pytest

from tests.helpers import err, sha256_file

pytestmark = pytest.mark.appliance

MIB = 1024 * 1024





@pytest.mark.slow
def test_100mib_round_trip(gfs: Any, tmp_path: Any) -> None:
    g = gfs
    src = tmp_path / "src"
    with open(src, "wb") as f:
        for _ in range(100):
            f.write(os.urandom(MIB))
    want = sha256_file(src)
    g.upload(str(src), "/big")
    assert g.filesize("/big") == 100 * MIB
    assert g.checksum("sha256", "/big") == want
    dst = tmp_path / "dst"
    g.download("/big", str(dst))
    assert sha256_file(dst) == want


def test_device_transfers(g: Any, tmp_path: Any) -> None:
    src = tmp_path / "src"
    data = os.urandom(3 * MIB + 17)
    src.write_bytes(data)
    g.upload(str(src), "/dev/sdb")
    out = tmp_path / "part"
    g.download_offset("/dev/sdb", str(out), MIB, MIB)
    assert out.read_bytes() == data[MIB:2 * MIB]
    g.upload_offset(str(src), "/dev/sdb", 10 * MIB)
    g.download_offset("/dev/sdb", str(out), 10 * MIB, len(data))
    assert out.read_bytes() == data
    whole = tmp_path / "whole"
    g.download("/dev/sdb", str(whole))
    assert os.path.getsize(whole) == g.blockdev_getsize64("/dev/sdb")
    assert err(g.download, "/dev/sdz", str(whole)).endswith("No such file or directory")


def test_transfer_errors(gfs: Any, tmp_path: Any) -> None:
    g = gfs
    src = tmp_path / "src"
    src.write_bytes(b"upload-data\n" * 1000)
    g.mkdir("/a")
    assert err(g.upload, str(src), "/nodir/up") == "upload: /nodir/up: No such file or directory"
    assert err(g.upload, str(src), "/a") == "upload: /a: Is a directory"
    g.ping_daemon()  # the rejected upload stream was drained
    assert err(g.download, "/missing", str(tmp_path / "d")) == "download: /missing: No such file or directory"
    assert err(g.download, "/a", str(tmp_path / "d")) == "download: /a: is a directory"
    g.upload(str(src), "/up")
    out = tmp_path / "o"
    g.download_offset("/up", str(out), 11990, 100)
    assert out.read_bytes() == b"load-data\n"
    assert err(g.download_offset, "/up", str(out), -1, 10) == \
        "download_offset: /up: offset in file is negative: Success"
    small = tmp_path / "small"
    small.write_bytes(b"ZZ")
    g.upload_offset(str(small), "/up", 3)
    assert g.pread("/up", 10, 0) == b"uplZZd-dat"
    assert err(g.upload_offset, str(small), "/nodir/x", 0) == \
        "upload_offset: /nodir/x: No such file or directory"
    g.ping_daemon()


def test_base64_and_checksums(gfs: Any, tmp_path: Any) -> None:
    g = gfs
    data = os.urandom(300_000)
    g.write("/bin", data)
    out = tmp_path / "b64"
    g.base64_out("/bin", str(out))
    assert out.read_bytes() == base64.encodebytes(data)
    inp = tmp_path / "in"
    inp.write_bytes(base64.encodebytes(data))
    g.base64_in(str(inp), "/bin2")
    assert g.read_file("/bin2") == data
    assert err(g.base64_out, "/missing", str(out)) == "base64_out: stat: /missing: No such file or directory"
    g.mkdir_p("/t/sub")
    g.write("/t/one", b"1\n")
    g.write("/t/sub/two", b"2\n")
    g.ln_s("one", "/t/link")
    sums = tmp_path / "sums"
    g.checksums_out("sha256", "/t", str(sums))
    assert sorted(sums.read_text().splitlines()) == sorted([
        f"{hashlib.sha256(b'1' + bytes([10])).hexdigest()}  ./one",
        f"{hashlib.sha256(b'2' + bytes([10])).hexdigest()}  ./sub/two"])
    assert err(g.checksums_out, "md5", "/t/one", str(sums)) == "checksums_out: /t/one: not a directory"


def _tarball() -> bytes:
    """A small tarball: two files owned by 1234 and a symlink."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in (("top", b"T"), ("sub/inner", os.urandom(200_000))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.uid = info.gid = 1234
            tf.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("ln")
        link.type = tarfile.SYMTYPE
        link.linkname = "top"
        tf.addfile(link)
    return buf.getvalue()


def test_tar_round_trips(gfs: Any, tmp_path: Any) -> None:
    g = gfs
    plain = tmp_path / "t.tar"
    plain.write_bytes(_tarball())
    gz = tmp_path / "t.tgz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    g.mkdir("/ti")
    g.tar_in(str(plain), "/ti")
    assert g.find("/ti/") == ["ln", "sub", "sub/inner", "top"]
    assert g.statns("/ti/top")["st_uid"] == 1234 and g.readlink("/ti/ln") == "top"
    g.mkdir("/tz")
    g.tar_in(str(gz), "/tz", compress="gzip")
    assert g.checksum("md5", "/tz/sub/inner") == g.checksum("md5", "/ti/sub/inner")
    for comp in ("gzip", "bzip2", "xz", "zstd"):
        out = tmp_path / f"out.{comp}"
        g.tar_out("/ti", str(out), compress=comp, excludes=["./sub*"], numericowner=True)
        with tarfile.open(out, "r:*") if comp != "zstd" else _zstd_open(out) as tf:
            assert sorted(tf.getnames()) == [".", "./ln", "./top"]
            assert tf.getmember("./top").uid == 1234
    assert err(g.tar_in, str(plain), "/ti", compress="bogus") == "tar_in: unknown compression type: bogus"
    assert err(g.tar_in, str(plain), "/missing") == "tar_in: /missing: No such file or directory"
    junk = tmp_path / "junk"
    junk.write_bytes(b"junk" * 100_000)
    assert err(g.tar_in, str(junk), "/ti").startswith(
        "tar_in: tar subcommand failed on directory: /ti: tar: ")
    assert err(g.tar_out, "/missing", str(tmp_path / "x")) == \
        "tar_out: stat: /missing: No such file or directory"
    assert err(g.tar_out, "/ti/top", str(tmp_path / "x")) == "tar_out: /ti/top: not a directory"
    g.ping_daemon()


def _zstd_open(path: Any) -> tarfile.TarFile:
    """Open a .tar.zst with the host's zstd (tarfile cannot)."""
    import subprocess
    data = subprocess.run(["zstd", "-dc", str(path)], check=True, capture_output=True).stdout
    return tarfile.open(fileobj=io.BytesIO(data))
