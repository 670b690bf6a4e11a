"""Hostile replies into the library: every return kind and FileOut streams.

A fake daemon answers one call with a valid reply that Hypothesis then
mangles (truncated, bit-flipped, random bytes, huge declared lengths, bad
header fields, error structs, bad chunks, progress and flag floods).  The
call must return a value of the right shape or raise ``RuntimeError`` (or
``UnicodeDecodeError`` for returned text that is not UTF-8, as the binding
does); never another exception, never a hang, and the handle is usable or
back in CONFIG afterwards.
"""

from __future__ import annotations

import socket
import struct
import threading
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import guestfs
from guestfs.actions import ACTIONS, Action
from guestfs.client import RPCClient
from guestfs.protocol import constants as C
from guestfs.protocol import encode_chunk, encode_message, flag_word
from guestfs.protocol.messages import _HEADER_STRUCT, Header
from guestfs.state import State
from tests.fuzz.conftest import Tally


def _actions() -> list[Action]:
    """One daemon action per return kind and struct, plus the FileOut and FileIn ones."""
    seen: dict[Any, Action] = {}
    for act in sorted(ACTIONS.values(), key=lambda a: (len(a.args), a.name)):
        if not act.daemon or any(a.kind.name == "Pointer" for a in act.args):
            continue
        key = ("out" if act.fileout else "in" if act.filein else "",
               act.ret.name, getattr(act.ret, "struct", None))
        seen.setdefault(key, act)
    return sorted(seen.values(), key=lambda a: a.name)


ACTS = _actions()
#: The first serial a fresh client uses.
FIRST_SERIAL = 0x124


def _reply_frames(act: Action, variant: int) -> list[bytes]:
    """The frames a correct daemon would send for one call of ``act``."""
    hdr = Header(C.PROGRAM, C.PROTOCOL_VERSION, act.proc_nr or 0, C.Direction.REPLY, FIRST_SERIAL,
                 0, 0, C.Status.OK)
    frames = [encode_message(hdr, act.encode_ret(act.ret.sample(variant)) if not act.fileout else b"")]
    if act.fileout:
        frames += [encode_chunk(b"d" * 8192), encode_chunk(b"tail"), encode_chunk(b"")]
    return frames


_HEADER = _HEADER_STRUCT


def _xdr_string(b: bytes) -> bytes:
    return struct.pack(">I", len(b)) + b + b"\0" * (-len(b) % 4)
_U32 = st.integers(0, 2**32 - 1)


@st.composite
def hostile_stream(draw: st.DrawFn, act: Action) -> bytes:
    """A correct reply to ``act``, then mangled."""
    frames = _reply_frames(act, draw(st.integers(0, 1)))
    ops = draw(st.lists(st.sampled_from([
        "truncate", "flip", "insert", "header", "random_payload", "flags", "progress",
        "huge_length", "error", "bad_chunk", "drop_frame", "garbage_frame",
    ]), min_size=1, max_size=4))
    for op in ops:
        i = draw(st.integers(0, len(frames) - 1)) if frames else 0
        if op == "header" and frames and len(frames[0]) >= 4 + _HEADER.size:
            fields = list(_HEADER.unpack_from(frames[0], 4))
            fields[draw(st.integers(0, len(fields) - 1))] = draw(_U32)
            try:
                frames[0] = frames[0][:4] + _HEADER.pack(*fields) + frames[0][4 + _HEADER.size:]
            except struct.error:
                pass  # a value the field's C type cannot hold: keep the frame
        elif op == "random_payload" and frames and len(frames[0]) >= 4 + _HEADER.size:
            body = draw(st.binary(max_size=256))
            frames[0] = frames[0][:4 + _HEADER.size] + body
            frames[0] = struct.pack(">I", len(frames[0]) - 4) + frames[0][4:]
        elif op == "flags":
            flag = draw(st.sampled_from([C.LAUNCH_FLAG, C.CANCEL_FLAG]))
            frames.insert(i, flag_word(flag) * draw(st.integers(1, 2000)))
        elif op == "progress":
            frames.insert(i, (flag_word(C.PROGRESS_FLAG) + draw(st.binary(min_size=24, max_size=24)))
                          * draw(st.integers(1, 500)))
        elif op == "huge_length":
            frames.insert(i, struct.pack(">I", draw(st.integers(C.MESSAGE_MAX - 64, 2**32 - 1)))
                          + draw(st.binary(max_size=64)))
        elif op == "error":
            # Raw XDR: the errno may exceed its 32-byte bound on purpose.
            body = _xdr_string(draw(st.binary(max_size=40))) + _xdr_string(draw(st.binary(max_size=300)))
            hdr = Header(C.PROGRAM, C.PROTOCOL_VERSION, act.proc_nr or 0, C.Direction.REPLY,
                         FIRST_SERIAL, 0, 0, C.Status.ERROR)
            frames[0:1] = [encode_message(hdr, body)]
        elif op == "bad_chunk":
            cancel = draw(st.integers(-(2**31), 2**31 - 1))
            data = draw(st.binary(max_size=9000))
            body = struct.pack(">iI", cancel, draw(st.one_of(st.just(len(data)), _U32))) + data
            frames.insert(max(1, i), struct.pack(">I", len(body)) + body)
        elif op == "drop_frame" and frames:
            del frames[i]
        elif op == "garbage_frame":
            frames.insert(i, draw(st.binary(max_size=128)))
    data = b"".join(frames)
    if "truncate" in ops and data:
        data = data[: draw(st.integers(0, len(data)))]
    if "flip" in ops and data:
        for _ in range(draw(st.integers(1, 8))):
            pos = draw(st.integers(0, len(data) - 1))
            data = data[:pos] + bytes([data[pos] ^ (1 << draw(st.integers(0, 7)))]) + data[pos + 1:]
    if "insert" in ops:
        pos = draw(st.integers(0, len(data)))
        data = data[:pos] + draw(st.binary(max_size=64)) + data[pos:]
    return data


def _drain(sock: socket.socket) -> None:
    """Read (and drop) what the library sends, until it hangs up."""
    try:
        while sock.recv(65536):
            pass
    except OSError:
        pass


def _call(act: Action, stream: bytes, tmp: str) -> Any:
    """One call of ``act`` on a READY handle whose daemon sends ``stream`` then EOF."""
    ours, theirs = socket.socketpair()
    reader = threading.Thread(target=_drain, args=(theirs,), daemon=True)
    writer = threading.Thread(target=lambda: (theirs.sendall(stream), theirs.shutdown(socket.SHUT_WR)),
                              daemon=True)
    reader.start()
    writer.start()
    g = guestfs.GuestFS(environment=False)
    g._client = RPCClient(ours)
    g._state = State.READY
    try:
        args = []
        for a in act.args:
            if a.kind.stream == "out":
                args.append(f"{tmp}/out")
            elif a.kind.stream == "in":
                args.append("/dev/null")
            else:
                args.append(a.kind.sample(0))
        return getattr(g, act.name)(*args)
    finally:
        g.close()
        ours.close()
        writer.join(10)
        theirs.close()
        reader.join(10)
        assert not writer.is_alive() and not reader.is_alive(), "the fake daemon's threads hung"


@given(data=st.data())
def test_hostile_replies_give_a_value_or_a_runtime_error(data: st.DataObject, tally: Tally,
                                                         tmp_path_factory: Any) -> None:
    act = data.draw(st.sampled_from(ACTS), label="action")
    stream = data.draw(hostile_stream(act), label="stream")
    tmp = str(tmp_path_factory.mktemp("fuzz"))
    try:
        _call(act, stream, tmp)
    except RuntimeError as e:
        tally.saw(type(e).__name__)
    except UnicodeDecodeError:
        tally.saw("not-utf8")  # returned text that is not UTF-8: the binding raises this too
    except BaseException:
        tally.bad()
        raise
    else:
        tally.saw("value")


def test_the_fuzzer_covers_every_return_kind_and_stream() -> None:
    kinds = {a.ret.name for a in ACTS}
    assert {"RErr", "RInt", "RInt64", "RBool", "RString", "RStringList", "RStruct", "RStructList",
            "RHashtable", "RBufferOut"} <= kinds
    assert any(a.fileout for a in ACTS) and any(a.filein for a in ACTS)


def test_an_unmangled_reply_round_trips(tmp_path: Any) -> None:
    """The fuzzer's starting point is a correct reply (so mangling is what it tests)."""
    for act in ACTS:
        if act.filein:
            continue
        result = _call(act, b"".join(_reply_frames(act, 0)), str(tmp_path))
        if not act.fileout:
            expected = act.ret.to_caller(act.ret.sample(0), None, False)
            assert result == expected, act.name
