"""The ``--key`` selectors and key sources (guestfs/tools/keys.py), without a VM."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from guestfs.tools import keys
from guestfs.tools.keys import KeyProblem, KeySelector, parse_selector


def test_selectors_split_as_stock() -> None:
    assert parse_selector("/dev/sda2:key:pass") == KeySelector("/dev/sda2", "key", "pass")
    assert parse_selector("uuid-1:file:/k") == KeySelector("uuid-1", "file", "/k")
    assert parse_selector("/dev/sda2:clevis") == KeySelector("/dev/sda2", "clevis")
    assert parse_selector(":key:") == KeySelector("", "key", "")  # stock takes it too


@pytest.mark.parametrize("word,message", [
    ("bogus", "missing TYPE"), ("/dev/sda1:key", "missing KEY_STRING, or too many fields"),
    ("/dev/sda1:key:a:b", "missing KEY_STRING, or too many fields"),
    ("/dev/sda1:file", "missing FILENAME, or too many fields"),
    ("/dev/sda1:clevis:x", "too many fields"), ("/dev/sda1:nope:x", "invalid TYPE"),
])
def test_bad_selectors(word: str, message: str) -> None:
    with pytest.raises(ValueError) as ei:
        parse_selector(word)
    assert str(ei.value) == f"selector '{word}': {message}"


def test_a_selector_names_a_device_or_its_uuid() -> None:
    s = KeySelector("abcd", "key", "k")
    assert s.matches("/dev/sda1", "abcd") and not s.matches("/dev/sda1", "")
    assert KeySelector("/dev/sda1", "key").matches("/dev/sda1", "")


def test_key_file_gives_its_first_line(tmp_path: Path) -> None:
    f = tmp_path / "k"
    f.write_bytes(b"first\nsecond\n")
    assert keys._key_from_file(str(f)) == "first"
    with pytest.raises(KeyProblem, match=r"^fopen: /nonexist: No such file or directory$"):
        keys._key_from_file("/nonexist")


def test_no_terminal_to_ask_on(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def no_tty(path: str, flags: int) -> int:
        raise OSError(6, "No such device or address")

    monkeypatch.setattr(keys.os, "open", no_tty)
    # No terminal: the key is a line of standard input ...
    monkeypatch.setattr(keys.sys, "stdin", io.TextIOWrapper(io.BytesIO(b"pass phrase\nmore\n")))
    assert keys.ask_key("/dev/sda1", from_stdin=False, echo=False) == "pass phrase"
    # ... and with none left, stock's two lines.
    monkeypatch.setattr(keys.sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    with pytest.raises(KeyProblem, match="^could not read key from user$"):
        keys.ask_key("/dev/sda1", from_stdin=False, echo=False)
    assert capsys.readouterr().err == "getline: Inappropriate ioctl for device\n"
