"""The systemd journal of a guest in the real appliance: journal_open,
journal_next, journal_skip, journal_get (streamed through
internal_journal_get), the data threshold, journal_get_realtime_usec,
journal_close.

The journal is written once per module by a real systemd-journald, the
host's binary run in private mount and UTS namespaces: its own /run, a
configuration that reads no kernel messages and forwards nothing, a fake
machine ID and host name, and only the entries this module sends it (plus
journald's own start and stop notices).  Nothing is read from the host's
journal.  The last test runs one script through stock libguestfs 1.48.6
and through ours, on the same journal, and compares every step.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tarfile
from typing import Any

import pytest

from guestfs.testing import skip_or_fail
from tests.helpers import err
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

pytestmark = pytest.mark.appliance

JOURNALD = "/lib/systemd/systemd-journald"
MACHINE_ID = "0123456789abcdef0123456789abcdef"
HOSTNAME = "guestjournal"
#: A message journald stores compressed (well over its 512-byte threshold).
BIG = ("0123456789abcdef" * 4096).encode()
BINARY = b"\x00\x01\xffbinary\nvalue"

#: The entries sent: (MESSAGE, extra fields).
ENTRIES: list[tuple[bytes, dict[str, bytes]]] = [
    (b"first entry", {"TESTFIELD": b"one", "PRIORITY": b"6"}),
    (b"second entry", {"TESTFIELD": b"two", "PRIORITY": b"3"}),
    (BIG, {"TESTFIELD": b"big"}),
    (b"binary entry", {"TESTFIELD": b"bin", "BLOB": BINARY}),
    (b"last entry", {"TESTFIELD": b"last"}),
]

JOURNALD_CONF = """\
[Journal]
Storage=volatile
ReadKMsg=no
Audit=no
ForwardToSyslog=no
ForwardToKMsg=no
ForwardToConsole=no
ForwardToWall=no
"""


def _native(fields: dict[str, bytes]) -> bytes:
    """A datagram in journald's native protocol (binary-safe field form)."""
    out = b""
    for name, value in fields.items():
        out += name.encode() + b"\n" + struct.pack("<Q", len(value)) + value + b"\n"
    return out


#: Run inside the namespaces: send each datagram file to the journald there.
SENDER = ("import socket, sys\n"
          "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
          "for p in sys.argv[1:]:\n"
          "    s.sendto(open(p, 'rb').read(), '/run/systemd/journal/socket')\n")


SCRIPT_SH = """\
set -e
mount -t tmpfs tmpfs /run
mkdir -p /run/cfg
cat > /run/cfg/journald.conf <<'EOF'
{conf}EOF
mount --bind /run/cfg/journald.conf /etc/systemd/journald.conf
echo {mid} > /run/cfg/machine-id
mount --bind /run/cfg/machine-id /etc/machine-id
hostname {host}
{journald} &
pid=$!
i=0
while [ ! -S /run/systemd/journal/socket ]; do
  i=$((i+1)); [ $i -lt 100 ] || {{ echo "journald did not start" >&2; exit 1; }}
  sleep 0.1
done
{python} -c "$SENDER" {datagrams}
sleep 0.5
kill $pid
wait $pid || true
cp -r /run/log/journal/{mid} {out}/
"""


@pytest.fixture(scope="module")
def journal_tar(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A tarball of one journal directory (``MACHINE_ID/system.journal``)."""
    for need in (JOURNALD, shutil.which("unshare"), shutil.which("hostname")):
        if not need or not os.path.exists(need):
            skip_or_fail(f"making a journal needs {JOURNALD}, unshare and hostname")
    if os.geteuid() != 0:
        skip_or_fail("making a journal needs root (private mount namespace for journald)")
    work = tmp_path_factory.mktemp("journal")
    out = work / "out"
    out.mkdir()
    datagrams = []
    for i, (message, extra) in enumerate(ENTRIES):
        d = work / f"datagram{i}"
        d.write_bytes(_native({"MESSAGE": message, "SYSLOG_IDENTIFIER": b"gtest", **extra}))
        datagrams.append(str(d))
    script = SCRIPT_SH.format(conf=JOURNALD_CONF, mid=MACHINE_ID, host=HOSTNAME, journald=JOURNALD,
                              python=sys.executable, datagrams=" ".join(datagrams), out=out)
    cp = subprocess.run(["unshare", "--mount", "--uts", "--fork", "sh", "-c", script],
                        capture_output=True, timeout=60, check=False, env=dict(os.environ, SENDER=SENDER))
    if cp.returncode != 0:
        skip_or_fail(f"systemd-journald could not make a journal: {cp.stderr.decode(errors='replace')}")
    tar = work / "journal.tar"
    with tarfile.open(tar, "w") as t:
        t.add(out / MACHINE_ID, arcname=MACHINE_ID)
    return str(tar)


def prepare(tar: str) -> list[Step]:
    """The guest: ext4 on /dev/sda1 with the journal in /var/log/journal."""
    return [("part_disk", ["/dev/sda", "mbr"], {}),
            ("mkfs", ["ext4", "/dev/sda1"], {}),
            ("mount", ["/dev/sda1", "/"], {}),
            ("mkdir_p", ["/var/log/journal"], {}),
            ("tar_in", [tar, "/var/log/journal"], {}),
            ("write", ["/notadir", b"x"], {}),
            ("mkdir", ["/empty"], {})]


def _prepare(g: Any, tar: str) -> None:
    for method, args, kwargs in prepare(tar):
        getattr(g, method)(*args, **kwargs)


def _fields(g: Any) -> dict[str, bytes]:
    return {f["attrname"]: f["attrval"] for f in g.journal_get()}


def _read_all(g: Any) -> list[dict[str, bytes]]:
    entries = []
    while g.journal_next():
        entries.append(_fields(g))
    return entries


def test_calls_before_open_say_to_open(g: Any) -> None:
    assert g.feature_available(["journal"])
    g.available(["journal"])
    for name, args in (("journal_next", ()), ("journal_close", ()), ("journal_skip", (1,)),
                       ("journal_get_data_threshold", ()), ("journal_set_data_threshold", (1,)),
                       ("journal_get_realtime_usec", ())):
        assert err(getattr(g, name), *args) == \
            f"{name}: do_{name}: you must call 'journal-open' first to initialize the journal handle"


def test_read_every_entry(g: Any, journal_tar: str) -> None:
    _prepare(g, journal_tar)
    g.journal_open("/var/log/journal")
    try:
        entries = _read_all(g)
        ours = [e for e in entries if e.get("SYSLOG_IDENTIFIER") == b"gtest"]
        assert [e["MESSAGE"] for e in ours] == [m for m, _ in ENTRIES]
        assert [e["TESTFIELD"] for e in ours] == [x["TESTFIELD"] for _, x in ENTRIES]
        assert ours[3]["BLOB"] == BINARY
        assert ours[0]["PRIORITY"] == b"6" and ours[1]["PRIORITY"] == b"3"
        for e in entries:
            assert e["_MACHINE_ID"] == MACHINE_ID.encode() and e["_HOSTNAME"] == HOSTNAME.encode()
        # journald's own notices open and close it.
        assert entries[0]["MESSAGE"] == b"Journal started"
        assert entries[-1]["MESSAGE"] == b"Journal stopped"
        # At the end, next says so and the position stays on the last entry.
        assert not g.journal_next()
        assert _fields(g)["MESSAGE"] == b"Journal stopped"
    finally:
        g.journal_close()


def test_skip_time_and_threshold(g: Any, journal_tar: str) -> None:
    _prepare(g, journal_tar)
    g.journal_open("/var/log/journal/" + MACHINE_ID)
    assert "Cannot assign requested address" in err(g.journal_get_realtime_usec)
    assert g.journal_next()
    t0 = g.journal_get_realtime_usec()
    assert g.journal_skip(0) == 0
    assert g.journal_skip(3) == 3
    assert _fields(g)["TESTFIELD"] == b"two"
    t1 = g.journal_get_realtime_usec()
    assert t1 > t0 > 1_500_000_000 * 10**6
    assert g.journal_skip(-2) == 2
    assert _fields(g)["MESSAGE"].startswith(b"Runtime Journal")  # journald's size notice
    forward = g.journal_skip(1000)  # to the last entry: as far as there is
    assert forward >= len(ENTRIES)
    assert _fields(g)["MESSAGE"] == b"Journal stopped"
    assert g.journal_skip(-1000) == forward + 1  # back to the first
    assert _fields(g)["MESSAGE"] == b"Journal started"
    assert err(g.journal_skip, 1 << 40) == \
        "journal_skip: failed to skip 1099511627776 journal entries: Numerical result out of range"
    assert err(g.journal_skip, -(1 << 40)) == \
        "journal_skip: failed to skip -1099511627776 journal entries: Numerical result out of range"
    assert g.journal_get_data_threshold() == 65536
    g.journal_set_data_threshold(0)
    assert g.journal_get_data_threshold() == 0
    g.journal_set_data_threshold(100)
    assert g.journal_get_data_threshold() == 100
    g.journal_close()


def test_big_compressed_field_and_threshold(g: Any, journal_tar: str) -> None:
    _prepare(g, journal_tar)
    g.journal_open("/var/log/journal")
    while g.journal_next():
        if _fields(g).get("TESTFIELD") == b"big":
            break
    assert _fields(g)["MESSAGE"] == BIG
    g.journal_set_data_threshold(0)  # no limit
    assert _fields(g)["MESSAGE"] == BIG
    g.journal_close()


def test_open_refusals(g: Any, journal_tar: str) -> None:
    _prepare(g, journal_tar)
    assert err(g.journal_open, "/nonexist") == \
        "journal_open: sd_journal_open_directory: /nonexist: No such file or directory"
    assert err(g.journal_open, "/notadir") == \
        "journal_open: sd_journal_open_directory: /notadir: Not a directory"
    assert "must call 'journal-open' first" in err(g.journal_next)
    # A directory without journal files is an empty journal.
    g.journal_open("/empty")
    assert not g.journal_next()
    # Opening again replaces the open journal.
    g.journal_open("/var/log/journal")
    assert g.journal_next()
    g.journal_close()
    assert "must call 'journal-open' first" in err(g.journal_close)


def _script() -> list[Step]:
    s: list[Step] = [
        ("journal_next", [], {}),
        ("journal_get", [], {}),
        ("journal_open", ["/nonexist"], {}),
        ("journal_open", ["/notadir"], {}),
        ("journal_open", ["/empty"], {}),
        ("journal_next", [], {}),
        ("journal_open", ["/var/log/journal"], {}),
        ("journal_get_data_threshold", [], {}),
        ("journal_get_realtime_usec", [], {}),
        ("journal_get", [], {}),
    ]
    # Entries: journald's two notices, ENTRIES, its stop notice.  Stock hangs
    # in journal_get on the big compressed entry (the fifth), so the script
    # reads no fields past the fourth going forward, and none of the fifth.
    for i in range(len(ENTRIES) + 4):
        s += [("journal_next", [], {}), ("journal_get_realtime_usec", [], {})]
        if i < 4:
            s.append(("journal_get", [], {}))
    s += [
        ("journal_skip", [-2], {}),
        ("journal_get", [], {}),
        ("journal_set_data_threshold", [10], {}),
        ("journal_get_data_threshold", [], {}),
        ("journal_skip", [-2], {}),
        ("journal_get", [], {}),
        ("journal_set_data_threshold", [0], {}),
        ("journal_get", [], {}),
        ("journal_skip", [0], {}),
        ("journal_skip", [1 << 40], {}),
        ("journal_skip", [-(1 << 40)], {}),
        ("journal_skip", [-100], {}),
        ("journal_get", [], {}),
        ("journal_close", [], {}),
        ("journal_close", [], {}),
    ]
    return s


# Over 20 s under TCG with stock's launch: make conformance, not CI.
@pytest.mark.conformance
def test_agrees_with_stock(g: Any, journal_tar: str) -> None:
    script = _script()
    stock = run_script_on_stock([("add_drive_scratch", [64 << 20], {}), ("launch", [], {}),
                                 *prepare(journal_tar)], script)
    _prepare(g, journal_tar)
    assert_same_outcomes(script, run_script_on(g, script), stock)

