"""The package database parsers of ``guestfs/library/inspection.py`` for
pacman and apk guests, and their version splitting, as stock 1.48 does it
(the rules were learned from stock on the images of
``tests/integration/test_inspect_apps.py``)."""

from __future__ import annotations

import pytest

from guestfs.library.inspection import (
    MAX_PACKAGE_DB,
    _bounded_read,
    parse_apk_installed,
    parse_pacman_desc,
    split_apk_version,
    split_pacman_version,
)


@pytest.mark.parametrize(("version", "want"), [
    ("1:2.3-4", (1, "2.3", "4")),
    ("2.38-7", (0, "2.38", "7")),
    ("20230101.abc-1-2", (0, "20230101.abc-1", "2")),
    ("x:1.0-1", (0, "x:1.0", "1")),  # not a number: no epoch
    ("3.0", None),  # no release: left out
    ("", None),
])
def test_split_pacman_version(version: str, want: tuple[int, str, str] | None) -> None:
    assert split_pacman_version(version) == want


@pytest.mark.parametrize(("version", "want"), [
    ("1.2.4-r2", ("1.2.4", "2")),
    ("1.36.1_git2023-r15", ("1.36.1_git2023", "15")),
    ("2.0", ("2.0", "")),
])
def test_split_apk_version(version: str, want: tuple[str, str]) -> None:
    assert split_apk_version(version) == want


DESC = """%NAME%
hello

%VERSION%
1:2.3-4

%DESC%
A phony greeter

%URL%
https://example.org/hello

%ARCH%
x86_64

%DEPENDS%
glibc
bash
"""


def test_pacman_desc() -> None:
    app = parse_pacman_desc(DESC)
    assert app is not None
    assert (app["app2_name"], app["app2_epoch"], app["app2_version"], app["app2_release"],
            app["app2_arch"], app["app2_url"], app["app2_description"], app["app2_summary"]) == (
        "hello", 1, "2.3", "4", "x86_64", "https://example.org/hello", "A phony greeter", "")
    assert len(app) == 17 and app["app2_source_package"] == ""


@pytest.mark.parametrize("text", [
    "%VERSION%\n1.0-1\n",  # no name
    "%NAME%\nx\n",  # no version
    "%NAME%\nx\n\n%VERSION%\n1.0\n",  # no release
    "",
    "garbage\n%%\n%\n",
])
def test_pacman_desc_left_out(text: str) -> None:
    assert parse_pacman_desc(text) is None


INSTALLED = """C:Q1abc=
P:musl
V:1.2.4-r2
A:x86_64
T:the musl c library
U:https://musl.libc.org/
o:musl

P:noversion
A:x86_64

P:plain
V:2.0
A:noarch
T:no release

P:last
V:1.0-r0
"""


def test_apk_installed() -> None:
    apps = parse_apk_installed(INSTALLED)
    assert [(a["app2_name"], a["app2_version"], a["app2_release"], a["app2_arch"], a["app2_url"],
             a["app2_description"], a["app2_source_package"]) for a in apps] == [
        ("musl", "1.2.4", "2", "x86_64", "https://musl.libc.org/", "the musl c library", ""),
        ("plain", "2.0", "", "noarch", "", "no release", "")]


def test_apk_last_stanza_needs_a_blank_line() -> None:
    assert [a["app2_name"] for a in parse_apk_installed(INSTALLED + "\n")] == ["musl", "plain", "last"]
    assert parse_apk_installed("") == [] and parse_apk_installed("junk\n\n:\n\n") == []


class _Guest:
    """A handle's file calls on one guest file: regular or a FIFO, of a size."""

    def __init__(self, regular: bool, size: int) -> None:
        self.regular, self.size, self.reads = regular, size, 0

    def is_file(self, path: str, followsymlinks: bool = False) -> bool:
        return self.regular

    def exists(self, path: str) -> bool:
        return True

    def filesize(self, path: str) -> int:
        return self.size

    def read_file(self, path: str) -> bytes:
        self.reads += 1
        return b"P:x\n"


def test_package_database_reads_are_bounded_and_regular_only() -> None:
    g = _Guest(True, 4)
    assert _bounded_read(g, "/lib/apk/db/installed") == "P:x\n"  # type: ignore[arg-type]
    # A FIFO (size 0) would block the read in the appliance: it is refused unread.
    fifo = _Guest(False, 0)
    with pytest.raises(RuntimeError, match="/lib/apk/db/installed: not a regular file"):
        _bounded_read(fifo, "/lib/apk/db/installed")  # type: ignore[arg-type]
    huge = _Guest(True, MAX_PACKAGE_DB + 1)
    with pytest.raises(RuntimeError, match="unreasonably large"):
        _bounded_read(huge, "/var/lib/dpkg/status")  # type: ignore[arg-type]
    assert (fifo.reads, huge.reads) == (0, 0)
