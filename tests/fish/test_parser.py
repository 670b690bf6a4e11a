"""Splitting command lines (guestfs/fish/parser.py), no VM, no subprocess.

The expected splits are what stock guestfish 1.48 does with the same
lines (``test_vs_stock_novm.py`` checks the same lines against stock).
"""

from __future__ import annotations

import os

import pytest

from guestfs.fish.parser import (
    MAX_WORDS,
    FishSyntaxError,
    expand_tilde,
    parse_command,
    split_command_line_args,
)


def words(line: str) -> list[str]:
    cmd = parse_command(line)
    assert cmd is not None
    return [cmd.name, *cmd.args]


def test_blank_lines_are_nothing() -> None:
    assert parse_command("") is None
    assert parse_command("   \t ") is None


def test_bare_words_split_on_blanks_only() -> None:
    assert words("  echo   a\tb  c'd e' \\x41 a|b ") == ["echo", "a", "b", "c'd", "e'", "\\x41", "a|b"]


def test_double_quotes_and_escapes() -> None:
    assert words('echo "a b" "\\x41\\n\\t|" "q\\"x" "\\101" "\\1010" "\\?" ""') == \
        ["echo", "a b", "A\n\t|", 'q"x', "A", "A0", "?", ""]
    assert words('echo "\\a\\b\\f\\v\\r\\\\\\\'"') == ["echo", "\a\b\f\v\r\\'"]


def test_high_bytes_are_surrogate_escaped() -> None:
    (arg,) = words('echo "\\xff\\377"')[1:]
    assert arg.encode("utf-8", "surrogateescape") == b"\xff\xff"


def test_single_quotes_are_literal() -> None:
    assert words("echo 'a \"b\" \\n' ''") == ["echo", 'a "b" \\n', ""]


@pytest.mark.parametrize("line, offset", [
    ('echo "\\q"', 0), ('echo "\\101\\x4a\\x4"', 2), ('echo "\\1"', 0), ('echo "\\777"', 0),
    ('echo "\\x00"', 0), ('echo "\\000"', 0), ('echo "ab\\', 2), ('echo "\\X41"', 0),
])
def test_bad_escapes_name_the_offset_in_the_result(line: str, offset: int) -> None:
    with pytest.raises(FishSyntaxError) as e:
        parse_command(line)
    assert str(e.value) == f"invalid escape sequence in string (starting at offset {offset})"


@pytest.mark.parametrize("line, message", [
    ('echo "abc', "unterminated double quote"),
    ('echo "\\"', "unterminated double quote"),
    ("echo 'abc", "unterminated single quote"),
    ('echo "a"b', "command arguments not separated by whitespace"),
    ("echo 'a'b", "command arguments not separated by whitespace"),
])
def test_syntax_errors(line: str, message: str) -> None:
    with pytest.raises(FishSyntaxError, match=f"^{message}$"):
        parse_command(line)


def test_word_limit() -> None:
    ok = "echo " + " ".join(str(i) for i in range(MAX_WORDS))
    assert len(words(ok)) == MAX_WORDS + 1
    with pytest.raises(FishSyntaxError, match="^too many arguments$"):
        parse_command(ok + " one-more")


def test_leading_dash_and_pipe() -> None:
    cmd = parse_command("  - cat /etc/fstab | grep -v '#' ")
    assert cmd is not None
    assert (cmd.name, cmd.args, cmd.pipe, cmd.exit_on_error) == \
        ("cat", ["/etc/fstab"], " grep -v '#' ", False)
    plain = parse_command("cat /a")
    assert plain is not None and plain.exit_on_error and plain.pipe is None


def test_tilde_only_on_bare_words(monkeypatch: pytest.MonkeyPatch, tmp_path: os.PathLike[str]) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert words('echo ~ ~/x "~" \'~/y\' a~') == ["echo", str(tmp_path), f"{tmp_path}/x", "~", "~/y", "a~"]
    assert expand_tilde("~root/z") == os.path.expanduser("~root") + "/z"
    assert expand_tilde("~no-such-user-here/z") == "~no-such-user-here/z"


def test_command_line_commands_split_at_colons() -> None:
    assert split_command_line_args(["echo", "a:b", ":", "echo", "c", ":"]) == [["echo", "a:b"], ["echo", "c"]]
