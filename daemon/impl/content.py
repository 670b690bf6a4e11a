"""Looking at what files hold: counts, printable strings, hex dumps,
comparison and ``file(1)``'s description.

Files are read inside the sysroot in blocks, so a huge file costs bounded
memory; what comes back must still fit in one reply (the 4 MiB limit).
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections.abc import Callable, Iterator

from guestfs.protocol import constants as C

from .. import context
from ..dispatch import action
from ..errors import DaemonError
from ..lib.filearch import UnknownArch, file_arch
from ..lib.guestroot import BLOCK, open_guest, real
from ..lib.programs import DEVNULL, err_text, run, spawn, split_lines


def _blocks(path: str, what: str) -> Iterator[bytes]:
    """The contents of a regular guest file, block by block (``what: path: strerror``)."""
    try:
        fd = open_guest(path, os.O_RDONLY)
    except OSError as e:
        raise DaemonError.from_oserror(e, what, path) from None
    try:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise DaemonError(f"{what}: {path}: {os.strerror(21)}", "EISDIR")
        while True:
            try:
                block = os.read(fd, BLOCK)
            except OSError as e:
                raise DaemonError.from_oserror(e, what, path) from None
            if not block:
                return
            yield block
    finally:
        os.close(fd)


def _whole(path: str, what: str) -> bytes:
    """A file's contents, refused when larger than a reply can carry."""
    out = bytearray()
    for block in _blocks(path, what):
        out += block
        if len(out) > C.MESSAGE_MAX:
            raise DaemonError(f"{what}: {path}: file is too large for the protocol", "EFBIG")
    return bytes(out)


# -- wc ---------------------------------------------------------------------------

#: C-locale white space, as wc(1) counts words.
_SPACE = b" \t\n\v\f\r"


def _count_words(path: str) -> int:
    words = 0
    in_word = False
    for block in _blocks(path, "wc -w"):
        parts = block.split()
        if not parts:
            in_word = False
            continue
        words += len(parts)
        if in_word and block[0] not in _SPACE:
            words -= 1  # the word went on from the previous block
        in_word = block[-1] not in _SPACE
    return words


@action("wc_l")
def wc_l(path: str) -> int:
    """Number of newline characters in a file (``wc -l``)."""
    return sum(block.count(b"\n") for block in _blocks(path, "wc -l"))


@action("wc_w")
def wc_w(path: str) -> int:
    """Number of white-space separated words in a file (``wc -w``)."""
    return _count_words(path)


@action("wc_c")
def wc_c(path: str) -> int:
    """Number of bytes in a file (``wc -c``)."""
    return sum(len(block) for block in _blocks(path, "wc -c"))


# -- strings ----------------------------------------------------------------------

_PRINTABLE = rb"\t\x20-\x7e"
#: strings(1)'s encodings: the byte pattern of one character, and how to
#: turn a match back into text.
_ENCODINGS: dict[str, tuple[bytes, Callable[[bytes], bytes]]] = {
    "s": (b"[" + _PRINTABLE + b"]", lambda m: m),
    "S": (b"[" + _PRINTABLE + rb"\x80-\xff]", lambda m: m),
    "b": (rb"\x00[" + _PRINTABLE + b"]", lambda m: m[1::2]),
    "l": (b"[" + _PRINTABLE + rb"]\x00", lambda m: m[0::2]),
    "B": (rb"\x00\x00\x00[" + _PRINTABLE + b"]", lambda m: m[3::4]),
    "L": (b"[" + _PRINTABLE + rb"]\x00\x00\x00", lambda m: m[0::4]),
}
#: strings(1)'s default minimum length.
_MIN_CHARS = 4


def _strings(encoding: str, path: str) -> list[str]:
    if encoding not in _ENCODINGS:
        raise DaemonError(f"{encoding}: invalid encoding (expected one of s S b l B L)", "EINVAL")
    char, decode = _ENCODINGS[encoding]
    pattern = re.compile(b"(?:" + char + b"){%d,}" % _MIN_CHARS)
    data = _whole(path, "strings")
    return [decode(m.group()).decode("latin-1") for m in pattern.finditer(data)]


@action("strings")
def strings(path: str) -> list[str]:
    """Runs of at least four printable characters in a file, like ``strings``."""
    return _strings("s", path)


@action("strings_e")
def strings_e(encoding: str, path: str) -> list[str]:
    """``strings -e``: printable runs in 7/8-bit (s, S), 16-bit (b, l) or
    32-bit (B, L) big/little-endian characters."""
    return _strings(encoding, path)


# -- hexdump ----------------------------------------------------------------------

def _hex_line(offset: int, row: bytes) -> str:
    cells = [f"{b:02x}" for b in row] + ["  "] * (16 - len(row))
    text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in row)
    return f"{offset:08x}  {' '.join(cells[:8])}  {' '.join(cells[8:])}  |{text}|\n"


@action("hexdump")
def hexdump(path: str) -> str:
    """A file in ``hexdump -C`` form (repeated lines shown as ``*``)."""
    data = _whole(path, "hexdump")
    out: list[str] = []
    previous = None
    squeezing = False
    for off in range(0, len(data), 16):
        row = data[off:off + 16]
        if row == previous and len(row) == 16:
            if not squeezing:
                out.append("*\n")
                squeezing = True
            continue
        squeezing = False
        previous = row
        out.append(_hex_line(off, row))
    if data:
        out.append(f"{len(data):08x}\n")
    text = "".join(out)
    if len(text) > C.MESSAGE_MAX:
        raise DaemonError(f"hexdump: {path}: output is too large for the protocol", "EFBIG")
    return text


# -- equal ------------------------------------------------------------------------

@action("equal")
def equal(file1: str, file2: str) -> bool:
    """Whether two files have the same contents."""
    a, b = _blocks(file1, "cmp"), _blocks(file2, "cmp")
    bufa = bufb = b""
    while True:
        if not bufa:
            bufa = next(a, b"")
        if not bufb:
            bufb = next(b, b"")
        if not bufa or not bufb:
            return not bufa and not bufb
        n = min(len(bufa), len(bufb))
        if bufa[:n] != bufb[:n]:
            return False
        bufa, bufb = bufa[n:], bufb[n:]


# -- file -------------------------------------------------------------------------

@action("file")
def file(path: str) -> str:
    """``file(1)``'s description of a file, device or directory (not followed
    through symlinks; devices described by their contents)."""
    shown = context.shown_name(path)
    path = context.appliance_path(path)
    try:
        st = os.lstat(path)
    except OSError as e:
        raise DaemonError.from_oserror(e, "lstat", shown) from None
    if stat.S_ISLNK(st.st_mode):
        return "symbolic link"  # as libguestfs says it, without the target
    argv = ["file", "-zb"]
    if stat.S_ISBLK(st.st_mode) or stat.S_ISCHR(st.st_mode):
        argv = ["file", "-zbsL"]
    cp = run([*argv, "--", path], stdin=DEVNULL, check=False)
    if cp.returncode != 0:
        raise DaemonError(f"file: {shown}: {err_text(cp)}")
    lines = split_lines(cp.stdout.decode("utf-8", "surrogateescape"))
    return lines[0] if lines else ""


# -- initrd images ------------------------------------------------------------------

#: Leading bytes of an initramfs and the program that unpacks it to a cpio stream.
_INITRD_FORMATS = (
    (b"\x1f\x8b", ["gzip", "-dc"]),
    (b"\xfd7zXZ\x00", ["xz", "-dc"]),
    (b"\x28\xb5\x2f\xfd", ["zstd", "-dcq"]),
    (b"BZh", ["bzip2", "-dc"]),
    (b"\x89LZO", ["lzop", "-dc"]),
    (b"07070", ["cat"]),
)


def _cpio(initrd: str, cpio_args: list[str], what: str) -> bytes:
    """Run ``cpio`` on the uncompressed stream of a guest initrd; its stdout."""
    try:
        fd = open_guest(initrd, os.O_RDONLY)
    except OSError as e:
        raise DaemonError.from_oserror(e, what, initrd) from None
    with os.fdopen(fd, "rb") as f:
        head = f.read(8)
    unpack = next((argv for magic, argv in _INITRD_FORMATS if head.startswith(magic)), None)
    if unpack is None:
        raise DaemonError(f"{what}: {initrd}: not an initramfs (compressed cpio) image", "EINVAL")
    src = real(initrd)
    dec = spawn([*unpack, src], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert dec.stdout is not None
    try:
        cp = run(["cpio", "--quiet", *cpio_args], stdin=dec.stdout.fileno(), check=False)
    finally:
        dec.stdout.close()
        dec.wait()
    if cp.returncode != 0 or dec.returncode not in (0, -13):  # -13: SIGPIPE after cpio quit early
        raise DaemonError(f"{what}: {initrd}: {err_text(cp) or f'{unpack[0]} failed'}")
    if len(cp.stdout) > C.MESSAGE_MAX:
        raise DaemonError(f"{what}: {initrd}: output is too large for the protocol", "EFBIG")
    return cp.stdout


@action("initrd_list")
def initrd_list(path: str) -> list[str]:
    """The names in an initramfs image, in archive order (no leading /)."""
    return split_lines(_cpio(path, ["-it"], "initrd_list").decode("utf-8", "surrogateescape"))


@action("initrd_cat")
def initrd_cat(initrdpath: str, filename: str) -> bytes:
    """The contents of one file inside an initramfs image."""
    names = initrd_list(initrdpath)
    if filename not in names:
        raise DaemonError(f"{initrdpath}: {filename}: no such file in the initrd", "ENOENT")
    return _cpio(initrdpath, ["-i", "--to-stdout", "--", filename], "initrd_cat")


# -- architectures ------------------------------------------------------------------

@action("file_architecture")
def file_architecture(filename: str) -> str:
    """The architecture a program, library or initramfs was built for
    (ELF, Windows PE, looked into when compressed)."""
    try:
        return file_arch(_blocks(filename, "file_architecture"))
    except UnknownArch as e:
        what = "could not determine architecture of cpio archive" if e.cpio else "unknown architecture"
        raise DaemonError(f"{what}: {filename}", "EINVAL") from None


#: zfile's decompressors.
_ZFILE_METHODS = {"gzip": ["gzip", "-dc"], "compress": ["gzip", "-dc"], "bzip2": ["bzip2", "-dc"]}


@action("zfile")
def zfile(meth: str, path: str) -> str:
    """``file(1)``'s description of what a compressed file holds (deprecated: file)."""
    if meth not in _ZFILE_METHODS:
        raise DaemonError(f"zfile: unknown method: {meth}", "EINVAL")
    data = _whole(path, "zfile")
    cp = run([*_ZFILE_METHODS[meth]], input=data, check=False)
    if cp.returncode != 0:
        raise DaemonError(f"zfile: {path}: {err_text(cp)}")
    desc = run(["file", "-b", "-"], input=cp.stdout[:1 << 20], check=False)
    return desc.stdout.decode("utf-8", "surrogateescape").strip()
