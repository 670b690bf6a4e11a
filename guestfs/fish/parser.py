"""Splitting a guestfish command line into its command, words and pipe.

The rules are stock guestfish 1.48's, watched on the same inputs:

- the command is the first run of non-blank characters (it is never quoted);
  a leading ``-`` on it means "carry on if this command fails";
- a word that starts with ``"`` runs to the closing quote, with backslash
  escapes (``\\n``, ``\\t``, ``\\xHH``, ``\\ooo`` …, see :func:`unescape`);
  one that starts with ``'`` runs to the next ``'``, without escapes; either
  must be followed by a blank or the end of the line;
- any other word runs to the next blank, quotes and backslashes in it being
  plain characters; a bare word starting with ``~`` gets home-directory
  expansion;
- a word starting with ``|`` ends the words: the rest of the line is a host
  shell pipeline the command's output goes through;
- at most :data:`MAX_WORDS` words.

Text is ``str`` throughout; bytes that are not UTF-8 travel as
``surrogateescape`` code points, so ``"\\xff"`` is the byte 0xff again on
output.  The line-level handling (comments, ``!cmd``, ``<! cmd``) is the
shell's (``guestfs/fish/shell.py``); this module has no I/O.
"""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass, field

#: Most words one command can take (stock's limit).
MAX_WORDS = 63
_BLANKS = " \t"
_SIMPLE_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "?": "?", "a": "\a", "b": "\b",
                   "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_HEX = "0123456789abcdefABCDEF"


class FishSyntaxError(ValueError):
    """A line guestfish cannot split; ``str(e)`` is stock's message
    (printed as ``guestfish: MESSAGE``)."""


@dataclass
class CommandLine:
    """One parsed command."""

    #: The command as typed (``-`` removed), e.g. ``add-drive`` or ``add_drive``.
    name: str
    #: Its words, unquoted and expanded.
    args: list[str] = field(default_factory=list)
    #: The host pipeline after ``|``, or None.
    pipe: str | None = None
    #: False when the command was typed with a leading ``-``.
    exit_on_error: bool = True


def _byte_char(value: int) -> str:
    """The character standing for one byte (surrogate-escaped above 0x7f)."""
    return chr(value) if value < 0x80 else chr(0xDC00 + value)


def unescape(text: str, start: int) -> tuple[str, int]:
    """Read a double-quoted string whose opening quote is before ``start``.

    :returns: the unescaped text and the index just past the closing quote.
    :raises FishSyntaxError: no closing quote, or an escape stock refuses
        (the offset is where the bad escape would land in the result).
    """
    out: list[str] = []
    i, n = start, len(text)
    while True:
        if i >= n:
            raise FishSyntaxError("unterminated double quote")
        c = text[i]
        if c == '"':
            return "".join(out), i + 1
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1:i + 2]
        bad = FishSyntaxError(f"invalid escape sequence in string (starting at offset {len(out)})")
        if nxt in _SIMPLE_ESCAPES and nxt:
            out.append(_SIMPLE_ESCAPES[nxt])
            i += 2
        elif nxt in ("0", "1", "2", "3") and nxt:
            digits = text[i + 1:i + 4]
            if len(digits) < 3 or not all(d in "01234567" for d in digits):
                raise bad
            value = int(digits, 8)
            if value == 0:  # a NUL would end the C string: refused
                raise bad
            out.append(_byte_char(value))
            i += 4
        elif nxt == "x":
            digits = text[i + 2:i + 4]
            if len(digits) < 2 or not all(d in _HEX for d in digits) or int(digits, 16) == 0:
                raise bad
            out.append(_byte_char(int(digits, 16)))
            i += 4
        else:
            raise bad


def expand_tilde(word: str) -> str:
    """``~`` and ``~/x`` become ``$HOME``…; ``~user`` that user's home; an
    unknown user leaves the word as it is."""
    head, sep, rest = word[1:].partition("/")
    if not head:
        home = os.environ.get("HOME")
        if home is None:
            try:
                home = pwd.getpwuid(os.getuid()).pw_dir
            except KeyError:
                return word
    else:
        try:
            home = pwd.getpwnam(head).pw_dir
        except KeyError:
            return word
    return home + sep + rest


def _skip_blanks(text: str, i: int) -> int:
    while i < len(text) and text[i] in _BLANKS:
        i += 1
    return i


def _after_quoted(text: str, end: int) -> int:
    """Check that a quoted word is followed by a blank or the end."""
    if end < len(text) and text[end] not in _BLANKS:
        raise FishSyntaxError("command arguments not separated by whitespace")
    return end


def parse_command(line: str) -> CommandLine | None:
    """Split one command line.

    :returns: the command, or None for a line with nothing on it.
    :raises FishSyntaxError: with stock's message.
    """
    i = _skip_blanks(line, 0)
    exit_on_error = True
    if line[i:i + 1] == "-":
        exit_on_error = False
        i = _skip_blanks(line, i + 1)
    j = i
    while j < len(line) and line[j] not in _BLANKS:
        j += 1
    name = line[i:j]
    if not name:
        return None
    cmd = CommandLine(name, exit_on_error=exit_on_error)
    i = _skip_blanks(line, j)
    while i < len(line):
        if len(cmd.args) >= MAX_WORDS:
            raise FishSyntaxError("too many arguments")
        c = line[i]
        if c == '"':
            word, i = unescape(line, i + 1)
            i = _after_quoted(line, i)
        elif c == "'":
            end = line.find("'", i + 1)
            if end < 0:
                raise FishSyntaxError("unterminated single quote")
            word, i = line[i + 1:end], _after_quoted(line, end + 1)
        elif c == "|":
            cmd.pipe = line[i + 1:]
            break
        else:
            j = i
            while j < len(line) and line[j] not in _BLANKS:
                j += 1
            word = line[i:j]
            if word.startswith("~"):
                word = expand_tilde(word)
            i = j
        cmd.args.append(word)
        i = _skip_blanks(line, i)
    return cmd


def split_command_line_args(argv: list[str]) -> list[list[str]]:
    """Commands given as program arguments: words separated by ``:`` words
    (``guestfish echo a : echo b``).  Words stay as the shell gave them."""
    out: list[list[str]] = [[]]
    for word in argv:
        if word == ":":
            out.append([])
        else:
            out[-1].append(word)
    return [c for c in out if c]
