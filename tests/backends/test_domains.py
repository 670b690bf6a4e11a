"""``add_domain`` and ``add_libvirt_dom`` against libvirt's ``test:///default``
driver (no libvirtd, no VM): guests are domains defined by each test, with
disks pointing at image files in a temporary directory.

The test driver keeps one in-process state while a connection to it is
open, so ``add_domain(libvirturi="test:///default")`` sees the domains the
``conn`` fixture defines.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import guestfs

libvirt = pytest.importorskip("libvirt", reason="libvirt-python is not installed "
                              "(pip install libvirt-python)")

URI = "test:///default"


@pytest.fixture
def conn() -> Iterator[Any]:
    """An open connection to the test driver; domains it holds at the end are removed."""
    c = libvirt.open(URI)
    before = {d.name() for d in c.listAllDomains()}
    yield c
    for d in c.listAllDomains():
        if d.name() in before:
            continue
        persistent = d.isPersistent()  # a transient domain is gone once destroyed
        if d.isActive():
            d.destroy()
        if persistent:
            d.undefine()
    c.close()


@pytest.fixture
def images(tmp_path: Any) -> dict[str, str]:
    """Three small image files: raw, qcow2 (by name only) and another raw."""
    out = {}
    for name in ("a.img", "b.qcow2", "c.img"):
        p = tmp_path / name
        p.write_bytes(b"\0" * 65536)
        out[name] = str(p)
    return out


@pytest.fixture
def g() -> Iterator[Any]:
    h = guestfs.GuestFS(python_return_dict=True)
    yield h
    h.close()


def domain_xml(name: str, *disks: str) -> str:
    """A test-driver domain with the given ``<disk>`` elements."""
    return (f"<domain type='test'><name>{name}</name><uuid>{uuid.uuid4()}</uuid>"
            "<memory unit='MiB'>64</memory><os><type>hvm</type></os>"
            f"<devices>{''.join(disks)}</devices></domain>")


def file_disk(path: str, fmt: str | None = None, dev: str = "vda", extra: str = "") -> str:
    """A ``<disk type='file'>`` element."""
    driver = f"<driver name='qemu' type='{fmt}'/>" if fmt else ""
    return (f"<disk type='file' device='disk'>{driver}<source file='{path}'/>"
            f"<target dev='{dev}' bus='virtio'/>{extra}</disk>")


def drives(g: Any) -> list[tuple[str, bool, str | None]]:
    """(path, readonly, format) of each drive the handle has."""
    return [(d.filename, d.readonly, d.format) for d in g._drives]


def test_adds_every_disk_with_its_format(g: Any, conn: Any, images: dict[str, str]) -> None:
    conn.defineXML(domain_xml("two-disks", file_disk(images["a.img"], "raw", "vda"),
                              file_disk(images["b.qcow2"], "qcow2", "vdb")))
    assert g.add_domain("two-disks", libvirturi=URI) == 2
    assert drives(g) == [(images["a.img"], False, "raw"), (images["b.qcow2"], False, "qcow2")]


def test_disk_without_format_is_left_to_the_backend(g: Any, conn: Any,
                                                    images: dict[str, str]) -> None:
    conn.defineXML(domain_xml("nofmt", file_disk(images["a.img"])))
    assert g.add_domain("nofmt", libvirturi=URI) == 1
    assert drives(g) == [(images["a.img"], False, None)]


def test_running_domain_only_read_only(g: Any, conn: Any, images: dict[str, str]) -> None:
    conn.createXML(domain_xml("running", file_disk(images["a.img"], "raw")), 0)
    with pytest.raises(RuntimeError, match="domain 'running' is running"):
        g.add_domain("running", libvirturi=URI)
    assert g._drives == []
    assert g.add_domain("running", libvirturi=URI, readonly=True) == 1
    assert drives(g) == [(images["a.img"], True, "raw")]


# readonly, readonlydisk → how the <readonly/> disk is added (None: skipped;
# "error": the call fails); the ordinary disk is always added with `readonly`.
READONLYDISK_CASES = [
    (False, None, False), (True, None, True),
    (False, "write", False), (True, "write", True),
    (False, "read", True), (True, "read", True),
    (False, "ignore", None), (True, "ignore", None),
    (False, "error", "error"), (True, "error", True),
]


@pytest.mark.parametrize(("readonly", "readonlydisk", "expect"), READONLYDISK_CASES)
def test_readonlydisk(g: Any, conn: Any, images: dict[str, str], readonly: bool,
                      readonlydisk: str | None, expect: Any) -> None:
    conn.defineXML(domain_xml("rodisk", file_disk(images["a.img"], "raw", "vda"),
                              file_disk(images["c.img"], "raw", "vdb", "<readonly/>")))
    opts: dict[str, Any] = {"readonly": readonly}
    if readonlydisk is not None:
        opts["readonlydisk"] = readonlydisk
    if expect == "error":
        with pytest.raises(RuntimeError, match="marked <readonly/>"):
            g.add_domain("rodisk", libvirturi=URI, **opts)
        assert g._drives == []  # all or nothing
        return
    n = g.add_domain("rodisk", libvirturi=URI, **opts)
    want = [(images["a.img"], readonly, "raw")]
    if expect is not None:
        want.append((images["c.img"], expect, "raw"))
    assert n == len(want)
    assert drives(g) == want


def test_bad_readonlydisk_value(g: Any, conn: Any, images: dict[str, str]) -> None:
    conn.defineXML(domain_xml("badro", file_disk(images["a.img"], "raw")))
    with pytest.raises(RuntimeError, match="unknown readonlydisk parameter 'maybe'"):
        g.add_domain("badro", libvirturi=URI, readonlydisk="maybe")


def test_uuid_only_with_allowuuid(g: Any, conn: Any, images: dict[str, str]) -> None:
    dom = conn.defineXML(domain_xml("byuuid", file_disk(images["a.img"], "raw")))
    u = dom.UUIDString()
    with pytest.raises(RuntimeError, match=f"no libvirt domain called ‘{u}’"):
        g.add_domain(u, libvirturi=URI)
    assert g.add_domain(u, libvirturi=URI, allowuuid=True) == 1
    # allowuuid still accepts a name
    assert g.add_domain("byuuid", libvirturi=URI, allowuuid=True) == 1
    # A UUID without its dashes is one too.
    assert g.add_domain(u.replace("-", ""), libvirturi=URI, allowuuid=True) == 1


def test_a_name_is_not_tried_as_a_uuid(g: Any, conn: Any, images: dict[str, str],
                                        capfd: pytest.CaptureFixture[str]) -> None:
    # libvirt-python prints each failed lookup on stderr: a name must not be
    # looked up as a UUID first (stock prints nothing).
    conn.defineXML(domain_xml("plainname", file_disk(images["a.img"], "raw")))
    capfd.readouterr()
    assert g.add_domain("plainname", libvirturi=URI, allowuuid=True) == 1
    assert "Invalid UUID" not in capfd.readouterr().err


def test_unknown_domain(g: Any, conn: Any) -> None:
    with pytest.raises(RuntimeError, match="no libvirt domain called ‘nosuch’") as e:
        g.add_domain("nosuch", libvirturi=URI)
    assert e.value.errno == "ENOENT"


def test_missing_image_adds_nothing(g: Any, conn: Any, images: dict[str, str]) -> None:
    """The driver's stock domain points at /guest/diskimage1, which does not exist."""
    conn.defineXML(domain_xml("half", file_disk(images["a.img"], "raw", "vda"),
                              file_disk("/nonexistent/disk.img", "raw", "vdb")))
    with pytest.raises(RuntimeError, match="/nonexistent/disk.img: No such file"):
        g.add_domain("half", libvirturi=URI)
    assert g._drives == []
    with pytest.raises(RuntimeError, match="/guest/diskimage1"):
        g.add_domain("test", libvirturi=URI, readonly=True)
    assert g._drives == []


def test_optional_arguments_reach_add_drive(g: Any, conn: Any, images: dict[str, str]) -> None:
    conn.defineXML(domain_xml("opts", file_disk(
        images["a.img"], "raw", extra="<blockio logical_block_size='4096' physical_block_size='4096'/>")))
    assert g.add_domain("opts", libvirturi=URI, iface="virtio", cachemode="unsafe",
                        discard="besteffort", copyonread=True, live=True) == 1
    d = g._drives[0]
    assert (d.iface, d.cachemode, d.discard, d.copyonread, d.blocksize) == (
        "virtio", "unsafe", "besteffort", True, 4096)


def test_block_disk(g: Any, conn: Any) -> None:
    conn.defineXML(domain_xml("blockdisk", "<disk type='block' device='disk'>"
                              "<source dev='/dev/null'/><target dev='vda'/></disk>"))
    assert g.add_domain("blockdisk", libvirturi=URI) == 1
    assert drives(g) == [("/dev/null", False, "raw")]


def test_empty_cdrom_is_skipped(g: Any, conn: Any, images: dict[str, str]) -> None:
    cdrom = "<disk type='file' device='cdrom'><target dev='hdc' bus='ide'/><readonly/></disk>"
    conn.defineXML(domain_xml("cd", file_disk(images["a.img"], "raw"), cdrom))
    assert g.add_domain("cd", libvirturi=URI) == 1
    conn.defineXML(domain_xml("onlycd", cdrom))
    with pytest.raises(RuntimeError, match="has no disks"):
        g.add_domain("onlycd", libvirturi=URI)


def test_volume_disk(g: Any, conn: Any, tmp_path: Any) -> None:
    pool = conn.storagePoolCreateXML(
        f"<pool type='dir'><name>guestfs-test-pool</name><target><path>{tmp_path}</path>"
        "</target></pool>", 0)
    try:
        vol = pool.createXML("<volume><name>vol.img</name><capacity>65536</capacity>"
                             "<target><format type='raw'/></target></volume>", 0)
        (tmp_path / "vol.img").write_bytes(b"\0" * 65536)  # the test driver makes no files
        conn.defineXML(domain_xml("voldom", "<disk type='volume' device='disk'>"
                                  "<driver name='qemu' type='raw'/>"
                                  "<source pool='guestfs-test-pool' volume='vol.img'/>"
                                  "<target dev='vda'/></disk>"))
        assert g.add_domain("voldom", libvirturi=URI) == 1
        assert drives(g) == [(vol.path(), False, "raw")]
        conn.defineXML(domain_xml("novol", "<disk type='volume' device='disk'>"
                                  "<source pool='guestfs-test-pool' volume='nosuch'/>"
                                  "<target dev='vda'/></disk>"))
        with pytest.raises(RuntimeError, match="cannot find volume 'nosuch'"):
            g.add_domain("novol", libvirturi=URI)
    finally:
        pool.destroy()


def test_network_disk_is_refused(g: Any, conn: Any) -> None:
    conn.defineXML(domain_xml("netdisk", "<disk type='network' device='disk'>"
                              "<source protocol='nbd' name='export'><host name='h' port='10809'/>"
                              "</source><target dev='vda'/></disk>"))
    with pytest.raises(RuntimeError, match="network disk .*protocol 'nbd'") as e:
        g.add_domain("netdisk", libvirturi=URI)
    assert e.value.errno == "ENOTSUP"


def test_add_libvirt_dom_takes_a_domain_object(g: Any, conn: Any,
                                                images: dict[str, str]) -> None:
    dom = conn.defineXML(domain_xml("object", file_disk(images["a.img"], "raw")))
    assert g.add_libvirt_dom(dom, readonly=True) == 1
    assert drives(g) == [(images["a.img"], True, "raw")]
    with pytest.raises(TypeError, match="must be a libvirt.virDomain"):
        g.add_libvirt_dom("object")


def test_only_before_launch(g: Any, conn: Any, images: dict[str, str]) -> None:
    from guestfs.handle import State

    conn.defineXML(domain_xml("late", file_disk(images["a.img"], "raw")))
    g._state = State.READY
    try:
        with pytest.raises(RuntimeError, match="config state"):
            g.add_domain("late", libvirturi=URI)
    finally:
        g._state = State.CONFIG


def test_unreachable_uri_message(g: Any) -> None:
    # Stock names libvirt's error code and domain here (the URI only at launch).
    with pytest.raises(RuntimeError, match=r"^could not connect to libvirt \(code \d+, domain \d+\): "
                       r".*nohost") as e:
        g.add_domain("x", libvirturi="qemu+ssh://nohost.invalid/system")
    assert "\n" not in str(e.value)


def test_without_libvirt_python(g: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "libvirt", None)  # import libvirt → ImportError
    with pytest.raises(RuntimeError, match="pip install libvirt-python"):
        g.add_domain("x")
