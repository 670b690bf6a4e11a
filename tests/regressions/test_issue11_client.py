"""Regressions of issue 11 (a first probe as an attacker would), library side:
each finding of the issue has its test here, named after it.  No VM: the
handle talks to an in-memory daemon or to a hand-written hostile one."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from typing import Any

import pytest

import guestfs
from guestfs.actions import ACTIONS
from guestfs.client import MAX_STRAY_FLAGS, ConnectionLost
from guestfs.protocol import constants as C
from guestfs.protocol import (
    decode_header,
    encode_error,
    encode_message,
    flag_word,
    reply_header,
)
from guestfs_daemon import context
from tests.helpers import RawPeer, call_with_timeout, fake_impls, ready_handle, recv_message


def _serve_one_reply(payload_before: bytes, status: int = C.Status.OK, body: bytes = b""):  # type: ignore[no-untyped-def]
    """A hostile daemon: launch flag, then for the first call ``payload_before``
    followed by a reply with ``status`` and ``body``."""
    def script(sock: socket.socket) -> None:
        sock.sendall(flag_word(C.LAUNCH_FLAG))
        hdr, _ = decode_header(recv_message(sock))
        sock.sendall(payload_before + encode_message(reply_header(hdr, status), body))
        sock.recv(1)  # wait for the client to hang up
    return script


# -- "Floods of flag words cost quadratic time" ------------------------------------------

def test_issue11_flag_flood_before_a_reply_is_read_linearly() -> None:
    """A million flag words before the reply: the reply is still read (taking
    frames from the front of a list made this quadratic: minutes, not seconds)."""
    flood = flag_word(C.LAUNCH_FLAG) * (MAX_STRAY_FLAGS - 10)
    act = ACTIONS["echo_daemon"]
    reply = act.encode_ret("ok")
    with RawPeer(_serve_one_reply(flood, body=reply)) as peer:
        peer.client.wait_for_launch(10)
        assert call_with_timeout(lambda: peer.client.call(act, {"words": []}, {}), 60) == "ok"


def test_issue11_endless_flag_flood_breaks_the_connection() -> None:
    """More flag words than any daemon sends: a clear error, not a wait forever."""
    flood = flag_word(C.CANCEL_FLAG) * (MAX_STRAY_FLAGS + 5)
    act = ACTIONS["sync"]
    with RawPeer(_serve_one_reply(flood)) as peer:
        peer.client.wait_for_launch(10)
        with pytest.raises(ConnectionLost, match="flag words without a message"):
            call_with_timeout(lambda: peer.client.call(act, {}, {}), 60)


# -- "Error replies are passed on unchecked" ------------------------------------------

def _error_from(errno_string: bytes, message: bytes) -> RuntimeError:
    from guestfs.protocol.messages import ERROR_CODEC
    body = ERROR_CODEC.encode({"errno_string": errno_string, "error_message": message})
    act = ACTIONS["sync"]
    with RawPeer(_serve_one_reply(b"", C.Status.ERROR, body)) as peer:
        peer.client.wait_for_launch(10)
        with pytest.raises(RuntimeError) as e:
            call_with_timeout(lambda: peer.client.call(act, {}, {}))
    return e.value


def test_issue11_unknown_errno_names_are_dropped() -> None:
    e = _error_from(b"\xff\xfeNOT_AN_ERRNO", b"failed")
    assert e.errno is None
    assert _error_from(b"ENOENT", b"gone").errno == "ENOENT"
    assert encode_error("ENOENT", "x")  # the daemon side still encodes known names


def test_issue11_error_messages_that_are_not_utf8_still_print() -> None:
    e = _error_from(b"EIO", b"bad \xff\xfe name")
    text = str(e)
    assert text == "bad \ufffd\ufffd name"
    text.encode("utf-8")  # no lone surrogates: printing cannot fail


# -- "Arguments larger than one message" ----------------------------------------------

@pytest.mark.parametrize("call", [
    lambda g: g.write("/f", b"z" * (5 << 20)),
    lambda g: g.echo_daemon(["x" * (5 << 20)]),
    lambda g: g.echo_daemon(["y"] * (2 << 20)),
    lambda g: g.mkdir("/" + "d" * (5 << 20)),
], ids=["buffer", "string", "list", "path"])
def test_issue11_oversized_arguments_raise_runtime_error_naming_the_action(call: Any) -> None:
    with ready_handle() as (g, pair), fake_impls({"echo_daemon": lambda words: "ok"}):
        with pytest.raises(RuntimeError) as e:
            call(g)
        # write runs in the library on internal_write (its name, as in libguestfs).
        assert str(e.value).split(":")[0] in ("internal_write", "echo_daemon", "mkdir")
        assert "exceeds the protocol limit" in str(e.value)
        assert g.echo_daemon(["still", "usable"]) == "ok"  # nothing half-sent


# -- "NUL bytes in string arguments reach the daemon" ---------------------------------

@pytest.mark.parametrize(("call", "name"), [
    (lambda g: g.set_tmpdir("/tmp/\0x"), "set_tmpdir"),
    (lambda g: g.mkdir("/a\0b"), "mkdir"),
    (lambda g: g.echo_daemon(["ok", "n\0ul"]), "echo_daemon"),
    (lambda g: g.set_append("a\0"), "set_append"),
], ids=["library-call", "pathname", "string-list", "optstring"])
def test_issue11_nul_bytes_in_strings_are_refused(call: Any, name: str) -> None:
    g = guestfs.GuestFS(environment=False)
    with pytest.raises(ValueError, match=f"^{name}: argument .*embedded null character$"):
        call(g)
    assert g.get_tmpdir() != "/tmp/\0x"
    g.close()


def test_issue11_unencodable_surrogates_are_refused_but_escaped_bytes_pass() -> None:
    def received(words: list[str]) -> str:
        return repr(words[0].encode("utf-8", "surrogateescape"))

    with ready_handle() as (g, pair), fake_impls({"echo_daemon": received}):
        with pytest.raises(ValueError, match="surrogates not allowed"):
            g.echo_daemon(["\ud800"])
        # A byte that is not UTF-8 travels as itself (surrogateescape).
        assert g.echo_daemon(["caf\udce9"]) == repr(b"caf\xe9")


# -- "download to a local name open() refuses" ----------------------------------------

def test_issue11_download_to_an_impossible_local_name_keeps_the_handle(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def download(remotefilename: Any, filename: Any) -> None:
        filename.write(b"x" * 100_000)

    monkeypatch.setattr(context, "is_root_mounted", lambda: True)
    with ready_handle() as (g, pair), fake_impls({"download": download, "echo_daemon": lambda words: "ok"}):
        with pytest.raises(ValueError, match="embedded null character"):
            g.download("/f", str(tmp_path / "a\0b"))
        with pytest.raises(RuntimeError, match="No such file or directory"):
            g.download("/f", str(tmp_path / "no" / "such" / "dir"))
        # The stream was read to its end: the next call is answered, not "bad reply header".
        assert g.echo_daemon([]) == "ok"
        g.download("/f", str(tmp_path / "fine"))
        assert (tmp_path / "fine").read_bytes() == b"x" * 100_000


# -- "An image whose format is not given is probed and followed" -----------------------

def _qemu_img(*args: str) -> None:
    subprocess.run(["qemu-img", *args], check=True, capture_output=True)


@pytest.fixture
def disguised_qcow2(tmp_path: Any) -> str:
    """``disk.raw`` that is really a qcow2 whose backing file is a host file."""
    secret = tmp_path / "host-secret"
    secret.write_bytes(b"root:$6$secret\n" * 1000)
    disk = tmp_path / "disk.raw"
    _qemu_img("create", "-q", "-f", "qcow2", "-F", "raw", "-b", str(secret), str(disk))
    return str(disk)


def test_issue11_image_with_backing_file_refused_when_format_not_given(disguised_qcow2: str) -> None:
    from guestfs.backends.qemu import probe_format
    with pytest.raises(RuntimeError) as e:
        probe_format(disguised_qcow2)
    msg = str(e.value)
    assert "host-secret" in msg and "format='qcow2'" in msg and "refusing" in msg


def test_issue11_launch_refuses_before_starting_qemu(disguised_qcow2: str, tmp_path: Any) -> None:
    for readonly in (False, True):
        g = guestfs.GuestFS(environment=False)
        g.add_drive_opts(disguised_qcow2, readonly=readonly)
        with pytest.raises(RuntimeError, match="backing file"):
            g.launch()
        assert g.is_config()
        g.close()


def test_issue11_plain_images_and_explicit_formats_still_work(tmp_path: Any, disguised_qcow2: str) -> None:
    from guestfs.backends.qemu import probe_format
    raw = tmp_path / "plain.img"
    raw.write_bytes(b"\0" * 65536)
    assert probe_format(str(raw)) == "raw"
    qcow = tmp_path / "plain.qcow2"
    _qemu_img("create", "-q", "-f", "qcow2", str(qcow), "1M")
    assert probe_format(str(qcow)) == "qcow2"
    out = subprocess.run(["qemu-img", "info", "--output=json", disguised_qcow2], capture_output=True)
    assert json.loads(out.stdout)["backing-filename"].endswith("host-secret")
    assert os.path.exists(disguised_qcow2)
